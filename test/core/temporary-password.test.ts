import { describe, expect, it } from 'vitest'
import { defaultPasswordPolicy, validatePasswordPolicy } from '../../src/core/password-policy.ts'
import { randomIndex } from '../../src/core/random.ts'
import {
  generateTemporaryPassword,
  TEMPORARY_PASSWORD_ALPHABET,
} from '../../src/core/temporary-password.ts'

const FORMAT = /^[2-9A-HJ-NP-Za-km-z]{4}(-[2-9A-HJ-NP-Za-km-z]{4}){3}$/

describe('generateTemporaryPassword', () => {
  it('has no look-alike characters in its alphabet', () => {
    for (const c of '0O1lI') expect(TEMPORARY_PASSWORD_ALPHABET).not.toContain(c)
    expect(new Set(TEMPORARY_PASSWORD_ALPHABET).size).toBe(TEMPORARY_PASSWORD_ALPHABET.length)
  })

  it('carries at least 80 bits in 16 symbols, grouped by four', () => {
    const password = generateTemporaryPassword({ email: 'ann@example.com' })
    expect(password).toMatch(FORMAT)
    expect(16 * Math.log2(TEMPORARY_PASSWORD_ALPHABET.length)).toBeGreaterThanOrEqual(80)
  })

  it('always passes the password policy it will be checked against', () => {
    for (let i = 0; i < 2000; i++) {
      const email = `${TEMPORARY_PASSWORD_ALPHABET.slice(i % 50, (i % 50) + 3)}@example.com`
      expect(validatePasswordPolicy(generateTemporaryPassword({ email }), { email })).toEqual([])
    }
  })

  it('follows a configured policy: longer minimums get more groups, never fewer than four', () => {
    const policy = { ...defaultPasswordPolicy, minLength: 30 }
    const password = generateTemporaryPassword({ email: 'ann@example.com' }, undefined, policy)
    // Six groups make 29 characters; the seventh brings it to 34.
    expect(password).toMatch(/^[2-9A-HJ-NP-Za-km-z]{4}(-[2-9A-HJ-NP-Za-km-z]{4}){6}$/)
    expect(validatePasswordPolicy(password, { email: 'ann@example.com' }, policy)).toEqual([])
    const tooTight = { ...defaultPasswordPolicy, minLength: 15, maxLength: 16 }
    expect(() => generateTemporaryPassword({ email: 'a@b.c' }, undefined, tooTight)).toThrow(
      RangeError,
    )
  })

  it('uses exactly as many groups as the policy needs, at both edges', () => {
    const lengthFor = (minLength: number, maxLength = 256) =>
      generateTemporaryPassword({ email: 'a@b.c' }, undefined, {
        ...defaultPasswordPolicy,
        minLength,
        maxLength,
      }).length
    // Four groups are 19 characters: enough for a minimum of 19, one more group for 20.
    expect(lengthFor(19)).toBe(19)
    expect(lengthFor(20)).toBe(24)
    // A maximum of exactly the length needed leaves room; one less does not.
    expect(lengthFor(15, 19)).toBe(19)
    expect(lengthFor(15, 20)).toBe(19)
    expect(() => lengthFor(15, 18)).toThrow(
      new RangeError('the password policy leaves no room for a temporary password'),
    )
  })

  it('draws from the injected random source (and redraws a password that breaks the policy)', () => {
    // A source that first yields bytes spelling "bob…" for a user named bob, then other bytes.
    const alphabetIndex = (c: string) => TEMPORARY_PASSWORD_ALPHABET.indexOf(c)
    const scripted = ['b', 'o', 'b', ...'xxxxxxxxxxxxx'].map(alphabetIndex)
    let calls = 0
    const source = (bytes: Uint8Array) => {
      bytes[0] = calls < scripted.length ? scripted[calls]! : (calls * 7) % 57
      calls++
      return bytes
    }
    const password = generateTemporaryPassword({ email: 'bob@example.com' }, source)
    expect(calls).toBeGreaterThan(16)
    expect(password.toLowerCase()).not.toContain('bob')
    expect(password).toMatch(FORMAT)
  })

  it('is uniform per position: chi-square over 100,000 passwords', () => {
    const k = TEMPORARY_PASSWORD_ALPHABET.length
    const n = 100_000
    const counts = Array.from({ length: 16 }, () => new Array<number>(k).fill(0))
    for (let i = 0; i < n; i++) {
      const symbols = generateTemporaryPassword({ email: 'x@example.com' }).replaceAll('-', '')
      for (let p = 0; p < 16; p++) counts[p]![TEMPORARY_PASSWORD_ALPHABET.indexOf(symbols[p]!)]!++
    }
    const expected = n / k
    // Critical value of chi-square with 56 degrees of freedom at p = 0.001 is about 97.0.
    for (const position of counts) {
      const chi2 = position.reduce(
        (sum, observed) => sum + (observed - expected) ** 2 / expected,
        0,
      )
      expect(chi2).toBeLessThan(97)
    }
  }, 60_000)
})

describe('randomIndex', () => {
  it('rejects bytes above the largest multiple of max (no modulo bias)', () => {
    const bytes = [255, 250, 228, 227]
    const source = (out: Uint8Array) => {
      out[0] = bytes.shift()!
      return out
    }
    // For 57 symbols, bytes >= 228 (= 4 × 57) are rejected; 227 maps to 227 % 57 = 56.
    expect(randomIndex(source, 57)).toBe(56)
    expect(bytes).toEqual([])
  })

  it('refuses ranges it cannot serve', () => {
    expect(() => randomIndex(crypto.getRandomValues.bind(crypto), 0)).toThrow(RangeError)
    expect(() => randomIndex(crypto.getRandomValues.bind(crypto), 257)).toThrow(RangeError)
  })
})

describe('createPooledCryptoRandom', () => {
  it('hands out fresh bytes each time, across pool refills and for large requests', async () => {
    const { createPooledCryptoRandom } = await import('../../src/core/random.ts')
    const random = createPooledCryptoRandom(64)
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const bytes = random(new Uint8Array(16))
      const hex = Buffer.from(bytes).toString('hex')
      expect(seen.has(hex)).toBe(false)
      seen.add(hex)
    }
    expect(random(new Uint8Array(100)).some((b) => b !== 0)).toBe(true)
  })
})
