import { and, desc, eq, gt, isNull, ne, or, type SQL, sql } from 'drizzle-orm'
import { AppError } from '../core/errors.ts'
import { hashPassword, verifyPassword } from '../core/password-hasher.ts'
import {
  normalizePassword,
  type PolicyViolation,
  policyMessages,
  validatePasswordPolicy,
} from '../core/password-policy.ts'
import { randomId } from '../core/random.ts'
import { verifyChallengeToken } from '../core/tokens.ts'
import { insertWhere, userCredentialIs } from '../db/database.ts'
import { passwordHistory, passwordResets, sessions, users } from '../db/schema.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { prepareSession, type SignedIn } from './sessions.ts'
import {
  assertNotThrottled,
  clearAccountThrottle,
  signInFailureStatements,
  throttleKeys,
} from './sign-in-throttle.ts'

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
  const history = await deps.database.db
    .select({ passwordHash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, user.id))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(deps.settings.passwordPolicy.historySize)
  for (const entry of history) {
    if (await verifyPassword(deps.hasher, entry.passwordHash, newPassword)) {
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

/** One failed attempt on the account and the IP, with its audit row, in one write. */
async function recordChangeFailure(
  deps: Deps,
  user: { id: string; tenantId: string; role: string; email: string },
  reason: string,
  meta: RequestMeta,
): Promise<void> {
  await deps.database.writeAtomically([
    ...signInFailureStatements(deps, throttleKeys(user.email, meta.ip)),
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

/** Remember the new hash and keep only the last `historySize` of them. */
function historyStatements(deps: Deps, userId: string, hash: string, guard: SQL): SQL[] {
  const keep = deps.settings.passwordPolicy.historySize
  return [
    insertWhere(
      passwordHistory,
      { id: randomId(deps.random), userId, passwordHash: hash, createdAt: deps.clock.now() },
      guard,
    ),
    sql`delete from ${passwordHistory} where ${passwordHistory.userId} = ${userId} and ${guard} and ${passwordHistory.id} not in (select ${passwordHistory.id} from ${passwordHistory} where ${passwordHistory.userId} = ${userId} order by ${passwordHistory.createdAt} desc, rowid desc limit ${keep})`,
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
  const claims = await verifyChallengeToken(deps.tokens, input.challengeToken, now)
  if (!claims) throw new AppError('INVALID_CHALLENGE')
  const [user] = await deps.database.db.select().from(users).where(eq(users.id, claims.sub))
  if (
    !user?.mustChangePassword ||
    user.challengeId !== claims.jti ||
    user.credentialVersion !== claims.ver ||
    // The challenge dies with the temporary password it was earned with.
    (user.temporaryExpiresAt !== null && user.temporaryExpiresAt <= now)
  ) {
    throw new AppError('INVALID_CHALLENGE')
  }
  // A locked account hashes nothing more, here as at sign-in.
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))

  const violations = await findViolations(deps, user, input.newPassword, {
    temporaryHash: user.passwordHash,
  })
  if (violations.length > 0) await rejectPolicy(deps, user, violations, meta)

  const newHash = await hashPassword(deps.hasher, input.newPassword)
  const credentialId = randomId(deps.random)
  const credentialVersion = user.credentialVersion + 1
  const guard = userCredentialIs(user.id, credentialId)
  const session = await prepareSession(deps, { ...user, credentialVersion }, meta, guard)
  const [changed] = await deps.database.writeAtomically([
    deps.database.db
      .update(users)
      .set({
        passwordHash: newHash,
        credentialVersion,
        credentialId,
        mustChangePassword: false,
        temporaryExpiresAt: null,
        challengeId: null,
        passwordChangedAt: now,
      })
      .where(
        and(
          eq(users.id, user.id),
          eq(users.challengeId, claims.jti),
          eq(users.credentialVersion, claims.ver),
          or(isNull(users.temporaryExpiresAt), gt(users.temporaryExpiresAt, now)),
        ),
      ),
    ...historyStatements(deps, user.id, newHash, guard),
    deps.database.db
      .update(passwordResets)
      .set({ status: 'used', usedAt: now })
      .where(and(eq(passwordResets.userId, user.id), eq(passwordResets.status, 'pending'), guard)),
    deps.database.db
      .update(sessions)
      .set({ revokedAt: now, revokeReason: 'password_change' })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), guard)),
    ...session.statements,
    // A completed change is a successful sign-in: the account's failure count starts over.
    clearAccountThrottle(deps, throttleKeys(user.email, null).account, guard),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event: 'authn_password_change',
        actor: { id: user.id, role: user.role },
        targetId: user.id,
        outcome: 'success',
        reason: 'FORCED_CHANGE',
      },
      guard,
    ),
  ])
  if (changed === 0) throw new AppError('INVALID_CHALLENGE')
  return session.result
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
  const [user] = await deps.database.db.select().from(users).where(eq(users.id, actor.id))
  if (!user) throw new AppError('UNAUTHENTICATED')
  // A stolen access token must not become a way to guess the password without limit.
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))
  if (!(await verifyPassword(deps.hasher, user.passwordHash, input.currentPassword))) {
    await recordChangeFailure(deps, user, 'INVALID_CURRENT_PASSWORD', meta)
    throw new AppError('INVALID_CURRENT_PASSWORD')
  }
  const violations = await findViolations(deps, user, input.newPassword, {
    currentPassword: input.currentPassword,
  })
  if (violations.length > 0) await rejectPolicy(deps, user, violations, meta)

  const now = deps.clock.now()
  const newHash = await hashPassword(deps.hasher, input.newPassword)
  const credentialId = randomId(deps.random)
  const credentialVersion = user.credentialVersion + 1
  const guard = userCredentialIs(user.id, credentialId)
  const [changed] = await deps.database.writeAtomically([
    deps.database.db
      .update(users)
      .set({ passwordHash: newHash, credentialVersion, credentialId, passwordChangedAt: now })
      .where(and(eq(users.id, user.id), eq(users.credentialId, user.credentialId))),
    ...historyStatements(deps, user.id, newHash, guard),
    deps.database.db
      .update(sessions)
      .set({ revokedAt: now, revokeReason: 'password_change' })
      .where(
        and(
          eq(sessions.userId, user.id),
          ne(sessions.id, actor.sessionId),
          isNull(sessions.revokedAt),
          guard,
        ),
      ),
    // The session that made the change moves to the new credential version and stays valid.
    deps.database.db
      .update(sessions)
      .set({ credentialVersion })
      .where(and(eq(sessions.id, actor.sessionId), guard)),
    clearAccountThrottle(deps, throttleKeys(user.email, null).account, guard),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event: 'authn_password_change',
        actor,
        targetId: user.id,
        outcome: 'success',
        reason: 'SELF_SERVICE',
      },
      guard,
    ),
  ])
  if (changed === 0) throw new AppError('CONFLICT')
}
