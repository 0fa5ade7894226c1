import { describe, expect, it } from 'vitest'
import {
  digestVerificationCode,
  generateVerificationCode,
  isOverrideReason,
  isVerificationCode,
} from '../../src/core/verification-code.ts'

const secret = crypto.getRandomValues(new Uint8Array(32))

describe('generateVerificationCode', () => {
  it('draws six digits from the injected source, rejecting the bytes that would bias them', () => {
    // 250–255 would make 0–5 likelier than 6–9 (256 is not a multiple of 10): skipped.
    const bytes = [255, 250, 9, 13, 249, 100, 251, 7, 42]
    let calls = 0
    const source = (out: Uint8Array) => {
      out[0] = bytes[calls++]!
      return out
    }
    expect(generateVerificationCode(source)).toBe('939072')
    expect(calls).toBe(bytes.length)
  })

  it('spreads evenly over the digits (chi-square over 60,000 codes from Web Crypto)', () => {
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0))
    const draws = 10_000
    for (let i = 0; i < draws; i++) {
      const code = generateVerificationCode((bytes) => crypto.getRandomValues(bytes))
      expect(isVerificationCode(code)).toBe(true)
      for (const [position, digit] of [...code].entries()) counts[position]![Number(digit)]!++
    }
    const expected = draws / 10
    for (const position of counts) {
      const chiSquare = position.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0)
      // 9 degrees of freedom: p = 0.001 at 27.88.
      expect(chiSquare).toBeLessThan(27.88)
    }
  })
})

describe('digestVerificationCode', () => {
  it('is keyed and bound to its verification: the same code digests differently elsewhere', () => {
    const digest = digestVerificationCode(secret, 'v1', '048213')
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(digest).toBe(digestVerificationCode(secret, 'v1', '048213'))
    expect(digest).not.toBe(digestVerificationCode(secret, 'v2', '048213'))
    const otherKey = crypto.getRandomValues(new Uint8Array(32))
    expect(digest).not.toBe(digestVerificationCode(otherKey, 'v1', '048213'))
  })
})

describe('isOverrideReason', () => {
  it('asks for 10 to 500 characters on one line', () => {
    expect(isOverrideReason('too short')).toBe(false)
    expect(isOverrideReason('  padded  \t ')).toBe(false)
    expect(isOverrideReason('ticket 4711 says so')).toBe(true)
    expect(isOverrideReason('line one\nline two')).toBe(false)
    expect(isOverrideReason('x'.repeat(501))).toBe(false)
  })
})
