import { isS256Challenge } from './pkce.ts'
import { grantScopes, type Scope } from './scopes.ts'

/**
 * The longest value each authorization parameter may have. The pending request travels in a
 * cookie while the user signs in, so the whole of it must stay well under a cookie's 4 KB.
 */
export const PARAMETER_LIMITS: Record<string, number> = {
  client_id: 64,
  redirect_uri: 1000,
  response_type: 64,
  response_mode: 32,
  scope: 256,
  state: 512,
  nonce: 256,
  code_challenge: 128,
  code_challenge_method: 16,
  prompt: 64,
  max_age: 12,
  login_hint: 254,
  ui_locales: 64,
}
/** Any other parameter is ignored, but none may be longer than this. */
const OTHER_PARAMETER_LIMIT = 2000

/** An authorization request as validated, ready to resume after sign-in. */
export interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  scopes: Scope[]
  state?: string
  nonce?: string
  codeChallenge: string
  /** `none`: answer without any page; `login`: sign in again even with a live session. */
  prompt?: 'none' | 'login'
  /** Seconds: a sign-in older than this must be done again. */
  maxAge?: number
  loginHint?: string
}

/** Errors that go back to the app (OAuth 2.0 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'access_denied'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'server_error'

export interface AuthorizationError {
  error: AuthorizationErrorCode
  description: string
}

/** Query parameters read once each: a repeated or oversized one is never trusted. */
export interface ReadParameters {
  values: Map<string, string>
  repeated: Set<string>
  oversized: Set<string>
}

/** Reads the parameters of an authorization (or end-session) request. */
export function readParameters(params: URLSearchParams): ReadParameters {
  const values = new Map<string, string>()
  const repeated = new Set<string>()
  const oversized = new Set<string>()
  for (const [name, value] of params) {
    if (values.has(name)) repeated.add(name)
    if (value.length > (PARAMETER_LIMITS[name] ?? OTHER_PARAMETER_LIMIT)) oversized.add(name)
    values.set(name, value)
  }
  return { values, repeated, oversized }
}

/**
 * A parameter that decides where the answer goes (`client_id`, `redirect_uri`), or undefined when
 * it is missing, repeated or oversized: then no redirect may be made at all.
 */
export function trustedParameter(read: ReadParameters, name: string): string | undefined {
  if (read.repeated.has(name) || read.oversized.has(name)) return undefined
  const value = read.values.get(name)
  return value ? value : undefined
}

/**
 * The rest of the request, once the client and its redirect URI are known to be good: everything
 * wrong from here is told to the app. Only the authorization code flow with PKCE S256 exists.
 */
export function validateAuthorizationRequest(
  read: ReadParameters,
  client: { clientId: string; redirectUri: string },
): { ok: true; request: AuthorizationRequest } | { ok: false; error: AuthorizationError } {
  const fail = (error: AuthorizationErrorCode, description: string) => ({
    ok: false as const,
    error: { error, description },
  })
  const bad = [...read.repeated, ...read.oversized]
  if (bad.length > 0) return fail('invalid_request', `Parameter sent twice or too long: ${bad[0]}`)
  const get = (name: string) => read.values.get(name) || undefined
  if (get('request')) return fail('request_not_supported', 'Request objects are not supported')
  if (get('request_uri')) return fail('request_uri_not_supported', 'request_uri is not supported')
  if (get('response_type') !== 'code') {
    return fail('unsupported_response_type', 'Only response_type=code is supported')
  }
  const responseMode = get('response_mode')
  if (responseMode !== undefined && responseMode !== 'query') {
    return fail('invalid_request', 'Only response_mode=query is supported')
  }
  const scopes = grantScopes(get('scope') ?? '')
  if (!scopes) return fail('invalid_scope', 'The scope must include openid')
  const codeChallenge = get('code_challenge')
  if (get('code_challenge_method') !== 'S256' || !codeChallenge) {
    return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required')
  }
  if (!isS256Challenge(codeChallenge)) {
    return fail('invalid_request', 'code_challenge is not an S256 challenge')
  }
  const prompt = readPrompt(get('prompt'))
  if (prompt === 'invalid') return fail('invalid_request', 'prompt=none cannot be combined')
  const maxAge = readMaxAge(get('max_age'))
  if (maxAge === 'invalid') return fail('invalid_request', 'max_age must be a whole number')
  return {
    ok: true,
    request: {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scopes,
      codeChallenge,
      ...optional('state', get('state')),
      ...optional('nonce', get('nonce')),
      ...optional('prompt', prompt),
      ...optional('maxAge', maxAge),
      ...optional('loginHint', get('login_hint')),
    },
  }
}

// `consent` and `select_account` ask for screens that do not exist here (every app is registered
// by the tenant's own admin, and a browser holds one account): they are satisfied as they are.
function readPrompt(text: string | undefined): 'none' | 'login' | undefined | 'invalid' {
  if (text === undefined) return undefined
  const values = new Set(text.split(' ').filter(Boolean))
  if (values.has('none')) return values.size === 1 ? 'none' : 'invalid'
  return values.has('login') ? 'login' : undefined
}

function readMaxAge(text: string | undefined): number | undefined | 'invalid' {
  if (text === undefined) return undefined
  return /^\d{1,9}$/.test(text) ? Number(text) : 'invalid'
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

/**
 * Where the answer goes: the registered redirect URI with the code (or the error), the `state`
 * exactly as sent, and `iss` (RFC 9207) so the app can tell which server answered.
 */
export function authorizationResponseUrl(
  redirectUri: string,
  issuer: string,
  answer: { code: string } | AuthorizationError,
  state: string | undefined,
): string {
  const url = new URL(redirectUri)
  if ('code' in answer) {
    url.searchParams.set('code', answer.code)
  } else {
    url.searchParams.set('error', answer.error)
    url.searchParams.set('error_description', answer.description)
  }
  if (state !== undefined) url.searchParams.set('state', state)
  url.searchParams.set('iss', issuer)
  return url.href
}
