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
 * A temporary password for `email`, generated or admin-chosen, and its argon2id hash. An
 * admin-chosen one must pass the same policy as a user's own password.
 */
export async function prepareTemporaryCredential(
  deps: Deps,
  email: string,
  customPassword?: string,
): Promise<TemporaryCredential> {
  let password: string
  if (customPassword === undefined) {
    password = generateTemporaryPassword({ email }, deps.random)
  } else {
    const violations = validatePasswordPolicy(
      customPassword,
      { email },
      deps.settings.passwordPolicy,
    )
    if (violations.length > 0) throw new AppError('PASSWORD_POLICY', { extra: { violations } })
    password = customPassword
  }
  return {
    password,
    hash: await hashPassword(deps.hasher, password),
    expiresAt: deps.clock.now() + deps.settings.temporaryPasswordTtlSeconds * 1000,
  }
}
