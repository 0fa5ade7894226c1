import { sha256 } from '@noble/hashes/sha2.js'
import { hs256Signer, signJwt, verifyHs256Jwt } from './jws.ts'
import { encodeBase64Url } from './random.ts'

/** Key and names every token is signed and checked with. The key is ≥ 256 random bits. */
export interface TokenConfig {
  signingKey: Uint8Array
  issuer: string
  audience: string
}

const ALGORITHM = 'HS256'
const ACCESS_TYPE = 'at+jwt'
const CHALLENGE_TYPE = 'pwchange+jwt'
const MFA_TYPE = 'mfa+jwt'
// A few seconds of tolerance for clock skew between issuer and verifier; no more.
const CLOCK_TOLERANCE_S = 5

export interface AccessClaims {
  /** user id */
  sub: string
  /** session id */
  sid: string
  /** tenant id */
  tid: string
}

export interface ChallengeClaims {
  sub: string
  /** challenge id: only the latest one issued to the user is accepted */
  jti: string
  ver: number
  /** The second factor was verified before this step (a change challenge only). */
  mfa?: true
}

const challengeAudience = (config: TokenConfig) => `${config.audience}:password-change`
const mfaAudience = (config: TokenConfig) => `${config.audience}:mfa`

/** The MFA sign-in step has the same claims as the change challenge, under its own type. */
export type MfaClaims = ChallengeClaims

/** Signs a short-lived access token (RFC 9068 `typ`), bound to a session and credential version. */
export function signAccessToken(
  config: TokenConfig,
  claims: AccessClaims,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  return signToken(config, ACCESS_TYPE, config.audience, nowMs, ttlSeconds, {
    sub: claims.sub,
    sid: claims.sid,
    tid: claims.tid,
  })
}

/** Signs the restricted token that can only complete a forced password change. */
export function signChallengeToken(
  config: TokenConfig,
  claims: ChallengeClaims,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  return signToken(config, CHALLENGE_TYPE, challengeAudience(config), nowMs, ttlSeconds, {
    sub: claims.sub,
    jti: claims.jti,
    ver: claims.ver,
    ...(claims.mfa ? { mfa: true } : {}),
  })
}

/**
 * Signs the token that proves the password was right and asks for the second factor; it is
 * accepted only by the MFA step, never as a session or a change challenge.
 */
export function signMfaToken(
  config: TokenConfig,
  claims: MfaClaims,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  return signToken(config, MFA_TYPE, mfaAudience(config), nowMs, ttlSeconds, {
    sub: claims.sub,
    jti: claims.jti,
    ver: claims.ver,
  })
}

/** One of our HS256 tokens: its type, audience and claims, issued now for `ttlSeconds`. */
function signToken(
  config: TokenConfig,
  typ: string,
  audience: string,
  nowMs: number,
  ttlSeconds: number,
  claims: Record<string, unknown>,
): Promise<string> {
  const now = Math.floor(nowMs / 1000)
  return signJwt(
    { alg: ALGORITHM, typ },
    { ...claims, iss: config.issuer, aud: audience, iat: now, exp: now + ttlSeconds },
    hs256Signer(config.signingKey),
  )
}

/**
 * Verifies with everything pinned (RFC 8725): the one algorithm, issuer, audience and `typ`, and
 * the claims we rely on. `alg: none`, another key, another token type or audience all fail.
 * Returns null for any invalid token: the caller answers with one generic 401.
 */
function verifyToken(
  config: TokenConfig,
  token: string,
  nowMs: number,
  expected: { typ: string; audience: string; claims: string[] },
) {
  return verifyHs256Jwt(token, config.signingKey, {
    typ: expected.typ,
    issuer: config.issuer,
    audience: expected.audience,
    required: ['sub', ...expected.claims],
    nowMs,
    toleranceS: CLOCK_TOLERANCE_S,
  })
}

// Access tokens whose signature and claims already verified, by exact token text, until they
// expire. A hit skips only the HMAC (the same bytes always verify the same way); revocation is
// still checked against the database on every request. Any other spelling of a token (re-padded,
// re-encoded) misses and is verified in full.
const MAX_CACHED_TOKENS = 10_000
const verifiedTokens = new WeakMap<
  Uint8Array,
  Map<string, { claims: AccessClaims; expMs: number }>
>()

export async function verifyAccessToken(
  config: TokenConfig,
  token: string,
  nowMs: number,
): Promise<AccessClaims | null> {
  let cache = verifiedTokens.get(config.signingKey)
  if (!cache) {
    cache = new Map()
    verifiedTokens.set(config.signingKey, cache)
  }
  const cached = cache.get(token)
  if (cached) {
    if (nowMs < cached.expMs + CLOCK_TOLERANCE_S * 1000) return cached.claims
    cache.delete(token)
    return null
  }
  const payload = verifyToken(config, token, nowMs, {
    typ: ACCESS_TYPE,
    audience: config.audience,
    claims: ['sid', 'tid'],
  })
  if (!payload) return null
  const { sub, sid, tid, exp } = payload
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof tid !== 'string') return null
  const claims = { sub, sid, tid }
  if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!)
  cache.set(token, { claims, expMs: exp * 1000 })
  return claims
}

export function verifyChallengeToken(
  config: TokenConfig,
  token: string,
  nowMs: number,
): Promise<ChallengeClaims | null> {
  return verifyStepToken(config, token, nowMs, CHALLENGE_TYPE, challengeAudience(config))
}

export function verifyMfaToken(
  config: TokenConfig,
  token: string,
  nowMs: number,
): Promise<MfaClaims | null> {
  return verifyStepToken(config, token, nowMs, MFA_TYPE, mfaAudience(config))
}

async function verifyStepToken(
  config: TokenConfig,
  token: string,
  nowMs: number,
  typ: string,
  audience: string,
): Promise<ChallengeClaims | null> {
  const payload = verifyToken(config, token, nowMs, { typ, audience, claims: ['jti', 'ver'] })
  if (!payload) return null
  const { sub, jti, ver, mfa } = payload
  if (typeof sub !== 'string' || typeof jti !== 'string') return null
  if (typeof ver !== 'number' || !Number.isInteger(ver)) return null
  return mfa === true ? { sub, jti, ver, mfa } : { sub, jti, ver }
}

/**
 * SHA-256 of an opaque token (refresh token, idempotency key), base64url. Only this digest is
 * stored: a database leak reveals no usable token. The tokens carry 256 random bits, so an
 * unsalted fast hash is enough (unlike passwords). Computed in place with @noble/hashes (audited,
 * synchronous, the same on both runtimes): Web Crypto's digest would send 43 bytes on a round trip
 * through Node's thread pool, costing the event loop more than the hash itself.
 */
export function hashToken(token: string): string {
  return encodeBase64Url(sha256(new TextEncoder().encode(token)))
}
