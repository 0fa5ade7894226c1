import { encodeBase64Url } from './random.ts'

/** The parts of an argon2id PHC string: `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`. */
export interface Argon2Phc {
  memoryCost: number
  timeCost: number
  parallelism: number
  salt: Uint8Array
  hash: Uint8Array
}

// Bounds on what a stored hash may ask a verifier to do: a tampered or hostile row must not make
// one verify allocate gigabytes or spin for minutes.
const LIMITS = {
  memoryCost: [8, 262_144],
  timeCost: [1, 16],
  parallelism: [1, 4],
  salt: [8, 64],
  hash: [16, 64],
}
const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

const within = (value: number, [min, max]: number[]) => value >= min! && value <= max!

/** Parses an argon2id v19 PHC string; null for anything malformed or out of bounds. */
export function parseArgon2Phc(phc: string): Argon2Phc | null {
  const match = PHC.exec(phc)
  if (!match) return null
  const [, m, t, p, salt, hash] = match
  const parsed = {
    memoryCost: Number(m),
    timeCost: Number(t),
    parallelism: Number(p),
    salt: decodeB64(salt!),
    hash: decodeB64(hash!),
  }
  if (!parsed.salt || !parsed.hash) return null
  if (
    !within(parsed.memoryCost, LIMITS.memoryCost) ||
    !within(parsed.timeCost, LIMITS.timeCost) ||
    !within(parsed.parallelism, LIMITS.parallelism) ||
    !within(parsed.salt.length, LIMITS.salt) ||
    !within(parsed.hash.length, LIMITS.hash)
  ) {
    return null
  }
  return parsed as Argon2Phc
}

/** Formats an argon2id v19 PHC string (unpadded standard base64, as the reference encoder does). */
export function formatArgon2Phc(phc: Argon2Phc): string {
  return `$argon2id$v=19$m=${phc.memoryCost},t=${phc.timeCost},p=${phc.parallelism}$${encodeB64(phc.salt)}$${encodeB64(phc.hash)}`
}

/** Compares two byte arrays in time that depends only on their length. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

function encodeB64(bytes: Uint8Array): string {
  return encodeBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/')
}

function decodeB64(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null
  try {
    const binary = atob(text + '='.repeat((4 - (text.length % 4)) % 4))
    return Uint8Array.from(binary, (char) => char.charCodeAt(0))
  } catch {
    return null
  }
}
