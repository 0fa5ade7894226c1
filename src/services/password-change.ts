import { AppError } from '../core/errors.ts'
import { isTemporaryPasswordExpired } from '../core/expiry.ts'
import { hashPassword, verifyPassword } from '../core/password-hasher.ts'
import {
  normalizePassword,
  type PolicyViolation,
  policyMessages,
  validatePasswordPolicy,
} from '../core/password-policy.ts'
import { randomId } from '../core/random.ts'
import { type ChallengeClaims, verifyChallengeToken } from '../core/tokens.ts'
import { type Guard, type Statement, type Step, writeSteps } from '../db/database.ts'
import {
  insertPasswordHistory,
  listRecentPasswordHashes,
  trimPasswordHistory,
} from '../db/password-history.ts'
import { markPendingResetUsed } from '../db/resets.ts'
import { moveSessionToCredential } from '../db/sessions.ts'
import { changeChallengeIs, credentialIdIs, findUserById, type UserRow } from '../db/users.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import {
  credentialChangedStatements,
  type NewCredential,
  newCredential,
  sessionsRevokedAudit,
} from './credential-change.ts'
import type { Deps } from './deps.ts'
import { outboxStatement } from './outbox.ts'
import { prepareSession, type SignedIn } from './sessions.ts'
import { assertNotThrottled, signInFailureStatements, throttleKeys } from './sign-in-throttle.ts'

/**
 * Every rule a new user-chosen password must pass, as one list of violations: the stateless
 * policy first; only a password that passes it is compared (by argon2 verify) with the temporary
 * password and the recent history, so junk input costs no hashing.
 */
async function findViolations(
  deps: Deps,
  user: { id: string; email: string },
  newPassword: string,
  compareWith: { temporaryHash?: string; currentPassword?: string },
): Promise<PolicyViolation[]> {
  const violations = validatePasswordPolicy(newPassword, user, deps.settings.passwordPolicy)
  if (violations.length > 0) return violations
  if (
    compareWith.temporaryHash &&
    (await verifyPassword(deps.hasher, compareWith.temporaryHash, newPassword))
  ) {
    return [{ code: 'SAME_AS_TEMPORARY', message: policyMessages.SAME_AS_TEMPORARY }]
  }
  if (
    compareWith.currentPassword !== undefined &&
    normalizePassword(compareWith.currentPassword) === normalizePassword(newPassword)
  ) {
    return [{ code: 'RECENTLY_USED', message: policyMessages.RECENTLY_USED }]
  }
  const history = await listRecentPasswordHashes(
    deps.database.db,
    user.id,
    deps.settings.passwordPolicy.historySize,
  )
  for (const passwordHash of history) {
    if (await verifyPassword(deps.hasher, passwordHash, newPassword)) {
      return [{ code: 'RECENTLY_USED', message: policyMessages.RECENTLY_USED }]
    }
  }
  return []
}

// Refusals that compared the new password with stored hashes say something about those hashes:
// each counts as a failed attempt on the account (and is audited), so whoever holds a challenge or
// a session cannot test guesses of the user's earlier passwords at hashing speed.
const HASH_COMPARED = new Set(['SAME_AS_TEMPORARY', 'RECENTLY_USED'])

async function rejectPolicy(
  deps: Deps,
  user: { id: string; tenantId: string; role: string; email: string },
  violations: PolicyViolation[],
  meta: RequestMeta,
): Promise<never> {
  const compared = violations.find((violation) => HASH_COMPARED.has(violation.code))
  if (compared) await recordChangeFailure(deps, user, compared.code, meta)
  throw new AppError('PASSWORD_POLICY', { extra: { violations } })
}

/**
 * One failed attempt on the account and the IP, with its audit row, in one write. With the wrong
 * current password, its repeats count no further against the account (see
 * `signInFailureStatements`); a refused new password always counts.
 */
async function recordChangeFailure(
  deps: Deps,
  user: { id: string; tenantId: string; role: string; email: string },
  reason: string,
  meta: RequestMeta,
  wrongPassword?: string,
): Promise<void> {
  await deps.database.writeAtomically([
    ...signInFailureStatements(deps, throttleKeys(user.email, meta.ip), {
      password: wrongPassword,
    }),
    auditStatement(deps, meta, {
      tenantId: user.tenantId,
      event: 'authn_password_change',
      actor: { id: user.id, role: user.role },
      targetId: user.id,
      outcome: 'failure',
      reason,
    }),
  ])
}

/**
 * The user is told, at their account's email and in their own language, that their password
 * changed (no secret).
 */
function passwordChangedNotice(
  deps: Deps,
  user: UserRow,
  meta: RequestMeta,
  now: number,
  guard: Guard,
): Statement {
  return outboxStatement(
    deps,
    user.tenantId,
    { kind: 'password_changed', to: user.email, language: user.language, at: now },
    guard,
  )
}

/** Remember the new hash and keep only the last `historySize` of them. */
function historyStatements(deps: Deps, userId: string, hash: string, guard: Guard): Statement[] {
  const keep = deps.settings.passwordPolicy.historySize
  return [
    insertPasswordHistory(
      { id: randomId(deps.random), userId, passwordHash: hash, createdAt: deps.clock.now() },
      guard,
    ),
    trimPasswordHistory(userId, keep, guard),
  ]
}

/**
 * Completes the forced change. The challenge must be the latest one issued to the user and bound
 * to the current credential version; the write is guarded on both, so of two concurrent
 * submissions exactly one commits. A refused password leaves the challenge usable.
 */
export async function completePasswordChange(
  deps: Deps,
  input: { challengeToken: string; newPassword: string },
  meta: RequestMeta,
): Promise<SignedIn> {
  const now = deps.clock.now()
  const { user, claims } = await findChallengedUser(deps, input.challengeToken, now)
  // A locked account hashes nothing more, here as at sign-in.
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))
  await assertNewPasswordAllowed(deps, user, input.newPassword, meta, {
    temporaryHash: user.passwordHash,
  })
  return commitForcedChange(deps, user, claims, input.newPassword, meta, now)
}

/** The user the challenge was issued to, while it is their latest and its temporary password lives. */
async function findChallengedUser(
  deps: Deps,
  challengeToken: string,
  now: number,
): Promise<{ user: UserRow; claims: ChallengeClaims }> {
  const claims = await verifyChallengeToken(deps.tokens, challengeToken, now)
  if (!claims) throw new AppError('INVALID_CHALLENGE')
  const user = await findUserById(deps.database.db, claims.sub)
  if (
    !user?.mustChangePassword ||
    user.challengeId !== claims.jti ||
    user.credentialVersion !== claims.ver ||
    // The challenge dies with the temporary password it was earned with.
    isTemporaryPasswordExpired(user, now)
  ) {
    throw new AppError('INVALID_CHALLENGE')
  }
  // Blocked after the password step: no new password, no session (the write checks it again).
  if (user.blockedAt !== null) throw new AppError('SIGN_IN_BLOCKED')
  return { user, claims }
}

/** Refuses a new password that breaks a rule (see `findViolations`), counting hash comparisons. */
async function assertNewPasswordAllowed(
  deps: Deps,
  user: UserRow,
  newPassword: string,
  meta: RequestMeta,
  compareWith: { temporaryHash?: string; currentPassword?: string },
): Promise<void> {
  const violations = await findViolations(deps, user, newPassword, compareWith)
  if (violations.length > 0) await rejectPolicy(deps, user, violations, meta)
}

/** The forced change's write: the new password, the pending reset used, a first session. */
async function commitForcedChange(
  deps: Deps,
  user: UserRow,
  claims: ChallengeClaims,
  newPassword: string,
  meta: RequestMeta,
  now: number,
): Promise<SignedIn> {
  const passwordHash = await hashPassword(deps.hasher, newPassword)
  const credential = newCredential(deps, user)
  const session = await prepareSession(
    deps,
    { ...user, credentialVersion: credential.version },
    meta,
    credential.guard,
    { mfaVerifiedAt: claims.mfa ? now : null },
  )
  const changes = await writeSteps(
    deps.database,
    forcedChangeStatements(deps, { user, claims, passwordHash, credential, session, meta, now }),
  )
  if (changes.user === 0) throw new AppError('INVALID_CHALLENGE')
  return session.result
}

function forcedChangeStatements(
  deps: Deps,
  change: {
    user: UserRow
    claims: ChallengeClaims
    passwordHash: string
    credential: NewCredential
    session: { statements: readonly Step<'session'>[] }
    meta: RequestMeta
    now: number
  },
): Step<'user' | 'sessionsRevoked' | 'session'>[] {
  const { user, claims, passwordHash, credential, now } = change
  return credentialChangedStatements(deps, {
    user,
    credential,
    passwordHash,
    set: {
      mustChangePassword: false,
      temporaryExpiresAt: null,
      challengeId: null,
      passwordChangedAt: now,
    },
    // Still the challenge we checked, on its credential, before its temporary password expires.
    unchanged: changeChallengeIs(claims.jti, claims.ver, now),
    revokeSessions: { reason: 'password_change' },
    closeRequests: null,
    statements: [
      ...historyStatements(deps, user.id, passwordHash, credential.guard),
      markPendingResetUsed(deps.database.db, user.id, now, credential.guard),
      passwordChangedNotice(deps, user, change.meta, now, credential.guard),
      // After the revocation, which would otherwise end this new session too.
      ...change.session.statements,
    ],
    audit: [ownChangeAudit(user, { id: user.id, role: user.role }, 'FORCED_CHANGE')],
    meta: change.meta,
  })
}

function ownChangeAudit(
  user: UserRow,
  actor: { id: string; role: string },
  reason: 'FORCED_CHANGE' | 'SELF_SERVICE',
): AuditInput {
  return {
    tenantId: user.tenantId,
    event: 'authn_password_change',
    actor,
    targetId: user.id,
    outcome: 'success',
    reason,
  }
}

/**
 * A signed-in user changes their own password. The current password is required (and a wrong one
 * counts against the sign-in limiter); every other session ends; this one carries on.
 */
export async function changeOwnPassword(
  deps: Deps,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<void> {
  const user = await findUserById(deps.database.db, actor.id)
  if (!user) throw new AppError('UNAUTHENTICATED')
  // A stolen access token must not become a way to guess the password without limit.
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))
  if (!(await verifyPassword(deps.hasher, user.passwordHash, input.currentPassword))) {
    await recordChangeFailure(deps, user, 'INVALID_CURRENT_PASSWORD', meta, input.currentPassword)
    throw new AppError('INVALID_CURRENT_PASSWORD')
  }
  await assertNewPasswordAllowed(deps, user, input.newPassword, meta, {
    currentPassword: input.currentPassword,
  })
  await commitOwnChange(deps, actor, user, input.newPassword, meta)
}

/** The self-service change's write: the caller's session moves to the new credential. */
async function commitOwnChange(
  deps: Deps,
  actor: Actor,
  user: UserRow,
  newPassword: string,
  meta: RequestMeta,
): Promise<void> {
  const now = deps.clock.now()
  const passwordHash = await hashPassword(deps.hasher, newPassword)
  const credential = newCredential(deps, user)
  const revokeReason = `password_change:${credential.id}`
  const changes = await writeSteps(
    deps.database,
    credentialChangedStatements(deps, {
      user,
      credential,
      passwordHash,
      set: { passwordChangedAt: now },
      unchanged: credentialIdIs(user.credentialId),
      revokeSessions: { reason: revokeReason, keep: actor.sessionId },
      closeRequests: null,
      statements: [
        ...historyStatements(deps, user.id, passwordHash, credential.guard),
        // The session that made the change moves to the new credential version and stays valid.
        moveSessionToCredential(
          deps.database.db,
          actor.sessionId,
          credential.version,
          credential.guard,
        ),
        passwordChangedNotice(deps, user, meta, now, credential.guard),
      ],
      audit: [
        ownChangeAudit(user, actor, 'SELF_SERVICE'),
        sessionsRevokedAudit(user, actor, revokeReason, 'PASSWORD_CHANGE'),
      ],
      meta,
    }),
  )
  if (changes.user === 0) throw new AppError('CONFLICT')
}
