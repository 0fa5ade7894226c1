import { AppError } from '../core/errors.ts'
import { hashPassword } from '../core/password-hasher.ts'
import { validatePasswordPolicy } from '../core/password-policy.ts'
import { generateTemporaryPassword } from '../core/temporary-password.ts'
import type { Deps } from './deps.ts'

export interface TemporaryCredential {
  /** The plaintext: returned to the caller once, after the write commits, never stored. */
  password: string
  hash: string
  expiresAt: number
}

/**
 * A temporary password for `email`, generated or admin-chosen, and its argon2id hash. Both pass
 * the deployment's password policy. An admin-chosen one is not compared with the user's previous
 * passwords: that comparison would let an admin test guesses of them.
 */
export async function prepareTemporaryCredential(
  deps: Deps,
  email: string,
  customPassword?: string,
): Promise<TemporaryCredential> {
  // The lifetime starts when the admin asks, not when the hash is done.
  const expiresAt = deps.clock.now() + deps.settings.temporaryPasswordTtlSeconds * 1000
  const policy = deps.settings.passwordPolicy
  let password: string
  if (customPassword === undefined) {
    password = generateTemporaryPassword({ email }, deps.random, policy)
  } else {
    const violations = validatePasswordPolicy(customPassword, { email }, policy)
    if (violations.length > 0) throw new AppError('PASSWORD_POLICY', { extra: { violations } })
    password = customPassword
  }
  return { password, hash: await hashPassword(deps.hasher, password), expiresAt }
}
