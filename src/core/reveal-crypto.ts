import { timingSafeEqual } from './phc.ts'
import { decodeBase64Url, encodeBase64Url } from './random.ts'

/** What the server keeps of a revealed secret: AES-256-GCM ciphertext (with its tag) and IV. */
export interface SealedSecret {
  ciphertext: string
  iv: string
}

const KEY_CHECK_CONTEXT = new TextEncoder().encode('oncepass reveal key check\0')

/**
 * A digest of the key (SHA-256 over a fixed context and the key's 32 bytes): lets the server tell
 * a damaged link from a good one before it burns anything, and tells nothing about the key.
 */
export async function keyCheckOf(key: string): Promise<string> {
  const raw = decodeBase64Url(key)
  const input = new Uint8Array(KEY_CHECK_CONTEXT.length + raw.length)
  input.set(KEY_CHECK_CONTEXT)
  input.set(raw, KEY_CHECK_CONTEXT.length)
  return encodeBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', input)))
}

/**
 * Whether `presented` is the link's stored key check, compared without an early exit: a reveal
 * must prove the key before it may burn or count anything.
 */
export function keyCheckMatches(presented: string, stored: string): boolean {
  const encoder = new TextEncoder()
  return timingSafeEqual(encoder.encode(presented), encoder.encode(stored))
}

const KEY_BYTES = 32
const IV_BYTES = 12

/**
 * Encrypts `plaintext` under a fresh 256-bit key (AES-256-GCM, Web Crypto: both runtimes and the
 * browser). The key comes back base64url for a URL fragment and must never be stored.
 */
export async function sealWithFreshKey(
  plaintext: string,
): Promise<{ key: string; keyCheck: string; sealed: SealedSecret }> {
  const raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES))
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt'])
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plaintext)),
  )
  const encoded = encodeBase64Url(raw)
  raw.fill(0)
  return {
    key: encoded,
    keyCheck: await keyCheckOf(encoded),
    sealed: { ciphertext: encodeBase64Url(ciphertext), iv: encodeBase64Url(iv) },
  }
}

/** The plaintext, or a rejection when the key is wrong or the ciphertext was altered. */
export async function openSealed(key: string, sealed: SealedSecret): Promise<string> {
  const raw = decodeBase64Url(key)
  if (raw.length !== KEY_BYTES) throw new Error('reveal key must be 32 bytes')
  const cryptoKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: decodeBase64Url(sealed.iv) },
    cryptoKey,
    decodeBase64Url(sealed.ciphertext),
  )
  return new TextDecoder().decode(plaintext)
}
