import { describe, expect, it } from 'vitest'
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_COUNT,
  recoveryCodeCandidates,
} from '../../src/core/recovery-codes.ts'
import { createKeyring } from '../../src/core/secret-box.ts'

const FORMAT = /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$/
const newKey = () => crypto.getRandomValues(new Uint8Array(32))

describe('generateRecoveryCodes', () => {
  it('makes ten distinct codes of 24 symbols (120 bits), without look-alikes', () => {
    const codes = generateRecoveryCodes((bytes) => crypto.getRandomValues(bytes))
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT)
    for (const code of codes) expect(code).toMatch(FORMAT)
    expect(new Set(codes).size).toBe(10)
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(32)
    for (const c of '01OIl') expect(RECOVERY_CODE_ALPHABET).not.toContain(c)
    expect(24 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(112)
  })

  it('draws every symbol from the injected source, one byte each (32 divides 256: no bias)', () => {
    const bytes = [255, 40, 3]
    let calls = 0
    const source = (out: Uint8Array) => {
      out[0] = bytes[calls++ % bytes.length]!
      return out
    }
    const [first] = generateRecoveryCodes(source)
    expect(first!.slice(0, 4)).toBe(
      [255, 40, 3, 255].map((b) => RECOVERY_CODE_ALPHABET[b % 32]).join(''),
    )
    expect(calls).toBe(10 * 24)
  })
})

describe('recovery code hashes', () => {
  const keyring = createKeyring([newKey()])
  const [code] = generateRecoveryCodes((bytes) => crypto.getRandomValues(bytes))

  it('stores a keyed hash that does not contain the code', () => {
    const stored = hashRecoveryCode(keyring, code!)
    expect(stored).toMatch(new RegExp(`^${keyring.currentId}\\.[\\w-]{43}$`))
    expect(stored).not.toContain(code!.replace(/-/g, ''))
    expect(hashRecoveryCode(createKeyring([newKey()]), code!)).not.toBe(stored)
  })

  it('matches the code however it is typed: case, spaces and dashes do not matter', () => {
    const stored = hashRecoveryCode(keyring, code!)
    for (const typed of [
      code!,
      code!.toLowerCase(),
      code!.replace(/-/g, ' '),
      code!.replace(/-/g, ''),
    ]) {
      expect(recoveryCodeCandidates(keyring, typed)).toContain(stored)
    }
  })

  it('offers no candidate for input that cannot be a code', () => {
    for (const bad of ['', code!.slice(1), `${code}2`, code!.replace(/^./, '0'), '123456']) {
      expect(normalizeRecoveryCode(bad)).toBeNull()
      expect(recoveryCodeCandidates(keyring, bad)).toEqual([])
    }
  })

  it('keeps its stored form stable across versions (a known answer)', () => {
    // A change to the derivation would silently void every code users hold: pinned here.
    const fixed = createKeyring([new Uint8Array(32).fill(7)])
    const stored = hashRecoveryCode(fixed, '2345-6789-ABCD-EFGH-JKLM-NPQR')
    expect(stored).toBe(`${fixed.currentId}.${KNOWN_ANSWER}`)
  })

  it('still matches a code hashed before a key rotation', () => {
    const oldKey = newKey()
    const stored = hashRecoveryCode(createKeyring([oldKey]), code!)
    const rotated = createKeyring([newKey(), oldKey])
    expect(recoveryCodeCandidates(rotated, code!)).toContain(stored)
    expect(recoveryCodeCandidates(rotated, code!)).toHaveLength(2)
  })
})

// HMAC-SHA-256 under HKDF-SHA-256(key = 32 × 0x07, info "oncepass recovery codes v1") of the
// code's 24 symbols, base64url.
const KNOWN_ANSWER = '1K8tukzanp4BwpdigoqPDa1Q5aOqmqfJwMukMaQu7EE'
