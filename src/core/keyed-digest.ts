import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { encodeBase64Url } from './random.ts'

const derivedKeys = new WeakMap<Uint8Array, Map<string, Uint8Array>>()

/**
 * A key for one purpose, derived from the deployment's secret with a distinct label, so a digest
 * made for one purpose says nothing about another (nor about the token-signing key itself).
 */
function derivedKey(secret: Uint8Array, label: string): Uint8Array {
  let keys = derivedKeys.get(secret)
  if (!keys) {
    keys = new Map()
    derivedKeys.set(secret, keys)
  }
  let key = keys.get(label)
  if (!key) {
    key = hmac(sha256, secret, utf8ToBytes(`oncepass key derivation: ${label}`))
    keys.set(label, key)
  }
  return key
}

/**
 * HMAC-SHA-256 of `text` under the key for `label`, base64url: a stable lookup key for something
 * that must not be stored as typed (an email, an IP), unguessable without the secret.
 *
 * @example
 * keyedDigest(signingKey, 'sign-in-throttle', 'account:ann@example.com')
 */
export function keyedDigest(secret: Uint8Array, label: string, text: string): string {
  return encodeBase64Url(hmacSha256(derivedKey(secret, label))(utf8ToBytes(text)))
}

const keyedStates = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>()

/**
 * HMAC-SHA-256 under `key`, its keyed state made once per key and copied per message (a fresh
 * HMAC hashes the key's two padded blocks again each time).
 */
export function hmacSha256(key: Uint8Array): (message: Uint8Array) => Uint8Array {
  let keyed = keyedStates.get(key)
  if (!keyed) {
    keyed = hmac.create(sha256, key)
    keyedStates.set(key, keyed)
  }
  const state = keyed
  return (message) => state.clone().update(message).digest()
}
