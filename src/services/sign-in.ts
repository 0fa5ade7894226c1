import { and, eq, sql } from 'drizzle-orm'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import {
  hashPassword,
  needsRehash,
  type PasswordHasher,
  verifyPassword,
} from '../core/password-hasher.ts'
import { describePolicy } from '../core/password-policy.ts'
import { randomId, randomToken } from '../core/random.ts'
import { signChallengeToken } from '../core/tokens.ts'
import { type AppDb, prepared, userCredentialIs } from '../db/database.ts'
import { users } from '../db/schema.ts'
import { auditStatement, recordAudit } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { prepareSession, type SignedIn } from './sessions.ts'
import {
  accountLockJustStarted,
  assertNotThrottled,
  clearAccountThrottle,
  signInFailureStatements,
  throttleKeys,
} from './sign-in-throttle.ts'

export interface PasswordChangeRequired {
  status: 'password_change_required'
  challengeToken: string
  expiresAt: string
  policy: ReturnType<typeof describePolicy>
  next: { method: 'POST'; href: string }
}

const userByEmail = (db: AppDb) =>
  prepared(db, 'user-by-email', (db) =>
    db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder('email')))
      .prepare(),
  )

// A hash with production parameters of a password nobody knows, verified for unknown emails so
// that they cost the same argon2 work as known ones (no timing oracle for enumeration).
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>()
function dummyHash(deps: Deps): Promise<string> {
  let hash = dummyHashes.get(deps.hasher)
  if (!hash) {
    hash = hashPassword(deps.hasher, randomToken(deps.random))
    dummyHashes.set(deps.hasher, hash)
  }
  return hash
}

/**
 * Signs a user in with email and password. Exactly one argon2 verify runs on every path that
 * reaches hashing; throttled attempts are refused before it. Unknown email and wrong password
 * fail identically. A pending temporary password yields only a password-change challenge.
 */
export async function signIn(
  deps: Deps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<SignedIn | PasswordChangeRequired> {
  const email = normalizeEmail(input.email)
  const keys = throttleKeys(email, meta.ip)
  await assertNotThrottled(deps, keys)

  const [user] = await userByEmail(deps.database.db).all({ email })
  const passwordMatches = await verifyPassword(
    deps.hasher,
    user?.passwordHash ?? (await dummyHash(deps)),
    input.password,
  )

  if (!user || !passwordMatches) {
    // The same writes for an unknown account as for a known one: no timing difference to exploit.
    const actor = user ? { id: user.id, role: user.role } : null
    const failure = (event: 'authn_login_fail' | 'authn_login_lock') =>
      auditStatement(deps, meta, {
        tenantId: user?.tenantId ?? null,
        event,
        actor,
        targetId: user?.id ?? null,
        outcome: 'failure',
        reason: user ? 'INVALID_CREDENTIALS' : 'UNKNOWN_ACCOUNT',
      })
    await deps.database.writeAtomically([
      ...signInFailureStatements(deps, keys),
      failure('authn_login_fail'),
    ])
    if (await accountLockJustStarted(deps, keys.account)) {
      await deps.database.writeAtomically([failure('authn_login_lock')])
      deps.logger.warn('authn_login_lock', { requestId: meta.requestId, userId: user?.id ?? null })
    }
    throw new AppError('INVALID_CREDENTIALS')
  }

  const now = deps.clock.now()
  const actor = { id: user.id, role: user.role }
  if (
    user.mustChangePassword &&
    user.temporaryExpiresAt !== null &&
    user.temporaryExpiresAt <= now
  ) {
    // Only someone who knows the temporary password learns that it expired; they need a new reset.
    await recordAudit(deps, meta, {
      tenantId: user.tenantId,
      event: 'password_reset_expired_use',
      actor,
      targetId: user.id,
      outcome: 'failure',
      reason: 'TEMPORARY_PASSWORD_EXPIRED',
    })
    throw new AppError('TEMPORARY_PASSWORD_EXPIRED')
  }

  // Every statement below holds only while the credential read above is still the user's: a
  // reset or password change that commits in between makes the whole batch change nothing.
  const stillCurrent = userCredentialIs(user.id, user.credentialId)
  if (user.mustChangePassword) {
    // A fresh challenge replaces any earlier one: the user who closed the tab is never stranded,
    // and an older challenge token stops working at once.
    const challengeId = randomId(deps.random)
    const [changed] = await deps.database.writeAtomically([
      deps.database.db
        .update(users)
        .set({ challengeId })
        .where(and(eq(users.id, user.id), eq(users.credentialId, user.credentialId))),
      clearAccountThrottle(deps, keys.account, stillCurrent),
      auditStatement(
        deps,
        meta,
        {
          tenantId: user.tenantId,
          event: 'authn_password_change_required',
          actor,
          targetId: user.id,
          outcome: 'success',
        },
        stillCurrent,
      ),
    ])
    if (changed === 0) throw new AppError('INVALID_CREDENTIALS')
    // The challenge never outlives the temporary password it was earned with.
    const expiresAtMs = Math.min(
      now + deps.settings.challengeTtlSeconds * 1000,
      user.temporaryExpiresAt ?? Number.POSITIVE_INFINITY,
    )
    return {
      status: 'password_change_required',
      challengeToken: await signChallengeToken(
        deps.tokens,
        { sub: user.id, jti: challengeId, ver: user.credentialVersion },
        now,
        Math.floor((expiresAtMs - now) / 1000),
      ),
      expiresAt: new Date(expiresAtMs).toISOString(),
      policy: describePolicy(deps.settings.passwordPolicy),
      next: { method: 'POST', href: '/api/v1/auth/password-change' },
    }
  }

  const session = await prepareSession(deps, user, meta, stillCurrent)
  const statements = [
    ...session.statements,
    clearAccountThrottle(deps, keys.account, stillCurrent),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event: 'authn_login_success',
        actor,
        targetId: user.id,
        outcome: 'success',
      },
      stillCurrent,
    ),
  ]
  if (needsRehash(user.passwordHash)) {
    // Upgrade weaker stored parameters while we hold the plaintext. The credential version stays:
    // same password, same sessions.
    const upgraded = await hashPassword(deps.hasher, input.password)
    statements.push(
      deps.database.db
        .update(users)
        .set({ passwordHash: upgraded })
        .where(and(eq(users.id, user.id), eq(users.credentialId, user.credentialId))),
    )
  }
  const [sessionOpened] = await deps.database.writeAtomically(statements)
  // The password was changed or reset while we verified it: the old one no longer signs in.
  if (sessionOpened === 0) throw new AppError('INVALID_CREDENTIALS')
  return session.result
}

/**
 * Does the one-time work of the sign-in path ahead of the first request (the dummy hash that
 * unknown emails are verified against), so the first unknown email is not slower than the rest.
 */
export async function warmUpSignIn(deps: Deps): Promise<void> {
  await dummyHash(deps)
}
