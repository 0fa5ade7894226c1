import { errors, type JWTPayload, jwtVerify } from 'jose'
import { signJwt } from '../jws.ts'
import type { OidcKeys } from './signing-keys.ts'
import { OIDC_ALGORITHM } from './signing-keys.ts'

const ACCESS_TYPE = 'at+jwt'
const LOGOUT_TYPE = 'logout+jwt'
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
const LOGOUT_TOKEN_TTL_S = 120
const CLOCK_TOLERANCE_S = 5

/** What an ID token says about one sign-in, for one app (OpenID Connect Core §2). */
export interface IdTokenClaims {
  issuer: string
  clientId: string
  /** `sub`, `tid` and the claims the scopes release (see `userClaims`). */
  user: { sub: string; tid: string } & Record<string, unknown>
  /** When the user last proved who they are, ms since the epoch. */
  authTime: number
  amr: string[]
  /** The browser session the sign-in belongs to (back-channel logout names it). */
  sid: string
  nonce?: string
}

/** Signs an ID token with the current key; its `kid` names it in the JWKS. */
export function signIdToken(
  keys: OidcKeys,
  claims: IdTokenClaims,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(nowMs / 1000)
  return signJwt(
    { alg: OIDC_ALGORITHM, kid: keys.kid, typ: 'JWT' },
    {
      ...claims.user,
      auth_time: Math.floor(claims.authTime / 1000),
      amr: claims.amr,
      sid: claims.sid,
      ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
      iss: claims.issuer,
      aud: claims.clientId,
      iat: now,
      exp: now + ttlSeconds,
    },
    keys.sign,
  )
}

/** An app's access token (RFC 9068): who, for which app, with which scopes. */
export interface AppAccessClaims {
  issuer: string
  clientId: string
  sub: string
  tid: string
  scope: string
  /** The browser session the grant came from. */
  sid: string
  /** The grant (the app's session): revoked grants' tokens fail at userinfo at once. */
  gid: string
  jti: string
}

export function signAppAccessToken(
  keys: OidcKeys,
  claims: AppAccessClaims,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(nowMs / 1000)
  return signJwt(
    { alg: OIDC_ALGORITHM, kid: keys.kid, typ: ACCESS_TYPE },
    {
      client_id: claims.clientId,
      scope: claims.scope,
      tid: claims.tid,
      sid: claims.sid,
      gid: claims.gid,
      iss: claims.issuer,
      sub: claims.sub,
      aud: claims.clientId,
      jti: claims.jti,
      iat: now,
      exp: now + ttlSeconds,
    },
    keys.sign,
  )
}

type VerifiedAccess = Omit<AppAccessClaims, 'issuer' | 'jti'>

// Access tokens whose signature and claims already verified, by exact token text, until they
// expire (as the API's own tokens are): a hit skips only the ECDSA verify. Whether the grant
// still stands is read from the database on every call.
const MAX_CACHED_TOKENS = 10_000
const verifiedTokens = new WeakMap<
  OidcKeys,
  Map<string, { claims: VerifiedAccess; expMs: number }>
>()

/**
 * One of our own access tokens, checked with everything pinned: ES256 only, a key of our JWKS,
 * our issuer, `typ` at+jwt, not expired. Null for anything else (an HS256 token signed with a
 * public key as its secret, `alg: none`, another issuer…).
 */
export async function verifyAppAccessToken(
  keys: OidcKeys,
  issuer: string,
  token: string,
  nowMs: number,
): Promise<VerifiedAccess | null> {
  let cache = verifiedTokens.get(keys)
  if (!cache) {
    cache = new Map()
    verifiedTokens.set(keys, cache)
  }
  const cached = cache.get(`${issuer} ${token}`)
  if (cached) {
    if (nowMs < cached.expMs + CLOCK_TOLERANCE_S * 1000) return cached.claims
    cache.delete(`${issuer} ${token}`)
    return null
  }
  const verified = await verifyAccessClaims(keys, issuer, token, nowMs)
  if (!verified) return null
  if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!)
  cache.set(`${issuer} ${token}`, verified)
  return verified.claims
}

async function verifyAccessClaims(
  keys: OidcKeys,
  issuer: string,
  token: string,
  nowMs: number,
): Promise<{ claims: VerifiedAccess; expMs: number } | null> {
  const payload = await verifyWithKeys(keys, token, {
    issuer,
    typ: ACCESS_TYPE,
    requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'scope', 'tid', 'sid', 'gid', 'aud'],
    currentDate: new Date(nowMs),
  })
  if (!payload) return null
  const { sub, client_id, scope, tid, sid, gid, aud, exp } = payload
  const strings = [sub, client_id, scope, tid, sid, gid]
  if (!strings.every((value) => typeof value === 'string') || aud !== client_id) return null
  const claims = {
    sub: sub as string,
    clientId: client_id as string,
    scope: scope as string,
    tid: tid as string,
    sid: sid as string,
    gid: gid as string,
  }
  return { claims, expMs: exp! * 1000 }
}

/**
 * An ID token we issued, given back as `id_token_hint` at sign-out. Its expiry does not matter
 * there (OpenID Connect RP-Initiated Logout §2): the signature, issuer and claims do.
 */
export async function verifyIdTokenHint(
  keys: OidcKeys,
  issuer: string,
  token: string,
): Promise<{ sub: string; clientId: string; sid: string } | null> {
  const payload = await verifyWithKeys(keys, token, {
    issuer,
    // Only an ID token: an access or logout token carries other claims under another `typ`.
    typ: 'JWT',
    requiredClaims: ['sub', 'aud', 'sid'],
    // Any time at all is acceptable: the hint only says who asks to sign out, and for which app.
    currentDate: new Date(0),
    clockTolerance: Number.MAX_SAFE_INTEGER,
  })
  if (!payload) return null
  const { sub, aud, sid } = payload
  if (typeof sub !== 'string' || typeof aud !== 'string' || typeof sid !== 'string') return null
  return { sub, clientId: aud, sid }
}

/** A back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export function signLogoutToken(
  keys: OidcKeys,
  claims: { issuer: string; clientId: string; sub: string; sid: string; jti: string },
  nowMs: number,
): Promise<string> {
  const now = Math.floor(nowMs / 1000)
  return signJwt(
    { alg: OIDC_ALGORITHM, kid: keys.kid, typ: LOGOUT_TYPE },
    {
      sid: claims.sid,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      iss: claims.issuer,
      sub: claims.sub,
      aud: claims.clientId,
      jti: claims.jti,
      iat: now,
      exp: now + LOGOUT_TOKEN_TTL_S,
    },
    keys.sign,
  )
}

async function verifyWithKeys(
  keys: OidcKeys,
  token: string,
  options: {
    issuer: string
    typ?: string
    requiredClaims: string[]
    currentDate: Date
    clockTolerance?: number
  },
): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keys.publicKeys.get(header.kid) : undefined
        if (!key) throw new errors.JWKSNoMatchingKey()
        return key
      },
      { algorithms: [OIDC_ALGORITHM], clockTolerance: CLOCK_TOLERANCE_S, ...options },
    )
    return payload
  } catch (error) {
    if (error instanceof errors.JOSEError) return null
    throw error
  }
}
