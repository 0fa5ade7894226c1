import { describe, expect, it } from 'vitest'
import {
  challengeExpiresAt,
  hasExpired,
  isTemporaryPasswordExpired,
} from '../../src/core/expiry.ts'

describe('hasExpired', () => {
  it.each([
    [null, 5_000, false],
    [5_001, 5_000, false],
    [5_000, 5_000, true],
    [4_999, 5_000, true],
  ])('expiresAt %s at %i: %s', (expiresAt, now, expired) => {
    expect(hasExpired(expiresAt, now)).toBe(expired)
  })
})

describe('isTemporaryPasswordExpired', () => {
  it('is expired from the expiry instant on, while a change is still owed', () => {
    const user = { mustChangePassword: true, temporaryExpiresAt: 10_000 }
    expect(isTemporaryPasswordExpired(user, 9_999)).toBe(false)
    expect(isTemporaryPasswordExpired(user, 10_000)).toBe(true)
    expect(isTemporaryPasswordExpired(user, 99_999)).toBe(true)
  })

  it('never expires a password that owes no change, or has no expiry', () => {
    expect(
      isTemporaryPasswordExpired({ mustChangePassword: false, temporaryExpiresAt: 1 }, 5),
    ).toBe(false)
    expect(
      isTemporaryPasswordExpired({ mustChangePassword: true, temporaryExpiresAt: null }, 5),
    ).toBe(false)
  })
})

describe('challengeExpiresAt', () => {
  it('is the challenge lifetime when the temporary password outlives it', () => {
    expect(challengeExpiresAt(1_000, 600, 10_000_000)).toBe(601_000)
  })

  it('is the temporary password expiry when that comes first', () => {
    expect(challengeExpiresAt(1_000, 600, 300_000)).toBe(300_000)
  })

  it('is the challenge lifetime when the temporary password has no expiry', () => {
    expect(challengeExpiresAt(1_000, 600, null)).toBe(601_000)
  })
})
