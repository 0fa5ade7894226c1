import { constantTimeEqual } from './constant-time.ts'
import { hmacSha256 } from './keyed-digest.ts'
import { decodeBase64Url, encodeBase64Url } from './random.ts'

/**
 * Computes the signature of a JWS signing input (RFC 7515 §5.1) as the JWS carries it: an
 * HMAC-SHA-256 tag, or an ECDSA P-256 signature as raw `r‖s` (RFC 7518 §3.4). Synchronous where
 * the runtime allows it: a signature through Web Crypto is a job on Node's thread pool and a
 * promise, which cost the event loop more than the signature itself.
 */
export type JwsSigner = (input: Uint8Array) => Uint8Array | Promise<Uint8Array>

/** The protected header of every token we sign: the algorithm, the token type, the key's id. */
export interface JwsHeader {
  alg: 'HS256' | 'ES256'
  typ: string
  kid?: string
}

const encoder = new TextEncoder()
const encodeJson = (value: unknown) => encodeBase64Url(encoder.encode(JSON.stringify(value)))

/**
 * A JWT in compact serialization (RFC 7519 §7.1): header and claims as base64url JSON, signed by
 * `sign`. Our HS256 tokens are checked by `verifyHs256Jwt` below; ES256 tokens by jose.
 *
 * @example
 * await signJwt({ alg: 'HS256', typ: 'at+jwt' }, { sub, iat, exp }, hs256Signer(key))
 */
export async function signJwt(
  header: JwsHeader,
  claims: Record<string, unknown>,
  sign: JwsSigner,
): Promise<string> {
  const input = `${encodeJson(header)}.${encodeJson(claims)}`
  const signature = await sign(encoder.encode(input))
  return `${input}.${encodeBase64Url(signature)}`
}

/** HS256 under `key`, computed in place (@noble/hashes, the same on both runtimes). */
export function hs256Signer(key: Uint8Array): JwsSigner {
  return hmacSha256(key)
}

/** What an HS256 token of ours must say to be accepted (RFC 8725 §3: everything pinned). */
export interface Hs256Expectation {
  typ: string
  issuer: string
  audience: string
  /** Claims that must be present besides `iss`, `aud`, `iat` and `exp`. */
  required: readonly string[]
  nowMs: number
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  toleranceS: number
}

/** A verified token's claims: `iat` and `exp` are numbers, the rest as signed. */
export type VerifiedClaims = Record<string, unknown> & { iat: number; exp: number }

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * The claims of an HS256 JWT signed under `key`, or null for anything else. The tag is checked
 * first, over the exact bytes received, so nothing is parsed from a token the key did not sign;
 * then the header must be exactly `{ alg: 'HS256', typ }` (no `crit`, no `kid`, no other key),
 * and issuer, audience, expiry and the required claims must hold. In place, unlike a Web Crypto
 * verify: every page of an app's sign-in and every new API token passes here.
 */
export function verifyHs256Jwt(
  token: string,
  key: Uint8Array,
  expected: Hs256Expectation,
): VerifiedClaims | null {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return null
  const [header, payload, tag] = parts as [string, string, string]
  const computed = hmacSha256(key)(encoder.encode(`${header}.${payload}`))
  if (!constantTimeEqual(encodeBase64Url(computed), tag)) return null
  const head = parseJsonObject(header)
  const claims = parseJsonObject(payload)
  if (!head || !claims) return null
  const headerKeys = Object.keys(head)
  if (headerKeys.length !== 2 || head.alg !== 'HS256' || head.typ !== expected.typ) return null
  return claimsHold(claims, expected) ? claims : null
}

function claimsHold(
  claims: Record<string, unknown>,
  expected: Hs256Expectation,
): claims is VerifiedClaims {
  const { iss, aud, iat, exp, nbf } = claims
  const now = expected.nowMs / 1000
  const skew = expected.toleranceS
  if (iss !== expected.issuer || aud !== expected.audience) return false
  if (typeof iat !== 'number' || typeof exp !== 'number') return false
  if (now >= exp + skew || iat > now + skew) return false
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf - skew)) return false
  return expected.required.every((name) => claims[name] !== undefined)
}

function parseJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(decodeBase64Url(part)))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
