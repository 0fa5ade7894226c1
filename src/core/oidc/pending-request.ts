import { errors, jwtVerify } from 'jose'
import { hs256Signer, signJwt } from '../jws.ts'
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

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>
const hmacKeys = new WeakMap<Uint8Array, Promise<HmacKey>>()
function hmacKey(raw: Uint8Array): Promise<HmacKey> {
  let key = hmacKeys.get(raw)
  if (!key) {
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    hmacKeys.set(raw, key)
  }
  return key
}

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
  try {
    const { payload } = await jwtVerify(token, await hmacKey(config.signingKey), {
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: audienceOf(config),
      typ: TYPE,
      requiredClaims: ['exp', 'req', 'at', 'app'],
      currentDate: new Date(nowMs),
    })
    const request = payload.req as AuthorizationRequest
    const { at, app } = payload
    if (typeof at !== 'number' || typeof app !== 'string' || !isRequestShape(request)) return null
    return { request, requestedAt: at, appName: app }
  } catch (error) {
    if (error instanceof errors.JOSEError) return null
    throw error
  }
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
