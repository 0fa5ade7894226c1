import { validatePasswordPolicy } from './password-policy.ts'
import { cryptoRandom, type RandomSource, randomIndex } from './random.ts'

/**
 * 57 symbols with no look-alikes: no 0/O, no 1/l/I. 16 symbols carry 16 × log2(57) ≈ 93 bits.
 */
export const TEMPORARY_PASSWORD_ALPHABET =
  '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const GROUPS = 4
const GROUP_SIZE = 4

/**
 * A temporary password such as `7KqM-xR4t-Wb9e-Hn3c`: 16 symbols drawn uniformly (rejection
 * sampling from Web Crypto, never a non-cryptographic PRNG), grouped by four for reading aloud. It is redrawn until it passes
 * the password policy for this user, so it can always be typed back as a valid password.
 *
 * @example
 * const password = generateTemporaryPassword({ email: 'ann@example.com' })
 */
export function generateTemporaryPassword(
  context: { email: string },
  random: RandomSource = cryptoRandom,
): string {
  for (;;) {
    const groups: string[] = []
    for (let g = 0; g < GROUPS; g++) {
      let group = ''
      for (let i = 0; i < GROUP_SIZE; i++) {
        group +=
          TEMPORARY_PASSWORD_ALPHABET[randomIndex(random, TEMPORARY_PASSWORD_ALPHABET.length)]
      }
      groups.push(group)
    }
    const password = groups.join('-')
    if (validatePasswordPolicy(password, context).length === 0) return password
  }
}
