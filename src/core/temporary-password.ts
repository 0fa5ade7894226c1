import {
  defaultPasswordPolicy,
  type PasswordPolicy,
  validatePasswordPolicy,
} from './password-policy.ts'
import { cryptoRandom, type RandomSource, randomIndex } from './random.ts'

/**
 * 57 symbols with no look-alikes: no 0/O, no 1/l/I. 16 symbols carry 16 × log2(57) ≈ 93 bits.
 */
export const TEMPORARY_PASSWORD_ALPHABET =
  '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const GROUP_SIZE = 4
const MIN_GROUPS = 4

/** Groups of four, enough for the policy's minimum length once the dashes are counted. */
function groupsFor(policy: PasswordPolicy): number {
  let groups = MIN_GROUPS
  while (groups * (GROUP_SIZE + 1) - 1 < policy.minLength) groups++
  if (groups * (GROUP_SIZE + 1) - 1 > policy.maxLength) {
    throw new RangeError('the password policy leaves no room for a temporary password')
  }
  return groups
}

/**
 * A temporary password such as `7KqM-xR4t-Wb9e-Hn3c`: at least 16 symbols drawn uniformly
 * (rejection sampling from Web Crypto, never a non-cryptographic PRNG), grouped by four for
 * reading aloud, with more groups when the policy asks for more length. It is redrawn until it
 * passes the policy for this user, so it can always be typed back as a valid password.
 *
 * @example
 * const password = generateTemporaryPassword({ email: 'ann@example.com' })
 */
export function generateTemporaryPassword(
  context: { email: string },
  random: RandomSource = cryptoRandom,
  policy: PasswordPolicy = defaultPasswordPolicy,
): string {
  const groupCount = groupsFor(policy)
  for (;;) {
    const groups: string[] = []
    for (let g = 0; g < groupCount; g++) {
      let group = ''
      for (let i = 0; i < GROUP_SIZE; i++) {
        group +=
          TEMPORARY_PASSWORD_ALPHABET[randomIndex(random, TEMPORARY_PASSWORD_ALPHABET.length)]
      }
      groups.push(group)
    }
    const password = groups.join('-')
    if (validatePasswordPolicy(password, context, policy).length === 0) return password
  }
}
