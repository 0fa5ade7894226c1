import { hs256Signer, signJwt, verifyHs256Jwt } from '../jws.ts'
import type { TokenConfig } from '../tokens.ts'
import type { AuthorizationRequest } from './authorization-request.ts'
import { supportedScopes } from './scopes.ts'

/**
 * An authorization request waiting while its user signs in. It travels in an HttpOnly cookie of
 * the browser that started it (so no other browser can resume it, and no row is written for a
 * request nobody finishes), signed with the server key under its own type and audience.
 */
export interface PendingAuthorization {
  request: AuthorizationRequest
  /** The app's name, for the sign-in page ("Sign in to continue to …"). */
  appName: string
  /** When the app asked, ms: a sign-in after this satisfies `prompt=login` and `max_age`. */
  requestedAt: number
}

const TYPE = 'authz+jwt'
const audienceOf = (config: TokenConfig) => `${config.audience}:authorization`

/** The pending request as the cookie's value, valid for `ttlSeconds`. */
export function sealPendingAuthorization(
  config: TokenConfig,
  pending: PendingAuthorization,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(pending.requestedAt / 1000)
  return signJwt(
    { alg: 'HS256', typ: TYPE },
    {
      req: pending.request,
      at: pending.requestedAt,
      app: pending.appName,
      iss: config.issuer,
      aud: audienceOf(config),
      iat: now,
      exp: now + ttlSeconds,
    },
    hs256Signer(config.signingKey),
  )
}

/** The pending request from the cookie's value, or null when it is not one of ours or expired. */
export async function openPendingAuthorization(
  config: TokenConfig,
  token: string,
  nowMs: number,
): Promise<PendingAuthorization | null> {
  const payload = verifyHs256Jwt(token, config.signingKey, {
    typ: TYPE,
    issuer: config.issuer,
    audience: audienceOf(config),
    required: ['req', 'at', 'app'],
    nowMs,
    toleranceS: 0,
  })
  if (!payload) return null
  const request = payload.req as AuthorizationRequest
  const { at, app } = payload
  if (typeof at !== 'number' || typeof app !== 'string' || !isRequestShape(request)) return null
  return { request, requestedAt: at, appName: app }
}

// Signed by us, so well-formed; checked anyway, as anything read from a cookie is.
function isRequestShape(value: unknown): value is AuthorizationRequest {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.clientId === 'string' &&
    typeof r.redirectUri === 'string' &&
    typeof r.codeChallenge === 'string' &&
    Array.isArray(r.scopes) &&
    r.scopes.every((scope) => (supportedScopes as readonly unknown[]).includes(scope))
  )
}
