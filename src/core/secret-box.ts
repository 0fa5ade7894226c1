import { sha256 } from '@noble/hashes/sha2.js'
import { decodeBase64Url, encodeBase64Url, type RandomSource } from './random.ts'

/**
 * Encryption at rest for small secrets such as TOTP seeds: AES-256-GCM through Web Crypto (the
 * same on Node and in workerd). Every ciphertext names the key that sealed it, so a keyring can
 * hold a new current key next to old ones: old ciphertexts still open, and `needsResealing` tells
 * which ones to re-encrypt under the current key.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext+tag>`, base64url parts. The version and key id are
 * authenticated too (additional data), with a caller-chosen context such as the owner's id, so a
 * ciphertext copied to another row or relabelled with another key id does not open.
 */
export interface Keyring {
  readonly currentId: string
  readonly keys: ReadonlyMap<string, Uint8Array>
}

export const ENCRYPTION_KEY_BYTES = 32
const FORMAT = 'v1'
const IV_BYTES = 12

/**
 * A keyring from raw 256-bit keys, the first one current. A key's id is derived from the key
 * (a truncated SHA-256, which reveals nothing usable about a 256-bit key), so operators only ever
 * handle the keys themselves.
 */
export function createKeyring(rawKeys: readonly Uint8Array[]): Keyring {
  if (rawKeys.length === 0) throw new RangeError('a keyring needs at least one key')
  const keys = new Map<string, Uint8Array>()
  for (const raw of rawKeys) {
    if (raw.length !== ENCRYPTION_KEY_BYTES) throw new RangeError('encryption keys are 32 bytes')
    keys.set(keyIdOf(raw), raw)
  }
  return { currentId: keyIdOf(rawKeys[0]!), keys }
}

export function keyIdOf(raw: Uint8Array): string {
  return encodeBase64Url(sha256(raw)).slice(0, 8)
}

/** Seals `plaintext` under the keyring's current key, bound to `context`. */
export async function sealSecret(
  keyring: Keyring,
  plaintext: Uint8Array,
  context: string,
  random: RandomSource,
): Promise<string> {
  const keyId = keyring.currentId
  const iv = random(new Uint8Array(IV_BYTES))
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(keyId, context) },
    await aesKey(keyring.keys.get(keyId)!),
    plaintext,
  )
  return [FORMAT, keyId, encodeBase64Url(iv), encodeBase64Url(new Uint8Array(sealed))].join('.')
}

/**
 * Opens a ciphertext made by `sealSecret` with the same context. Null when it cannot be opened:
 * unknown format or key id, the wrong context, or any byte changed.
 */
export async function openSecret(
  keyring: Keyring,
  sealed: string,
  context: string,
): Promise<Uint8Array | null> {
  const parts = parseSealed(sealed)
  const raw = parts && keyring.keys.get(parts.keyId)
  if (!parts || !raw) return null
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: parts.iv, additionalData: additionalData(parts.keyId, context) },
      await aesKey(raw),
      parts.ciphertext,
    )
    return new Uint8Array(plain)
  } catch {
    return null
  }
}

/** True when the ciphertext was sealed under a key other than the current one. */
export function needsResealing(keyring: Keyring, sealed: string): boolean {
  return parseSealed(sealed)?.keyId !== keyring.currentId
}

function parseSealed(sealed: string) {
  const parts = sealed.split('.')
  if (parts.length !== 4 || parts[0] !== FORMAT) return null
  const [, keyId, iv, ciphertext] = parts as [string, string, string, string]
  if (!/^[\w-]+$/.test(iv) || !/^[\w-]+$/.test(ciphertext)) return null
  const ivBytes = decodeBase64Url(iv)
  if (ivBytes.length !== IV_BYTES) return null
  return { keyId, iv: ivBytes, ciphertext: decodeBase64Url(ciphertext) }
}

function additionalData(keyId: string, context: string): Uint8Array {
  return new TextEncoder().encode(`${FORMAT}.${keyId}.${context}`)
}

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>
const aesKeys = new WeakMap<Uint8Array, Promise<AesKey>>()

// One import per key, not per seal: the raw bytes never leave the keyring.
function aesKey(raw: Uint8Array): Promise<AesKey> {
  let key = aesKeys.get(raw)
  if (!key) {
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
    aesKeys.set(raw, key)
  }
  return key
}
