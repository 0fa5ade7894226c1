import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { AppError } from '../../core/errors.ts'
import { OAuthError } from '../../core/oidc/errors.ts'
import { originsOf } from '../../core/oidc/redirect-uris.ts'
import {
  describeTokenUser,
  exchangeCode,
  refreshAppTokens,
  revokeAppToken,
} from '../../services/app-tokens.ts'
import { authenticateClient, listPublicClientUris } from '../../services/clients.ts'
import type { AppEnv } from '../env.ts'
import { loggableError } from '../problem.ts'
import { MAX_BODY_BYTES } from '../middleware/request-guards.ts'
import { requestMeta } from '../request-meta.ts'
import { readClientCredentials } from './client-auth.ts'
import { discoveryDocument, OIDC_PATHS } from './discovery.ts'

type Ctx = Context<AppEnv>

const DENY_ALL_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i

/**
 * The OpenID Provider's JSON endpoints, for apps rather than people: discovery, the JWKS, token,
 * userinfo and revocation. Bodies are forms (RFC 6749), answers JSON; errors are OAuth's
 * `{ error, error_description }`; CORS only for the registered origins of public apps. The
 * authorization and end-session endpoints are pages (see `src/http/pages/authorize.ts`).
 */
export function oidcEndpoints() {
  return new Hono<AppEnv>()
    .use('*', oidcHeaders)
    .get(OIDC_PATHS.discovery, showDiscovery)
    .get(OIDC_PATHS.jwks, showJwks)
    .post(OIDC_PATHS.token, grantTokens)
    .get(OIDC_PATHS.userinfo, showUserinfo)
    .post(OIDC_PATHS.userinfo, showUserinfo)
    .post(OIDC_PATHS.revocation, revokeToken)
    .onError((error, c) => oauthErrorResponse(c, error))
}

/** The paths these endpoints answer, for the root's CORS preflight and method checks. */
export const OIDC_JSON_PATHS = [
  OIDC_PATHS.discovery,
  OIDC_PATHS.jwks,
  OIDC_PATHS.token,
  OIDC_PATHS.userinfo,
  OIDC_PATHS.revocation,
]

function provider(c: Ctx) {
  const { oidc } = c.get('deps')
  if (!oidc) throw new OAuthError('temporarily_unavailable', 'No public URL is configured')
  return oidc
}

function showDiscovery(c: Ctx) {
  c.header('Cache-Control', 'public, max-age=300')
  return c.json(discoveryDocument(provider(c)))
}

async function showJwks(c: Ctx) {
  // Apps cache the keys; a new key is published well before it signs (see docs/apps.md).
  c.header('Cache-Control', 'public, max-age=300')
  return c.json((await provider(c).keys()).jwks)
}

async function grantTokens(c: Ctx) {
  const body = await readFormBody(c)
  const deps = c.get('deps')
  const credentials = readClientCredentials(c.req.header('Authorization'), body)
  const client = await authenticate(c, credentials)
  const grantType = body.get('grant_type')
  const meta = requestMeta(c)
  if (grantType === 'authorization_code') {
    const input = {
      code: required(body, 'code'),
      redirectUri: required(body, 'redirect_uri'),
      codeVerifier: required(body, 'code_verifier'),
    }
    return c.json(await exchangeCode(deps, client, input, meta))
  }
  if (grantType === 'refresh_token') {
    return c.json(await refreshAppTokens(deps, client, required(body, 'refresh_token'), meta))
  }
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing')
  throw new OAuthError('unsupported_grant_type', 'Only authorization_code and refresh_token')
}

async function showUserinfo(c: Ctx) {
  const token = c.req.header('Authorization')?.match(/^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/)?.[1]
  if (!token) throw new OAuthError('invalid_token', 'A bearer access token is required')
  return c.json(await describeTokenUser(c.get('deps'), token))
}

async function revokeToken(c: Ctx) {
  const body = await readFormBody(c)
  const client = await authenticate(c, readClientCredentials(c.req.header('Authorization'), body))
  await revokeAppToken(c.get('deps'), client, required(body, 'token'), requestMeta(c))
  return c.body(null, 200)
}

/** Client authentication; with Basic, a failure is 401 with a challenge (RFC 6749 §5.2). */
async function authenticate(c: Ctx, credentials: ReturnType<typeof readClientCredentials>) {
  try {
    return await authenticateClient(c.get('deps'), credentials)
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client' && credentials.basic) {
      c.header('WWW-Authenticate', 'Basic realm="oncepass"')
    }
    throw error
  }
}

/**
 * A form body (RFC 6749 §3.2: `application/x-www-form-urlencoded`), within the size limit, each
 * parameter once: a repeated one is `invalid_request` (§3.1).
 */
async function readFormBody(c: Ctx): Promise<Map<string, string>> {
  if (!FORM_TYPE.test(c.req.header('Content-Type') ?? '')) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded')
  }
  if (Number(c.req.header('Content-Length') ?? 0) > MAX_BODY_BYTES) {
    throw new OAuthError('invalid_request', 'The body is too large')
  }
  const text = await c.req.text()
  if (text.length > MAX_BODY_BYTES) throw new OAuthError('invalid_request', 'The body is too large')
  const values = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(text)) {
    if (values.has(name)) throw new OAuthError('invalid_request', `${name} is repeated`)
    values.set(name, value)
  }
  return values
}

function required(body: Map<string, string>, name: string): string {
  const value = body.get(name)
  if (!value) throw new OAuthError('invalid_request', `${name} is missing`)
  return value
}

/** JSON for machines: nothing for a browser to run or frame, and no cache keeps a token. */
const oidcHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('Content-Security-Policy', DENY_ALL_CSP)
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  await next()
  if (!c.res.headers.has('Content-Security-Policy')) {
    c.res.headers.set('Content-Security-Policy', DENY_ALL_CSP)
  }
}

/**
 * CORS for the pages of public apps (single-page apps call these endpoints from the browser): an
 * `Origin` of a live public app's registered redirect URI is allowed, without credentials; any
 * other origin gets no CORS headers at all, and its browser reads nothing.
 */
export const allowPublicAppOrigins: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('Origin')
  const allowed = origin !== undefined && (await publicAppOrigins(c)).includes(origin)
  if (c.req.method === 'OPTIONS') {
    if (!allowed) return c.body(null, 204)
    c.header('Access-Control-Allow-Origin', origin)
    c.header('Access-Control-Allow-Methods', 'GET, POST')
    c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
    c.header('Access-Control-Max-Age', '600')
    c.header('Vary', 'Origin')
    return c.body(null, 204)
  }
  await next()
  if (allowed) {
    c.res.headers.set('Access-Control-Allow-Origin', origin)
    c.res.headers.set('Vary', 'Origin')
  }
}

async function publicAppOrigins(c: Ctx): Promise<string[]> {
  return originsOf(await listPublicClientUris(c.get('deps')))
}

/** OAuth's error shape for every failure of these endpoints; a bug is a bare `server_error`. */
function oauthErrorResponse(c: Ctx, error: unknown): Response {
  const { status, body } = toOAuthError(c, error)
  const headers = new Headers(c.res.headers)
  headers.set('Content-Type', 'application/json; charset=utf-8')
  if (error instanceof AppError && error.status === 503) {
    headers.set('Retry-After', error.headers?.['Retry-After'] ?? '1')
  }
  if (status === 401 && body.error === 'invalid_token') {
    headers.set(
      'WWW-Authenticate',
      `Bearer error="invalid_token", error_description="${body.error_description}"`,
    )
  }
  return new Response(JSON.stringify(body), { status, headers })
}

function toOAuthError(c: Ctx, error: unknown) {
  if (error instanceof OAuthError) {
    return {
      status: error.status,
      body: { error: error.error, error_description: error.description },
    }
  }
  if (error instanceof AppError && error.status === 503) {
    return {
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: error.message },
    }
  }
  if (error instanceof AppError && error.status < 500) {
    return { status: 400, body: { error: 'invalid_request', error_description: error.message } }
  }
  c.get('deps').logger.error('unhandled_error', {
    requestId: c.get('requestId'),
    error: loggableError(error),
  })
  return { status: 500, body: { error: 'server_error', error_description: 'Something went wrong' } }
}
