import { AppError } from '../core/errors.ts'
import { verifyPassword } from '../core/password-hasher.ts'
import { renderQrSvg } from '../core/qr-code.ts'
import { randomId } from '../core/random.ts'
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  recoveryCodeCandidates,
} from '../core/recovery-codes.ts'
import { decidePasswordReset, isAdminRole } from '../core/roles.ts'
import { type Keyring, needsResealing, openSecret, sealSecret } from '../core/secret-box.ts'
import { buildTotpUri, encodeTotpSecret, generateTotpSecret, verifyTotpCode } from '../core/totp.ts'
import { always, type Guard, named, type Statement, writeSteps } from '../db/database.ts'
import {
  deleteUserRecoveryCodes,
  findRecoveryCode,
  insertRecoveryCode,
  markRecoveryCodeUsed,
  recoveryCodeUsedBy,
} from '../db/recovery-codes.ts'
import { markSessionVerified, revokeUserSessions } from '../db/sessions.ts'
import {
  acceptTotpStep,
  clearSecondFactor,
  confirmPendingTotp,
  findTotpConfirmation,
  findUserById,
  findUserInTenant,
  mfaWriteIs,
  storePendingTotp,
  type UserRow,
} from '../db/users.ts'
import { endAppGrants } from './app-grants.ts'
import type { ApprovalPending, ApprovedRun } from './approvals.ts'
import { auditStatement } from './audit.ts'
import type { HelpdeskWrite } from './caller-verification.ts'
import type { Actor, RequestMeta } from './caller.ts'
import { sessionsRevokedAudit } from './credential-change.ts'
import type { Deps } from './deps.ts'
import { passResetGate } from './helpdesk-gate.ts'
import { outboxStatement } from './outbox.ts'
import { auditRefusalAs } from './repeated-refusals.ts'
import {
  accountLockJustStarted,
  assertNotThrottled,
  signInFailureStatements,
  throttleKeys,
} from './sign-in-throttle.ts'
import { assertAdminStepUp } from './step-up.ts'
import { toUserView, type UserView } from './users.ts'

/** Who is recorded as having typed a code. */
type AuditActor = { id: string; role: string }

export interface TotpEnrollment {
  secret: string
  otpauthUri: string
  qrSvg: string
  expiresAt: string
}

/** True when the user has a confirmed authenticator: every password sign-in then needs a code. */
export function hasTotp(user: Pick<UserRow, 'totpConfirmedAt'>): boolean {
  return user.totpConfirmedAt !== null
}

/** Whether the user has a confirmed authenticator (for `GET /me`). */
export async function hasTotpEnrolled(deps: Deps, userId: string): Promise<boolean> {
  const row = await findTotpConfirmation(deps.database.db, userId)
  return row !== undefined && hasTotp(row)
}

function keyring(deps: Deps): Keyring {
  // Only the operator CLI runs without keys, and it never touches a second factor.
  if (!deps.encryption) throw new Error('no encryption keys configured')
  return deps.encryption
}

async function currentUser(deps: Deps, actor: Actor): Promise<UserRow> {
  const user = await findUserById(deps.database.db, actor.id)
  if (!user) throw new AppError('UNAUTHENTICATED')
  return user
}

/**
 * Starts (or restarts) an enrollment: a fresh 160-bit secret, sealed before it is stored, shown
 * once as text, URI and QR code. Nothing changes at sign-in until a code confirms it. The current
 * password comes first: a stolen session alone must not add a factor of the thief's (and with it
 * pass the admins' step-up, and stand between the real user and their next sign-in). The
 * enrollment belongs to this session: another one of the same user is never shown its secret (it
 * would learn the real user's future codes) nor confirms it; starting there replaces it.
 */
export async function startTotpEnrollment(
  deps: Deps,
  actor: Actor,
  input: { currentPassword: string },
  meta: RequestMeta,
): Promise<TotpEnrollment> {
  const user = await currentUser(deps, actor)
  if (hasTotp(user)) throw new AppError('MFA_ALREADY_ENROLLED')
  await assertCurrentPassword(deps, user, input.currentPassword, meta, 'INVALID_CREDENTIALS')
  const secret = generateTotpSecret(deps.random)
  const sealed = await sealSecret(keyring(deps), secret, user.id, deps.random)
  const expiresAt = deps.clock.now() + deps.settings.mfa.enrollmentTtlSeconds * 1000
  const { started } = await writeSteps(deps.database, [
    named(
      'started',
      storePendingTotp(deps.database.db, user.id, sealed, {
        expiresAt,
        sessionId: actor.sessionId,
      }),
    ),
    ownFactorAudit(deps, meta, actor, user, 'mfa_enrollment_started'),
  ])
  if (started === 0) throw new AppError('MFA_ALREADY_ENROLLED')
  return describeEnrollment(deps, user, secret, expiresAt)
}

/**
 * The enrollment this session started and has not confirmed yet, shown again (the browser page
 * re-renders it after a mistyped code); null when none is pending here.
 */
export async function showPendingEnrollment(
  deps: Deps,
  actor: Actor,
): Promise<TotpEnrollment | null> {
  const user = await currentUser(deps, actor)
  if (!isPendingFor(deps, user, actor)) return null
  const seed = await openSeed(deps, user, user.totpSecret)
  return describeEnrollment(deps, user, seed, user.totpPendingExpiresAt)
}

type PendingUser = UserRow & { totpSecret: string; totpPendingExpiresAt: number }

/** An enrollment is waiting for its first code, unexpired, and was started by this session. */
function isPendingFor(deps: Deps, user: UserRow, actor: Actor): user is PendingUser {
  return (
    !hasTotp(user) &&
    user.totpSecret !== null &&
    (user.totpPendingExpiresAt ?? 0) > deps.clock.now() &&
    user.totpPendingSessionId === actor.sessionId
  )
}

function describeEnrollment(
  deps: Deps,
  user: UserRow,
  secret: Uint8Array,
  expiresAt: number,
): TotpEnrollment {
  const otpauthUri = buildTotpUri({ secret, issuer: deps.tokens.issuer, account: user.email })
  return {
    secret: encodeTotpSecret(secret),
    otpauthUri,
    qrSvg: renderQrSvg(otpauthUri),
    expiresAt: new Date(expiresAt).toISOString(),
  }
}

/**
 * Confirms the pending enrollment with a first code and issues ten recovery codes, returned
 * here once and stored only as keyed hashes. The code's step becomes the last accepted one.
 */
export async function confirmTotpEnrollment(
  deps: Deps,
  actor: Actor,
  input: { code: string },
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  const user = await currentUser(deps, actor)
  if (hasTotp(user)) throw new AppError('MFA_ALREADY_ENROLLED')
  const now = deps.clock.now()
  // Another session's enrollment is none of this one's: it may only start its own.
  if (!isPendingFor(deps, user, actor)) throw new AppError('MFA_ENROLLMENT_NOT_PENDING')
  const step = verifyTotpCode(await openSeed(deps, user, user.totpSecret), input.code, now)
  // Whoever holds this session set the secret: a wrong code here guesses nothing.
  if (step === null) throw new AppError('INVALID_MFA_CODE')

  const writeId = randomId(deps.random)
  const guard = mfaWriteIs(user.id, writeId)
  const codes = generateRecoveryCodes(deps.random)
  const { confirmed } = await writeSteps(deps.database, [
    named(
      'confirmed',
      confirmPendingTotp(deps.database.db, user.id, user.totpSecret, { now, step, writeId }),
    ),
    ...replaceRecoveryCodes(deps, user.id, codes, guard),
    markSessionVerified(deps.database.db, actor.sessionId, deps.clock.now(), guard),
    factorNotice(deps, user, meta, 'mfa_enrolled', guard),
    ownFactorAudit(deps, meta, actor, user, 'mfa_enrolled', guard),
  ])
  if (confirmed === 0) throw new AppError('MFA_ENROLLMENT_NOT_PENDING')
  return { recoveryCodes: codes }
}

/** Turns TOTP off: the current password and a current code, both counted like sign-in attempts. */
export async function disableTotp(
  deps: Deps,
  actor: Actor,
  input: { currentPassword: string; code: string },
  meta: RequestMeta,
): Promise<void> {
  const user = await currentUser(deps, actor)
  if (!hasTotp(user)) throw new AppError('MFA_NOT_ENROLLED')
  await assertCurrentPassword(deps, user, input.currentPassword, meta, 'INVALID_CURRENT_PASSWORD')
  const accepted = await acceptTotpCode(deps, user, input.code, meta)
  const { codeTaken } = await writeSteps(deps.database, [
    named('codeTaken', accepted.statement),
    deleteUserRecoveryCodes(deps.database.db, user.id, accepted.guard),
    ownFactorAudit(deps, meta, actor, user, 'mfa_disabled', accepted.guard),
    factorNotice(deps, user, meta, 'mfa_disabled', accepted.guard),
    // Last: it clears the write id the statements above are guarded on.
    clearSecondFactor(deps.database.db, user.id, accepted.guard),
  ])
  if (codeTaken === 0) await refuseReplay(deps, user, meta)
}

/**
 * The account's password, re-entered, before a change to its factors: checked only while the
 * account is not locked, and a wrong one counts toward that lock as a wrong sign-in does. The
 * refusal's code is the route's contract (enrolling answers as sign-in does, turning off as
 * `POST /me/password` does).
 */
async function assertCurrentPassword(
  deps: Deps,
  user: UserRow,
  password: string,
  meta: RequestMeta,
  refusal: 'INVALID_CREDENTIALS' | 'INVALID_CURRENT_PASSWORD',
): Promise<void> {
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))
  if (await verifyPassword(deps.hasher, user.passwordHash, password)) return
  await recordMfaFailure(deps, user, meta, 'INVALID_CURRENT_PASSWORD', { wrongPassword: password })
  throw new AppError(refusal)
}

/**
 * Step-up: a current code marks this session as freshly verified, for the admin actions that ask
 * for it. Counted like a sign-in attempt; a replayed code is refused.
 */
export async function verifyStepUp(
  deps: Deps,
  actor: Actor,
  input: { code: string },
  meta: RequestMeta,
): Promise<void> {
  const user = await currentUser(deps, actor)
  if (!hasTotp(user)) throw new AppError('MFA_NOT_ENROLLED')
  await assertNotThrottled(deps, throttleKeys(user.email, meta.ip))
  const accepted = await acceptTotpCode(deps, user, input.code, meta)
  const { codeTaken } = await writeSteps(deps.database, [
    named('codeTaken', accepted.statement),
    markSessionVerified(deps.database.db, actor.sessionId, deps.clock.now(), accepted.guard),
    ownFactorAudit(deps, meta, actor, user, 'authn_mfa_step_up', accepted.guard),
  ])
  if (codeTaken === 0) await refuseReplay(deps, user, meta)
}

/**
 * An admin removes a user's second factor (a lost phone): the same role matrix and tenant rules
 * as a password reset, never on oneself; the user's recovery codes go too and every session ends.
 * The user signs in with the password alone afterwards and may enroll again. The helpdesk's
 * guards apply as to a password reset: it may answer with a request waiting for approval.
 */
export async function resetMfa(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
  options: { overrideReason?: string; approved?: ApprovedRun } = {},
): Promise<ApprovalPending | undefined> {
  const deny = denyMfaReset(deps, actor, userId, meta)
  const denyKnown = (error: unknown) =>
    error instanceof AppError ? deny(error) : Promise.reject(error)
  // A non-admin gets the same 403 whether or not the target exists.
  if (!isAdminRole(actor.role)) return deny(new AppError('FORBIDDEN_ROLE'))
  // An approved request run at approval has the approver's step-up, not the absent requester's.
  if (!options.approved?.approver) await assertAdminStepUp(deps, actor).catch(denyKnown)
  const target = await findMfaResettableUser(deps, actor, userId, deny)
  const ask = { action: 'mfa_reset' as const, parameters: null, customPassword: false, ...options }
  const gate = await passResetGate(deps, actor, target, ask, meta).catch(denyKnown)
  if ('pending' in gate) return gate.pending
  await writeMfaReset(deps, actor, target, meta, gate.proceed).catch(denyKnown)
}

/**
 * The user the MFA reset's confirmation page is for, if this admin may reset their factor:
 * refused, and audited (`mfa_reset_denied`), exactly as posting the reset would be.
 */
export async function prepareMfaReset(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<UserView> {
  const deny = denyMfaReset(deps, actor, userId, meta)
  if (!isAdminRole(actor.role)) return deny(new AppError('FORBIDDEN_ROLE'))
  return toUserView(await findMfaResettableUser(deps, actor, userId, deny))
}

/** Audits a refused MFA reset with its reason, then throws it. */
function denyMfaReset(deps: Deps, actor: Actor, userId: string, meta: RequestMeta) {
  // Repeats of one refusal are counted on one row per window, as a refused password reset's are.
  return auditRefusalAs(deps, meta, {
    tenantId: actor.tenantId,
    event: 'mfa_reset_denied',
    actor,
    targetId: userId,
  })
}

/** The user of the caller's tenant whose factor this admin may reset (the reset's role matrix). */
async function findMfaResettableUser(
  deps: Deps,
  actor: Actor,
  userId: string,
  deny: (error: AppError) => Promise<never>,
): Promise<UserRow> {
  const target = await findUserInTenant(deps.database.db, actor.tenantId, userId)
  if (!target) return deny(new AppError('NOT_FOUND'))
  const decision = decidePasswordReset(actor, target)
  if (decision !== 'allowed') return deny(new AppError(decision))
  return target
}

/**
 * The MFA reset's one write; with a helpdesk cover, that cover is used up first and everything
 * else is held to it, so two resets cannot share one verification or one approval.
 */
async function writeMfaReset(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  meta: RequestMeta,
  helpdesk: HelpdeskWrite | null,
): Promise<void> {
  if (!helpdesk) {
    await deps.database.writeAtomically(mfaResetStatements(deps, actor, target, meta))
    return
  }
  const cover = helpdesk.statements(null)
  const { covered } = await writeSteps(deps.database, [
    named('covered', cover.lead),
    ...cover.rest,
    ...mfaResetStatements(deps, actor, target, meta, cover.taken),
  ])
  if (covered === 0) {
    await helpdesk.recheck()
    throw new AppError('CONFLICT')
  }
}

/** The factor, the recovery codes and every session go in one write, audited; the user is told. */
function mfaResetStatements(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  meta: RequestMeta,
  guard: Guard = always,
): Statement[] {
  const now = deps.clock.now()
  const revokeReason = `mfa_reset:${randomId(deps.random)}`
  return [
    clearSecondFactor(deps.database.db, target.id, guard),
    deleteUserRecoveryCodes(deps.database.db, target.id, guard),
    revokeUserSessions(deps.database.db, target.id, { reason: revokeReason, now, guard }),
    ...endAppGrants(deps, { userId: target.id }, 'mfa_reset', guard),
    auditStatement(
      deps,
      meta,
      {
        tenantId: target.tenantId,
        event: 'mfa_reset',
        actor,
        targetId: target.id,
        outcome: 'success',
        reason: hasTotp(target) ? 'FACTOR_REMOVED' : 'NO_FACTOR',
      },
      guard,
    ),
    auditStatement(
      deps,
      meta,
      sessionsRevokedAudit(target, actor, revokeReason, 'MFA_RESET'),
      guard,
    ),
    // The user hears of it only when there was a factor to remove.
    ...(hasTotp(target)
      ? [
          outboxStatement(
            deps,
            target.tenantId,
            {
              kind: 'mfa_reset_by_admin',
              to: target.email,
              language: target.language,
              at: now,
              adminName: actor.displayName,
            },
            guard,
          ),
        ]
      : []),
  ]
}

/** The audit row of a change the caller made to their own second factor. */
function ownFactorAudit(
  deps: Deps,
  meta: RequestMeta,
  actor: Actor,
  user: UserRow,
  event: 'mfa_enrollment_started' | 'mfa_enrolled' | 'mfa_disabled' | 'authn_mfa_step_up',
  guard?: Guard,
): Statement {
  return auditStatement(
    deps,
    meta,
    { tenantId: user.tenantId, event, actor, targetId: user.id, outcome: 'success' },
    guard,
  )
}

/** The user is told, at their account's email, that their second factor changed (no secret). */
function factorNotice(
  deps: Deps,
  user: UserRow,
  meta: RequestMeta,
  kind: 'mfa_enrolled' | 'mfa_disabled' | 'mfa_code_replayed',
  guard?: Guard,
): Statement {
  const notice = { kind, to: user.email, language: user.language, at: deps.clock.now() }
  return outboxStatement(deps, user.tenantId, notice, guard)
}

/**
 * Checks a TOTP code for `user` and returns the guarded write that accepts it: it records the
 * code's step as the last accepted one only if that step is still later than the last, and gives
 * the batch a fresh write id for its other statements to be guarded on. Of two concurrent
 * submissions of one code, exactly one write changes a row. A wrong or replayed code is counted
 * and audited here, and refused.
 */
export async function acceptTotpCode(
  deps: Deps,
  user: UserRow,
  code: string,
  meta: RequestMeta,
  condition?: Guard,
  /** Who typed the code, when not the user: an admin checking a caller (audited as the actor). */
  by?: AuditActor,
): Promise<{ statement: Statement; guard: Guard }> {
  const now = deps.clock.now()
  const seed = user.totpSecret ? await openSeed(deps, user, user.totpSecret) : null
  const step = seed ? verifyTotpCode(seed, code, now) : null
  if (!seed || step === null) {
    await recordMfaFailure(deps, user, meta, 'INVALID_MFA_CODE', { by })
    throw new AppError('INVALID_MFA_CODE')
  }
  if (step <= (user.totpLastStep ?? -1)) await refuseReplay(deps, user, meta, by)
  const writeId = randomId(deps.random)
  // After a key rotation, each seed moves to the current key the next time it is used.
  const totpSecret = needsResealing(keyring(deps), user.totpSecret!)
    ? await sealSecret(keyring(deps), seed, user.id, deps.random)
    : undefined
  return {
    statement: acceptTotpStep(deps.database.db, user.id, { step, writeId, totpSecret }, condition),
    guard: mfaWriteIs(user.id, writeId),
  }
}

/**
 * A recovery code as the second factor: the guarded write takes the matching unused code (one
 * per ring key: codes made before a key rotation still match). Wrong codes count and are
 * refused; a used one is audited as reuse.
 */
export async function acceptRecoveryCode(
  deps: Deps,
  user: UserRow,
  input: string,
  meta: RequestMeta,
  condition?: Guard,
): Promise<{ statement: Statement; guard: Guard }> {
  const candidates = recoveryCodeCandidates(keyring(deps), input)
  const match = candidates.length
    ? await findRecoveryCode(deps.database.db, user.id, candidates)
    : undefined
  if (!match) {
    await recordMfaFailure(deps, user, meta, 'INVALID_MFA_CODE')
    throw new AppError('INVALID_MFA_CODE')
  }
  if (match.usedAt !== null) await refuseReplay(deps, user, meta)
  const writeId = randomId(deps.random)
  return {
    statement: markRecoveryCodeUsed(
      deps.database.db,
      match.codeHash,
      { now: deps.clock.now(), writeId },
      condition,
    ),
    guard: recoveryCodeUsedBy(match.codeHash, writeId),
  }
}

/** A code already used: counted like a wrong one, and audited as token reuse. */
export async function refuseReplay(
  deps: Deps,
  user: UserRow,
  meta: RequestMeta,
  by?: AuditActor,
): Promise<never> {
  deps.logger.warn('authn_token_reuse', { requestId: meta.requestId, userId: user.id, kind: 'mfa' })
  await recordMfaFailure(deps, user, meta, 'MFA_CODE_REPLAYED', { by })
  throw new AppError('INVALID_MFA_CODE')
}

/**
 * One failure on the account and the IP (the sign-in limiter), audited, in one write. A wrong
 * password's repeats count no further against the account (see `signInFailureStatements`).
 */
async function recordMfaFailure(
  deps: Deps,
  user: UserRow,
  meta: RequestMeta,
  reason: 'INVALID_MFA_CODE' | 'MFA_CODE_REPLAYED' | 'INVALID_CURRENT_PASSWORD',
  /** The wrong password typed (counted once however often repeated), and who typed the code. */
  options: { wrongPassword?: string; by?: AuditActor } = {},
): Promise<void> {
  const { wrongPassword, by = { id: user.id, role: user.role } } = options
  const keys = throttleKeys(user.email, meta.ip)
  const audit = (event: 'authn_mfa_fail' | 'authn_token_reuse' | 'authn_login_lock') =>
    auditStatement(deps, meta, {
      tenantId: user.tenantId,
      event,
      actor: by,
      targetId: user.id,
      outcome: 'failure',
      reason,
    })
  const replayed = reason === 'MFA_CODE_REPLAYED'
  await deps.database.writeAtomically([
    ...signInFailureStatements(deps, keys, { password: wrongPassword }),
    audit(replayed ? 'authn_token_reuse' : 'authn_mfa_fail'),
    // A used code seen again: someone may hold the password and have watched a code. Bounded by
    // the account lock these failures count toward.
    ...(replayed ? [factorNotice(deps, user, meta, 'mfa_code_replayed')] : []),
  ])
  if (await accountLockJustStarted(deps, keys.account)) {
    await deps.database.writeAtomically([audit('authn_login_lock')])
    deps.logger.warn('authn_login_lock', { requestId: meta.requestId, userId: user.id })
  }
}

async function openSeed(deps: Deps, user: UserRow, sealed: string): Promise<Uint8Array> {
  const seed = await openSecret(keyring(deps), sealed, user.id)
  // Not the user's fault: a key missing from the ring, or a damaged row. A 500, and a log line.
  if (!seed) throw new Error(`the TOTP seed of user ${user.id} cannot be decrypted`)
  return seed
}

function replaceRecoveryCodes(
  deps: Deps,
  userId: string,
  codes: string[],
  guard: Guard,
): Statement[] {
  const now = deps.clock.now()
  return [
    deleteUserRecoveryCodes(deps.database.db, userId, guard),
    ...codes.map((code) =>
      insertRecoveryCode(
        { codeHash: hashRecoveryCode(keyring(deps), code), userId, createdAt: now },
        guard,
      ),
    ),
  ]
}
