import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { encodeBase64Url } from './random.ts'

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
 * `sign`. Signing is only this; verifying stays with jose, where every check is pinned.
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

const hmacStates = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>()

/**
 * HS256 under `key`, computed in place (@noble/hashes, the same on both runtimes). The keyed
 * state is made once per key and copied per token.
 */
export function hs256Signer(key: Uint8Array): JwsSigner {
  let keyed = hmacStates.get(key)
  if (!keyed) {
    keyed = hmac.create(sha256, key)
    hmacStates.set(key, keyed)
  }
  const state = keyed
  return (input) => state.clone().update(input).digest()
}
