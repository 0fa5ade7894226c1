import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { encodeBase64Url, type RandomSource, randomIndex } from './random.ts'
import { type Keyring } from './secret-box.ts'

/**
 * One-time recovery codes for a user who lost their authenticator, such as
 * `7KQM-XR4T-WB9E-HN3C-P2ZD-M8VA`: 24 symbols from a 32-symbol alphabet without look-alikes, each
 * drawn uniformly from the CSPRNG (32 divides 256, so no byte value is favoured), 120 bits a code.
 *
 * They are stored only as a keyed hash (HMAC-SHA-256). A slow password hash is not needed: with
 * 120 random bits no guess list exists and a search is out of reach even for a plain hash
 * (the usual bar for a fast hash is 112 bits), and the key, derived from the encryption key that
 * never sits in the database, makes a copied database useless on its own. A fast hash also lets a
 * code be looked up by its hash, so each use is one guarded write.
 */
export const RECOVERY_CODE_COUNT = 10
export const RECOVERY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const GROUPS = 6
const GROUP_SIZE = 4
const HASH_INFO = new TextEncoder().encode('oncepass recovery codes v1')

export function generateRecoveryCodes(random: RandomSource): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => generateRecoveryCode(random))
}

function generateRecoveryCode(random: RandomSource): string {
  const groups: string[] = []
  for (let g = 0; g < GROUPS; g++) {
    let group = ''
    for (let i = 0; i < GROUP_SIZE; i++) {
      group += RECOVERY_CODE_ALPHABET[randomIndex(random, RECOVERY_CODE_ALPHABET.length)]
    }
    groups.push(group)
  }
  return groups.join('-')
}

/**
 * The code as typed, reduced to its symbols: case, spaces and dashes do not matter. Null when it
 * cannot be a recovery code at all.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const symbols = input.toUpperCase().replace(/[\s-]/g, '')
  if (symbols.length !== GROUPS * GROUP_SIZE) return null
  for (const symbol of symbols) if (!RECOVERY_CODE_ALPHABET.includes(symbol)) return null
  return symbols
}

/** The stored form of a code, under the keyring's current key: `<keyId>.<hmac>`. */
export function hashRecoveryCode(keyring: Keyring, code: string): string {
  return hashUnder(keyring, keyring.currentId, normalizeRecoveryCode(code) ?? code)
}

/**
 * Every stored form this input could have, one per key in the ring (codes issued before a key
 * rotation still work). Empty when the input is not shaped like a recovery code.
 */
export function recoveryCodeCandidates(keyring: Keyring, input: string): string[] {
  const symbols = normalizeRecoveryCode(input)
  if (symbols === null) return []
  return [...keyring.keys.keys()].map((keyId) => hashUnder(keyring, keyId, symbols))
}

function hashUnder(keyring: Keyring, keyId: string, symbols: string): string {
  const mac = hmac(sha256, hashKey(keyring.keys.get(keyId)!), new TextEncoder().encode(symbols))
  return `${keyId}.${encodeBase64Url(mac)}`
}

// A separate key for hashing, derived from the encryption key, so no key serves two algorithms.
const hashKeys = new WeakMap<Uint8Array, Uint8Array>()
function hashKey(raw: Uint8Array): Uint8Array {
  let key = hashKeys.get(raw)
  if (!key) {
    key = hkdf(sha256, raw, undefined, HASH_INFO, 32)
    hashKeys.set(raw, key)
  }
  return key
}
