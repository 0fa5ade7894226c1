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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
// Standard base64's two characters are read too, as `atob` read them before.
const VALUES = new Map([
  ...[...ALPHABET].map((char, value) => [char.charCodeAt(0), value] as const),
  ['+'.charCodeAt(0), 62],
  ['/'.charCodeAt(0), 63],
])

/**
 * Base64url without padding (RFC 4648 §5). By table, not through `btoa` and three replaces: every
 * token's header, claims and signature pass here, and on a busy token endpoint that showed.
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let text = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    text +=
      ALPHABET[n >>> 18]! +
      ALPHABET[(n >>> 12) & 63]! +
      ALPHABET[(n >>> 6) & 63]! +
      ALPHABET[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    text += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    text += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!
  }
  return text
}

/**
 * The bytes of base64url text (padding allowed, as `atob` took it). Throws on any other character
 * or an impossible length, as `atob` did.
 */
export function decodeBase64Url(text: string): Uint8Array {
  const unpadded = text.replace(/=+$/, '')
  if (unpadded.length % 4 === 1) throw new TypeError('invalid base64url length')
  const bytes = new Uint8Array(Math.floor((unpadded.length * 3) / 4))
  let bits = 0
  let buffer = 0
  let out = 0
  for (let i = 0; i < unpadded.length; i++) {
    const value = VALUES.get(unpadded.charCodeAt(i))
    if (value === undefined) throw new TypeError('invalid base64url character')
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[out++] = (buffer >>> bits) & 0xff
    }
  }
  return bytes
}
