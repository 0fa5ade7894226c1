import { AppError } from '../core/errors.ts'
import { findSessionSecondFactor } from '../db/sessions.ts'
import type { Actor } from './caller.ts'
import type { Deps } from './deps.ts'

const STEP_UP_NEXT = { method: 'POST', href: '/api/v1/me/mfa/verify' } as const

/**
 * With `ONCEPASS_REQUIRE_ADMIN_MFA`, an admin issues no credential (a password reset, an MFA
 * reset, a new user's first password) without TOTP of their own, verified on this session within
 * the step-up window; the refusal says how to re-verify.
 */
export async function assertAdminStepUp(deps: Deps, actor: Actor): Promise<void> {
  if (!deps.settings.requireAdminMfa) return
  const row = await findSessionSecondFactor(deps.database.db, actor.sessionId, actor.id)
  if (!row || row.confirmedAt === null) throw new AppError('MFA_ENROLLMENT_REQUIRED')
  const freshSince = deps.clock.now() - deps.settings.mfa.stepUpSeconds * 1000
  if ((row.verifiedAt ?? 0) <= freshSince) {
    throw new AppError('STEP_UP_REQUIRED', { extra: { next: STEP_UP_NEXT } })
  }
}
