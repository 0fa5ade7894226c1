import { hash, verify } from '@node-rs/argon2'
import { argon2Params, type PasswordHasher } from '../../core/password-hasher.ts'

// @node-rs/argon2 declares Algorithm as a const enum, which isolated modules cannot import.
const ARGON2ID = 2

/**
 * The Node hasher: @node-rs/argon2 (native, off the main thread), argon2id with OWASP parameters
 * and the library's 16-byte random salt. Verification is the library's constant-time compare.
 */
export function createArgon2Hasher(params = argon2Params): PasswordHasher {
  return {
    hash: (password) =>
      hash(password, {
        algorithm: ARGON2ID,
        memoryCost: params.memoryCost,
        timeCost: params.timeCost,
        parallelism: params.parallelism,
      }),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password)
      } catch {
        return false // a malformed hash verifies nothing
      }
    },
  }
}
