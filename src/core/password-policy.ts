import { isCommonPassword, isCommonPasswordShape } from './common-passwords.ts'
import { emailLocalPart } from './email.ts'

/** Passwords longer than this many UTF-8 bytes are refused before any hashing (DoS guard). */
export const MAX_PASSWORD_BYTES = 1024

export interface PasswordPolicy {
  /** Minimum length in Unicode code points, after NFKC. */
  minLength: number
  /** Maximum length in Unicode code points, after NFKC. */
  maxLength: number
  /** How many previous passwords may not be reused. */
  historySize: number
}

/** The default policy: 15–256 characters, no composition rules, last 4 passwords barred. */
export const defaultPasswordPolicy: PasswordPolicy = {
  minLength: 15,
  maxLength: 256,
  historySize: 4,
}

export type PolicyViolationCode =
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'COMMON_PASSWORD'
  | 'CONTAINS_EMAIL'
  | 'CONTAINS_SERVICE_NAME'
  | 'SAME_AS_TEMPORARY'
  | 'RECENTLY_USED'

/** The first word an attacker tries at a service: its own name, in any case or spacing. */
const SERVICE_NAMES = ['oncepass']
/**
 * Letters a password needs besides the service's name: fewer, and it is that name padded with
 * digits and symbols ("Oncepass2026!!!!"), the guess that comes first. A passphrase that merely
 * mentions the name ("my oncepass passphrase") passes.
 */
const LETTERS_BESIDES_SERVICE_NAME = 4

export interface PolicyViolation {
  code: PolicyViolationCode
  message: string
}

/**
 * The one form a password is compared and hashed in: Unicode NFKC (NIST 800-63B), so the same
 * password typed on different keyboards or platforms verifies the same way.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

export function isPasswordTooLarge(password: string): boolean {
  return new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES
}

/**
 * Checks the rules that need no stored state. The two that do (not the temporary password, not a
 * recent one) are checked by the services against hashes and reported with the same codes.
 *
 * @example
 * validatePasswordPolicy('correct horse battery staple', { email: 'ann@example.com' }) // []
 */
export function validatePasswordPolicy(
  password: string,
  context: { email: string },
  policy: PasswordPolicy = defaultPasswordPolicy,
): PolicyViolation[] {
  const normalized = normalizePassword(password)
  const length = [...normalized].length
  const violations: PolicyViolation[] = []
  if (length < policy.minLength) {
    violations.push({
      code: 'TOO_SHORT',
      message: `Use at least ${policy.minLength} characters.`,
    })
  }
  if (length > policy.maxLength || isPasswordTooLarge(normalized)) {
    violations.push({
      code: 'TOO_LONG',
      message: `Use at most ${policy.maxLength} characters.`,
    })
  }
  if (isCommonPassword(normalized) || isCommonPasswordShape(normalized)) {
    violations.push({
      code: 'COMMON_PASSWORD',
      message: 'This password is on a list of commonly used passwords.',
    })
  }
  const localPart = emailLocalPart(context.email).normalize('NFKC').toLowerCase()
  if (localPart.length >= 3 && normalized.toLowerCase().includes(localPart)) {
    violations.push({
      code: 'CONTAINS_EMAIL',
      message: 'The password must not contain your email name.',
    })
  }
  if (containsServiceName(normalized)) {
    violations.push({
      code: 'CONTAINS_SERVICE_NAME',
      message: "The password must be more than this service's name padded with digits or symbols.",
    })
  }
  return violations
}

function containsServiceName(password: string): boolean {
  const letters = password.toLowerCase().replace(/[^\p{L}]/gu, '')
  return SERVICE_NAMES.some(
    (name) =>
      letters.includes(name) && letters.replaceAll(name, '').length < LETTERS_BESIDES_SERVICE_NAME,
  )
}

export const policyMessages = {
  SAME_AS_TEMPORARY: 'The new password must differ from the temporary password.',
  RECENTLY_USED: 'This password was used recently; choose another.',
} as const

/** The policy as clients see it in a `password_change_required` challenge. */
export function describePolicy(policy: PasswordPolicy = defaultPasswordPolicy) {
  return {
    minLength: policy.minLength,
    maxLength: policy.maxLength,
    historySize: policy.historySize,
    rules: [
      'not a common password',
      'not containing your email name',
      "not this service's name padded with digits or symbols",
      'not the temporary password',
    ],
  }
}
