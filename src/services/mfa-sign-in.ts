import { AppError } from '../core/errors.ts'
import { isTemporaryPasswordExpired } from '../core/expiry.ts'
import { verifyMfaToken } from '../core/tokens.ts'
import { named } from '../db/database.ts'
import { clearMfaChallenge, findUserById, mfaChallengeIs, type UserRow } from '../db/users.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { acceptRecoveryCode, acceptTotpCode, hasTotp, refuseReplay } from './mfa.ts'
import type { SignedIn } from './sessions.ts'
import {
  issueChangeChallenge,
  openSession,
  type PasswordChangeRequired,
  type SecondFactorProof,
} from './sign-in.ts'
import { assertNotThrottled, throttleKeys } from './sign-in-throttle.ts'

export type MfaInput =
  { mfaToken: string; code: string } | { mfaToken: string; recoveryCode: string }

/**
 * The second half of a sign-in for a user with TOTP: the MFA token from the password step and a
 * current code (or an unused recovery code). Then, as after a password alone, a session or (for a
 * flagged account) the forced-change challenge: the second factor always comes first.
 * A locked account checks no code; a wrong or replayed one counts toward the lock.
 */
export async function completeMfaSignIn(
  deps: Deps,
  input: MfaInput,
  meta: RequestMeta,
): Promise<SignedIn | PasswordChangeRequired> {
  const now = deps.clock.now()
  const { user, stepId } = await findSteppingUser(deps, input.mfaToken, now)
  const keys = throttleKeys(user.email, meta.ip)
  await assertNotThrottled(deps, keys)
  const proof = await proveSecondFactor(deps, user, input, meta, stepId)
  try {
    return user.mustChangePassword
      ? await issueChangeChallenge(deps, user, keys, meta, now, proof)
      : await openSession(deps, user, keys, meta, { proof })
  } catch (error) {
    // A concurrent request took the same code (or ended this step) between our check and write.
    if (error instanceof AppError && error.code === 'INVALID_MFA_CODE') {
      await refuseReplay(deps, user, meta)
    }
    throw error
  }
}

/** The user whose MFA step the token stands for, while it is their latest on this credential. */
async function findSteppingUser(
  deps: Deps,
  mfaToken: string,
  now: number,
): Promise<{ user: UserRow; stepId: string }> {
  const claims = await verifyMfaToken(deps.tokens, mfaToken, now)
  if (!claims) throw new AppError('INVALID_MFA_TOKEN')
  const user = await findUserById(deps.database.db, claims.sub)
  if (
    !user ||
    !hasTotp(user) ||
    user.mfaChallengeId !== claims.jti ||
    user.credentialVersion !== claims.ver ||
    isTemporaryPasswordExpired(user, now)
  ) {
    throw new AppError('INVALID_MFA_TOKEN')
  }
  // Blocked after the password step: the code signs nothing in either.
  if (user.blockedAt !== null) throw new AppError('SIGN_IN_BLOCKED')
  return { user, stepId: claims.jti }
}

/** The code's (or recovery code's) guarded write, which also ends this MFA step. */
async function proveSecondFactor(
  deps: Deps,
  user: UserRow,
  input: MfaInput,
  meta: RequestMeta,
  stepId: string,
): Promise<SecondFactorProof> {
  // Only while this sign-in's MFA step is still the user's; the accepting write ends it.
  const stepHeld = mfaChallengeIs(user.id, stepId)
  const accepted =
    'recoveryCode' in input
      ? await acceptRecoveryCode(deps, user, input.recoveryCode, meta, stepHeld)
      : await acceptTotpCode(deps, user, input.code, meta, stepHeld)
  return {
    statements: [
      named('secondFactor', accepted.statement),
      clearMfaChallenge(deps.database.db, user.id, accepted.guard),
    ],
    guard: accepted.guard,
  }
}
