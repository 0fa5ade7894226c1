import { keyedDigest } from './keyed-digest.ts'
import { randomIndex, type RandomSource } from './random.ts'

/** Digits of a caller-verification code: what a person reads out over the phone. */
export const VERIFICATION_CODE_DIGITS = 6

const CODE_PATTERN = new RegExp(`^\\d{${VERIFICATION_CODE_DIGITS}}$`)

/**
 * A caller-verification code: six decimal digits, each drawn from the CSPRNG by rejection
 * sampling, so every one of the million codes is equally likely.
 *
 * @example
 * generateVerificationCode(cryptoRandom) // '048213'
 */
export function generateVerificationCode(random: RandomSource): string {
  let code = ''
  for (let i = 0; i < VERIFICATION_CODE_DIGITS; i++) code += String(randomIndex(random, 10))
  return code
}

/** Whether `text` has the shape of a code (a typo is refused as a wrong code, and counted). */
export function isVerificationCode(text: string): boolean {
  return CODE_PATTERN.test(text)
}

/**
 * What is stored of a code: an HMAC under a key derived for this purpose alone, bound to its
 * verification, so that a million guesses cannot be tried against the table without the secret
 * and a digest is worth nothing for any other verification.
 */
export function digestVerificationCode(
  secret: Uint8Array,
  verificationId: string,
  code: string,
): string {
  return keyedDigest(secret, 'caller-verification-code', `${verificationId}:${code}`)
}

/** An override of a required verification needs a written reason of at least this many characters. */
export const OVERRIDE_REASON_MIN = 10
export const OVERRIDE_REASON_MAX = 500

/** Whether `text` is a reason an override can carry: long enough to say something, one line. */
export function isOverrideReason(text: string): boolean {
  const length = [...text.trim()].length
  return length >= OVERRIDE_REASON_MIN && length <= OVERRIDE_REASON_MAX && !/[\r\n]/.test(text)
}
