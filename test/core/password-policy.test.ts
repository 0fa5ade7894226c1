import { describe, expect, it } from 'vitest'
import { isCommonPassword, isCommonPasswordShape } from '../../src/core/common-passwords.ts'
import { normalizeEmail } from '../../src/core/email.ts'
import {
  defaultPasswordPolicy,
  describePolicy,
  isPasswordTooLarge,
  normalizePassword,
  validatePasswordPolicy,
} from '../../src/core/password-policy.ts'

const codes = (password: string, email = 'ann.smith@example.com') =>
  validatePasswordPolicy(password, { email }).map((v) => v.code)

describe('validatePasswordPolicy', () => {
  it.each([
    ['a passphrase of 15+ characters', 'quiet river stone 7', []],
    ['exactly 15 characters', 'abcdefghijkmnop', []],
    ['14 characters', 'abcdefghijkmno', ['TOO_SHORT']],
    ['no composition rules: all lower case', 'onlylowercaseletters', []],
    ['257 characters', 'x'.repeat(257), ['TOO_LONG']],
    ['256 characters', 'xy'.repeat(128), []],
    ['a common password (any case)', 'PASSWORD', ['TOO_SHORT', 'COMMON_PASSWORD']],
    ['a long common password', 'QwertyUiop12345', ['COMMON_PASSWORD']],
    ['a common word padded with digits', 'password1234567', ['COMMON_PASSWORD']],
    ['a common word between digits and symbols', '2024!!Sunshine!!2024', ['COMMON_PASSWORD']],
    ['a common word said three times', 'letmeinletmeinletmein', ['COMMON_PASSWORD']],
    ["the email's local part inside", 'my name is ANN.SMITH ok?', ['CONTAINS_EMAIL']],
    ["the service's name padded", 'OncePass2026!!!!', ['CONTAINS_SERVICE_NAME']],
    ["the service's name spaced out, padded", 'once-pass 12345678', ['CONTAINS_SERVICE_NAME']],
    ["the service's name twice", 'oncepass-ONCEPASS-1', ['CONTAINS_SERVICE_NAME']],
    ['the name with three more letters', 'oncepass-abc-2026', ['CONTAINS_SERVICE_NAME']],
    ['the name with four more letters', 'oncepass-abcd-2026', []],
    ["a passphrase that mentions the service's name", 'my OncePass passphrase', []],
    ['an empty string', '', ['TOO_SHORT']],
  ])('%s', (_label, password, expected) => {
    expect(codes(password)).toEqual(expected)
  })

  it('counts characters after NFKC, not bytes or UTF-16 units', () => {
    // 15 emoji are 30 UTF-16 units and 60 bytes, but 15 characters.
    expect(codes('🔑'.repeat(15))).toEqual([])
    expect(codes('🔑'.repeat(14))).toEqual(['TOO_SHORT'])
    // The ligature ﬁ becomes "fi" under NFKC: 8 ligatures are 16 characters.
    expect(codes('ﬁ'.repeat(8))).toEqual([])
  })

  it('ignores a local part too short to matter', () => {
    expect(codes('al wrote this passphrase', 'al@example.com')).toEqual([])
  })

  it('every violation carries a message', () => {
    for (const violation of validatePasswordPolicy('password', { email: 'password@x.io' })) {
      expect(violation.message.length).toBeGreaterThan(5)
    }
  })
})

describe('normalisation', () => {
  it('normalises passwords with NFKC so composed and decomposed forms are equal', () => {
    expect(normalizePassword('Ame\u0301lie')).toBe(normalizePassword('Am\u00e9lie'))
  })

  it('measures the byte cap in UTF-8', () => {
    expect(isPasswordTooLarge('a'.repeat(1024))).toBe(false)
    expect(isPasswordTooLarge('a'.repeat(1025))).toBe(true)
    expect(isPasswordTooLarge('é'.repeat(513))).toBe(true)
  })

  it('normalises emails for case-insensitive uniqueness', () => {
    expect(normalizeEmail('  Ann.Smith@Example.COM ')).toBe('ann.smith@example.com')
  })

  it('uses the maintained zxcvbn-ts common-password list', () => {
    expect(isCommonPassword('letmein')).toBe(true)
    expect(isCommonPassword('Trustno1')).toBe(true)
    expect(isCommonPassword('9xQ#v7-Lm2$wPz')).toBe(false)
  })

  it('sees a common word through digits and symbols added to pass the length rule', () => {
    for (const shape of ['Password1234567', '123456789dragon', 'monkey!!!!!!!!!', 'qwertyqwerty']) {
      expect(isCommonPasswordShape(shape), shape).toBe(true)
    }
    // A passphrase that merely contains a common word is not one.
    for (const fine of [
      'correct horse battery staple',
      'my password is long 2026',
      'abc12345678901',
    ]) {
      expect(isCommonPasswordShape(fine), fine).toBe(false)
    }
  })
})

describe('what clients are told', () => {
  it('names the limits in each violation message', () => {
    const policy = { ...defaultPasswordPolicy, minLength: 20, maxLength: 40 }
    const messages = (password: string) =>
      validatePasswordPolicy(password, { email: 'ann@example.com' }, policy).map((v) => v.message)
    expect(messages('short one')).toEqual(['Use at least 20 characters.'])
    expect(messages('y'.repeat(41))).toEqual(['Use at most 40 characters.'])
    expect(messages('Oncepass 2026 !!!! 12345')).toEqual([
      "The password must be more than this service's name padded with digits or symbols.",
    ])
  })

  it('describes the policy the forced change will apply', () => {
    expect(describePolicy({ ...defaultPasswordPolicy, minLength: 20, maxLength: 64 })).toEqual({
      minLength: 20,
      maxLength: 64,
      historySize: defaultPasswordPolicy.historySize,
      rules: [
        'not a common password',
        'not containing your email name',
        "not this service's name padded with digits or symbols",
        'not the temporary password',
      ],
    })
    expect(describePolicy()).toMatchObject({ minLength: 15, maxLength: 256 })
  })
})
