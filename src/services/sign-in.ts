import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { challengeExpiresAt, isTemporaryPasswordExpired } from '../core/expiry.ts'
import {
  hashPassword,
  needsRehash,
  type PasswordHasher,
  verifyPassword,
} from '../core/password-hasher.ts'
import { describePolicy } from '../core/password-policy.ts'
import { randomId, randomToken } from '../core/random.ts'
import { signChallengeToken, signMfaToken } from '../core/tokens.ts'
import {
  allOf,
  type Guard,
  named,
  type Statement,
  type Step,
  userCredentialIs,
  writeSteps,
} from '../db/database.ts'
import {
  findUserByEmail,
  setChangeChallenge,
  setMfaChallenge,
  upgradePasswordHash,
  type UserRow,
} from '../db/users.ts'
import { auditStatement, recordAudit } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { hasTotp } from './mfa.ts'
import { recordRefusal } from './repeated-refusals.ts'
import { signInLanguageStatements } from './user-language.ts'
import { type PreparedSession, prepareSession, type SignedIn } from './sessions.ts'
import {
  accountLockJustStarted,
  assertNotThrottled,
  clearAccountThrottle,
  rememberKnownNetwork,
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

export interface MfaRequired {
  status: 'mfa_required'
  mfaToken: string
  expiresAt: string
  next: { method: 'POST'; href: string }
}

/**
 * A second factor accepted in this batch: its writes go first (the first one, `secondFactor`,
 * guarded so that a code is taken once), and every other statement of the batch holds only if
 * that write happened (see services/mfa.ts).
 */
export interface SecondFactorProof {
  statements: Step<'secondFactor'>[]
  guard: Guard
}

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

type ThrottleKeys = ReturnType<typeof throttleKeys>

/**
 * Signs a user in with email and password. Exactly one argon2 verify runs on every path that
 * reaches hashing; throttled attempts are refused before it. Unknown email and wrong password
 * fail identically. A user with TOTP gets only the MFA step, before anything else (even a forced
 * change). A pending temporary password yields only a password-change challenge.
 */
export async function signIn(
  deps: Deps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<SignedIn | PasswordChangeRequired | MfaRequired> {
  const email = normalizeEmail(input.email)
  const keys = throttleKeys(email, meta.ip)
  // Two reads with no order between them: on D1 each is a round trip, so they go together.
  const [account] = await Promise.all([
    findUserByEmail(deps.database.db, email),
    assertNotThrottled(deps, keys),
  ])
  // While argon2 runs, the session a right password would open is made ready (ids, its signed
  // token): after the verify only the write is left. Wasted, harmlessly, on a wrong password.
  const session = opensSessionAtOnce(account, deps.clock.now())
    ? prepareSession(deps, account, meta, stillCurrent(account))
    : undefined
  session?.catch(() => undefined) // awaited only on a right password; never an unhandled rejection
  const user = await verifyCredentials(deps, account, input.password)
  if (!user) return recordSignInFailure(deps, account, keys, input.password, meta)
  if (user.blockedAt !== null) return refuseBlockedSignIn(deps, user, meta)
  const now = deps.clock.now()
  if (isTemporaryPasswordExpired(user, now)) return rejectExpiredTemporaryPassword(deps, user, meta)
  if (hasTotp(user)) return requireSecondFactor(deps, user, input.password, meta, now)
  if (user.mustChangePassword) return issueChangeChallenge(deps, user, keys, meta, now)
  return openSession(deps, user, keys, meta, { password: input.password, session })
}

/** A right password alone opens this account's session: not blocked, no second factor or change owed. */
function opensSessionAtOnce(account: UserRow | undefined, now: number): account is UserRow {
  return (
    account !== undefined &&
    account.blockedAt === null &&
    !hasTotp(account) &&
    !account.mustChangePassword &&
    !isTemporaryPasswordExpired(account, now)
  )
}

/**
 * The account if the password is its own. One argon2 verify either way: an unknown email is
 * checked against the dummy hash, so it costs the same time as a known one.
 */
async function verifyCredentials(
  deps: Deps,
  account: UserRow | undefined,
  password: string,
): Promise<UserRow | null> {
  const matches = await verifyPassword(
    deps.hasher,
    account?.passwordHash ?? (await dummyHash(deps)),
    password,
  )
  return account && matches ? account : null
}

/** Counts the failure against the account and the IP, audits it (and a lock it starts), refuses. */
async function recordSignInFailure(
  deps: Deps,
  account: UserRow | undefined,
  keys: ThrottleKeys,
  password: string,
  meta: RequestMeta,
): Promise<never> {
  // The same writes for an unknown account as for a known one: no timing difference to exploit.
  const failure = (event: 'authn_login_fail' | 'authn_login_lock') =>
    auditStatement(deps, meta, {
      tenantId: account?.tenantId ?? null,
      event,
      actor: account ? { id: account.id, role: account.role } : null,
      targetId: account?.id ?? null,
      outcome: 'failure',
      reason: account ? 'INVALID_CREDENTIALS' : 'UNKNOWN_ACCOUNT',
    })
  await deps.database.writeAtomically([
    ...signInFailureStatements(deps, keys, { password }),
    failure('authn_login_fail'),
  ])
  if (await accountLockJustStarted(deps, keys.account)) {
    await deps.database.writeAtomically([failure('authn_login_lock')])
    deps.logger.warn('authn_login_lock', { requestId: meta.requestId, userId: account?.id ?? null })
  }
  throw new AppError('INVALID_CREDENTIALS')
}

/**
 * The right password of a blocked account signs nothing in. Only someone who knows the password
 * learns of the block (anyone else gets INVALID_CREDENTIALS); repeats are audited once a window.
 */
async function refuseBlockedSignIn(deps: Deps, user: UserRow, meta: RequestMeta): Promise<never> {
  await recordRefusal(deps, meta, {
    tenantId: user.tenantId,
    event: 'authn_login_fail',
    actor: { id: user.id, role: user.role },
    targetId: user.id,
    outcome: 'denied',
    reason: 'SIGN_IN_BLOCKED',
  })
  throw new AppError('SIGN_IN_BLOCKED')
}

/** Only someone who knows the temporary password learns that it expired; they need a new reset. */
async function rejectExpiredTemporaryPassword(
  deps: Deps,
  user: UserRow,
  meta: RequestMeta,
): Promise<never> {
  await recordAudit(deps, meta, {
    tenantId: user.tenantId,
    event: 'password_reset_expired_use',
    actor: { id: user.id, role: user.role },
    targetId: user.id,
    outcome: 'failure',
    reason: 'TEMPORARY_PASSWORD_EXPIRED',
  })
  throw new AppError('TEMPORARY_PASSWORD_EXPIRED')
}

/**
 * A pending temporary password opens no session, only a challenge to change it. A fresh challenge
 * replaces any earlier one: the user who closed the tab is never stranded, and an older challenge
 * token stops working at once.
 */
export async function issueChangeChallenge(
  deps: Deps,
  user: UserRow,
  keys: ThrottleKeys,
  meta: RequestMeta,
  now: number,
  proof?: SecondFactorProof,
): Promise<PasswordChangeRequired> {
  const challengeId = randomId(deps.random)
  const guard = allOf(stillCurrent(user), proof?.guard)
  const changes = await writeSteps(deps.database, [
    ...(proof?.statements ?? []),
    named('challenge', setChangeChallenge(deps.database.db, user, challengeId, proof?.guard)),
    ...signInSucceededStatements(deps, user, keys, meta, 'authn_password_change_required', guard),
  ])
  assertCommitted(changes.secondFactor, changes.challenge, proof)
  const expiresAtMs = challengeExpiresAt(
    now,
    deps.settings.challengeTtlSeconds,
    user.temporaryExpiresAt,
  )
  return {
    status: 'password_change_required',
    challengeToken: await signChallengeToken(
      deps.tokens,
      // The change that follows a second factor opens a session that says so (an app's `amr`).
      { sub: user.id, jti: challengeId, ver: user.credentialVersion, ...(proof && { mfa: true }) },
      now,
      Math.floor((expiresAtMs - now) / 1000),
    ),
    expiresAt: new Date(expiresAtMs).toISOString(),
    policy: describePolicy(deps.settings.passwordPolicy),
    next: { method: 'POST', href: '/api/v1/auth/password-change' },
  }
}

/**
 * Opens a session for a user who owes no change, upgrading a weaker stored hash on the way (when
 * the password is at hand). After a second factor, the session records when it was verified.
 * `session`, when given, was prepared for this user while the password was being verified.
 */
export async function openSession(
  deps: Deps,
  user: UserRow,
  keys: ThrottleKeys,
  meta: RequestMeta,
  options: { password?: string; proof?: SecondFactorProof; session?: PreparedSession },
): Promise<SignedIn> {
  const { proof } = options
  const guard = allOf(stillCurrent(user), proof?.guard)
  const session = await (options.session ??
    prepareSession(deps, user, meta, guard, { mfaVerifiedAt: proof ? deps.clock.now() : null }))
  const statements = [
    ...(proof?.statements ?? []),
    ...session.statements,
    ...signInSucceededStatements(deps, user, keys, meta, 'authn_login_success', guard),
  ]
  statements.push(...(await rehashStatements(deps, user, options.password)))
  const changes = await writeSteps(deps.database, statements)
  assertCommitted(changes.secondFactor, changes.session, proof)
  return session.result
}

/**
 * The password was right and the user has TOTP: the answer is only a short-lived MFA token, for
 * `POST /auth/mfa`, bound to the credential version and to this sign-in (a newer one voids it).
 * The account's failure count is not cleared here: only the second factor clears it, so signing
 * in again never buys more guesses at the code.
 */
async function requireSecondFactor(
  deps: Deps,
  user: UserRow,
  password: string,
  meta: RequestMeta,
  now: number,
): Promise<MfaRequired> {
  const mfaChallengeId = randomId(deps.random)
  const guard = stillCurrent(user)
  const statements = [
    named('mfaChallenge', setMfaChallenge(deps.database.db, user, mfaChallengeId)),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event: 'authn_mfa_required',
        actor: { id: user.id, role: user.role },
        targetId: user.id,
        outcome: 'success',
      },
      guard,
    ),
  ]
  statements.push(...(await rehashStatements(deps, user, password)))
  const { mfaChallenge } = await writeSteps(deps.database, statements)
  if (mfaChallenge === 0) throw new AppError('INVALID_CREDENTIALS')
  return mfaRequired(deps, user, mfaChallengeId, now)
}

/** The MFA token of the sign-in step `mfaChallengeId`, with where to send it. */
async function mfaRequired(
  deps: Deps,
  user: UserRow,
  mfaChallengeId: string,
  now: number,
): Promise<MfaRequired> {
  const expiresAtMs = challengeExpiresAt(
    now,
    deps.settings.mfa.tokenTtlSeconds,
    user.mustChangePassword ? user.temporaryExpiresAt : null,
  )
  return {
    status: 'mfa_required',
    mfaToken: await signMfaToken(
      deps.tokens,
      { sub: user.id, jti: mfaChallengeId, ver: user.credentialVersion },
      now,
      Math.floor((expiresAtMs - now) / 1000),
    ),
    expiresAt: new Date(expiresAtMs).toISOString(),
    next: { method: 'POST', href: '/api/v1/auth/mfa' },
  }
}

/**
 * Upgrade weaker stored parameters while we hold the plaintext. The credential version stays:
 * same password, same sessions. (The statement is built, not run: a drizzle query awaited would
 * execute, so the async hashing stays apart from it.)
 */
async function rehashStatements(
  deps: Deps,
  user: UserRow,
  password: string | undefined,
): Promise<Statement[]> {
  if (password === undefined || !needsRehash(user.passwordHash)) return []
  const upgraded = await hashPassword(deps.hasher, password)
  return [upgradePasswordHash(deps.database.db, user, upgraded)]
}

/**
 * Refuses a sign-in whose write changed nothing: with a second factor whose write took no code,
 * that code or recovery code was taken by a concurrent request (a replay); otherwise, when the
 * challenge or session was not written, the password was changed or reset while we verified it,
 * and the old one no longer signs in.
 */
function assertCommitted(
  secondFactor: number | undefined,
  signedIn: number,
  proof: SecondFactorProof | undefined,
): void {
  if (proof && secondFactor === 0) throw new AppError('INVALID_MFA_CODE')
  if (signedIn === 0) {
    throw new AppError(proof ? 'INVALID_MFA_TOKEN' : 'INVALID_CREDENTIALS')
  }
}

/**
 * Statements hold only while the credential read at sign-in is still the user's: a reset or
 * password change that commits in between makes the whole batch change nothing.
 */
function stillCurrent(user: UserRow): Guard {
  return userCredentialIs(user.id, user.credentialId)
}

/**
 * A sign-in that succeeded clears the account's failure count and makes the caller's network known
 * for it (see `rememberKnownNetwork`), with the audit row of the success, and records the language
 * the user signed in with (see services/user-language.ts).
 */
function signInSucceededStatements(
  deps: Deps,
  user: UserRow,
  keys: ThrottleKeys,
  meta: RequestMeta,
  event: 'authn_login_success' | 'authn_password_change_required',
  guard: Guard = stillCurrent(user),
): Statement[] {
  return [
    clearAccountThrottle(deps, keys.account, guard),
    ...rememberKnownNetwork(deps, keys, guard),
    ...signInLanguageStatements(deps, user, meta, guard),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event,
        actor: { id: user.id, role: user.role },
        targetId: user.id,
        outcome: 'success',
      },
      guard,
    ),
  ]
}

/**
 * Does the one-time work of the sign-in path ahead of the first request (the dummy hash that
 * unknown emails are verified against), so the first unknown email is not slower than the rest.
 */
export async function warmUpSignIn(deps: Deps): Promise<void> {
  await dummyHash(deps)
}
