/**
 * A source of cryptographically secure random bytes: fills the array and returns it.
 * Production uses Web Crypto; tests may inject a deterministic source to prove it is used.
 */
export type RandomSource = (bytes: Uint8Array) => Uint8Array

export const cryptoRandom: RandomSource = (bytes) => crypto.getRandomValues(bytes)

/**
 * Web Crypto randomness drawn 4 KiB at a time and handed out in slices, each byte once: the same
 * CSPRNG output with far fewer calls (a sign-in draws ids, a token and a request id). Requests
 * larger than the pool go straight to Web Crypto.
 */
export function createPooledCryptoRandom(poolSize = 4096): RandomSource {
  const pool = new Uint8Array(poolSize)
  let offset = poolSize
  return (bytes) => {
    if (bytes.length > poolSize) return crypto.getRandomValues(bytes)
    if (offset + bytes.length > poolSize) {
      crypto.getRandomValues(pool)
      offset = 0
    }
    bytes.set(pool.subarray(offset, offset + bytes.length))
    // Wipe what was handed out, so no byte can be handed out twice or read back later.
    pool.fill(0, offset, offset + bytes.length)
    offset += bytes.length
    return bytes
  }
}

/**
 * A uniformly distributed integer in [0, max) drawn by rejection sampling, so no value is more
 * likely than another (no modulo bias). `max` must be between 1 and 256.
 */
export function randomIndex(random: RandomSource, max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > 256) throw new RangeError('max must be in 1..256')
  // Accept only bytes below the largest multiple of max; the rest would favour small values.
  const limit = 256 - (256 % max)
  const byte = new Uint8Array(1)
  for (;;) {
    random(byte)
    if (byte[0]! < limit) return byte[0]! % max
  }
}

/** `length` random bytes as base64url, for opaque tokens and identifiers. */
export function randomToken(random: RandomSource, length = 32): string {
  return encodeBase64Url(random(new Uint8Array(length)))
}

/** A random identifier: 128 bits, base64url. */
export function randomId(random: RandomSource): string {
  return randomToken(random, 16)
}

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function decodeBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}
