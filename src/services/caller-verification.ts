import type { AuditEventName, AuditOutcome, AuditReason } from '../core/audit-codes.ts'
import { AppError } from '../core/errors.ts'
import type { HelpdeskAction } from '../core/mail.ts'
import { constantTimeEqual } from '../core/constant-time.ts'
import { randomId } from '../core/random.ts'
import { decidePasswordReset, isAdminRole } from '../core/roles.ts'
import {
  digestVerificationCode,
  generateVerificationCode,
  isOverrideReason,
  isVerificationCode,
} from '../core/verification-code.ts'
import {
  closeVerification,
  countWrongCode,
  findLiveVerification,
  findVerification,
  findVerificationUsedBy,
  insertVerification,
  markVerificationUsed,
  markVerified,
  supersedeOpenVerifications,
  type VerificationRow,
  verificationUnused,
  verificationWrittenBy,
} from '../db/caller-verifications.ts'
import {
  always,
  type Guard,
  named,
  type NamedStep,
  type Statement,
  writeSteps,
} from '../db/database.ts'
import { listOtherGlobalAdmins } from '../db/reset-approvals.ts'
import { toIsoTime } from '../db/time.ts'
import { findUserInTenant, type UserRow } from '../db/users.ts'
import { auditStatement } from './audit.ts'
import { assertAdminRole } from './access.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { acceptTotpCode, hasTotp, refuseReplay } from './mfa.ts'
import { noticeLanguage } from './notice-language.ts'
import { outboxStatement, sendErrorCode } from './outbox.ts'
import { auditRefusalAs } from './repeated-refusals.ts'
import { assertNotThrottled, throttleKeys } from './sign-in-throttle.ts'
import { hourlyLimit } from './hourly-limit.ts'
import { findTenantUser } from './users.ts'

// The helpdesk's first guard: before a reset, the admin checks who is calling, with a code from
// the user's authenticator app read out over the phone, or a code mailed to the address on file.
// A verified caller counts for 15 minutes, for that admin and that user only, and is used up by
// the first reset, MFA reset or approval request it covers.

export type VerificationMethod = 'totp' | 'email'

export interface VerificationStarted {
  verificationId: string
  method: VerificationMethod
  expiresAt: string
}

export interface VerificationPassed {
  status: 'verified'
  validUntil: string
}

/**
 * Starts a verification of a user's caller, for an admin who may reset that user: with `totp`
 * the admin then types the code the caller reads from their app; with `email` a 6-digit code
 * goes to the user's own address on file (never one the admin names), at once, and is stored
 * only as a keyed digest. Either way the user is told. A newer verification replaces the admin's
 * open one of the same user.
 */
export async function startVerification(
  deps: Deps,
  actor: Actor,
  input: { userId: string; method: VerificationMethod },
  meta: RequestMeta,
): Promise<VerificationStarted> {
  const deny = denyStart(deps, actor, input.userId, meta)
  const target = await authorizeVerification(deps, actor, input.userId).catch(deny)
  await assertMethodAvailable(deps, target, input.method).catch(deny)
  const limit = startsLimit(deps, target)
  await limit.assert().catch(deny)
  const now = deps.clock.now()
  const id = randomId(deps.random)
  const expiresAt = now + deps.settings.callerVerification.codeTtlSeconds * 1000
  const code = input.method === 'email' ? generateVerificationCode(deps.random) : null
  const { started } = await writeSteps(deps.database, [
    supersedeOpenVerifications(deps.database.db, { adminId: actor.id, userId: target.id }, now),
    named('started', startStatement(deps, actor, target, { id, code, expiresAt, ...input }, limit)),
    ...limit.count(verificationExists(id)),
    ...startRecords(deps, actor, target, { id, method: input.method }, meta),
  ])
  // Others started checks of this user in the meantime, up to the limit.
  if (started === 0) await deny(new AppError('RATE_LIMITED', { headers: { 'Retry-After': '60' } }))
  if (code) await mailCode(deps, actor, target, { id, code, expiresAt }, meta)
  return { verificationId: id, method: input.method, expiresAt: toIsoTime(expiresAt) }
}

/** The verification's row, held to the per-user limit on starts. */
function startStatement(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  start: { id: string; code: string | null; expiresAt: number; method: VerificationMethod },
  limit: ReturnType<typeof hourlyLimit>,
): Statement {
  const now = deps.clock.now()
  return insertVerification(
    {
      id: start.id,
      tenantId: target.tenantId,
      userId: target.id,
      adminId: actor.id,
      method: start.method,
      email: target.email,
      codeDigest: start.code
        ? digestVerificationCode(deps.tokens.signingKey, start.id, start.code)
        : null,
      createdAt: now,
      expiresAt: start.expiresAt,
      writeId: start.id,
    },
    limit.guard,
  )
}

/** The start counted, audited and (for an app code) told to the user, held to the row written. */
function startRecords(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  start: { id: string; method: VerificationMethod },
  meta: RequestMeta,
): Statement[] {
  const written = verificationExists(start.id)
  const reason: AuditReason = start.method === 'totp' ? 'TOTP_CODE' : 'EMAIL_CODE'
  return [
    verificationAudit(deps, meta, actor, target, {
      event: 'caller_verification_started',
      reason,
      details: { verificationId: start.id },
      guard: written,
    }),
    // A mailed code tells the user itself; an app code is told here.
    ...(start.method === 'totp'
      ? [callerNotice(deps, actor, target, 'caller_verification_started', 'totp', meta, written)]
      : []),
  ]
}

/** Each start tells the user (and may mail them): bounded per user, whoever asks. */
function startsLimit(deps: Deps, target: UserRow) {
  const cap = deps.settings.callerVerification.startsPerUserPerHour
  return hourlyLimit(deps, `caller-verification-starts:${target.id}`, cap)
}

/** Holds once this batch wrote the verification (its first write id is its own, fresh id). */
function verificationExists(id: string): Guard {
  return verificationWrittenBy(id, id)
}

/** The same rules as a reset: an admin of the user's tenant whom the role matrix allows. */
async function authorizeVerification(deps: Deps, actor: Actor, userId: string): Promise<UserRow> {
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN_ROLE')
  const target = await findUserInTenant(deps.database.db, actor.tenantId, userId)
  if (!target) throw new AppError('NOT_FOUND')
  const decision = decidePasswordReset(actor, target)
  if (decision !== 'allowed') throw new AppError(decision)
  return target
}

async function assertMethodAvailable(deps: Deps, target: UserRow, method: VerificationMethod) {
  if (method === 'totp' && !hasTotp(target)) throw new AppError('MFA_NOT_ENROLLED')
  if (method === 'email' && !deps.mailer) throw new AppError('MAIL_NOT_CONFIGURED')
}

function denyStart(deps: Deps, actor: Actor, userId: string, meta: RequestMeta) {
  return auditRefusalAs(deps, meta, {
    tenantId: actor.tenantId,
    event: 'caller_verification_started',
    actor,
    targetId: userId,
  })
}

/**
 * Mails the code to the user's address on file, after the verification committed. The code is in
 * this mail only: never logged, audited or queued. A failed send closes the verification.
 */
async function mailCode(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  mail: { id: string; code: string; expiresAt: number },
  meta: RequestMeta,
): Promise<void> {
  try {
    await deps.mailer!.send({
      kind: 'caller_verification_code',
      to: target.email,
      language: noticeLanguage(target, meta),
      code: mail.code,
      adminName: actor.displayName,
      expiresAt: mail.expiresAt,
    })
  } catch (error) {
    const reason = sendErrorCode(error)
    deps.logger.warn('verification_mail_failed', {
      requestId: meta.requestId,
      verificationId: mail.id,
      error: reason,
    })
    const now = deps.clock.now()
    await deps.database.writeAtomically([
      closeVerification(deps.database.db, mail.id, {
        now,
        reason: 'send_failed',
        writeId: mail.id,
      }),
      verificationAudit(deps, meta, actor, target, {
        event: 'caller_verification_failed',
        outcome: 'failure',
        reason: reason as AuditReason,
        details: { verificationId: mail.id },
      }),
    ])
    throw new AppError('MAIL_SEND_FAILED', { headers: { 'Retry-After': '60' } })
  }
}

/**
 * Checks the code the admin typed: an app code exactly as at sign-in (once, one step of drift,
 * every wrong one counted toward the user's sign-in lock), a mailed code against its digest.
 * Five wrong codes burn the verification; so do its expiry and a change of the user's email.
 * Only the admin who started it can use it: anyone else is told it does not exist.
 */
export async function checkVerificationCode(
  deps: Deps,
  actor: Actor,
  input: { verificationId: string; code: string },
  meta: RequestMeta,
): Promise<VerificationPassed> {
  await assertAdminRole(deps, actor, meta, { action: 'verifications.check' })
  const row = await findVerification(deps.database.db, actor.tenantId, input.verificationId)
  if (!row || row.adminId !== actor.id || row.method === 'override') {
    throw new AppError('NOT_FOUND')
  }
  const target = await findTenantUser(deps, actor.tenantId, row.userId)
  await assertOpen(deps, actor, row, target, meta)
  return row.method === 'totp'
    ? checkAppCode(deps, actor, row, target, input.code, meta)
    : checkMailedCode(deps, actor, row, target, input.code, meta)
}

/** Refuses a verification that cannot take a code any more; its expiry is recorded once. */
async function assertOpen(
  deps: Deps,
  actor: Actor,
  row: VerificationRow,
  target: UserRow,
  meta: RequestMeta,
): Promise<void> {
  const { maxAttempts } = deps.settings.callerVerification
  const now = deps.clock.now()
  if (row.verifiedAt !== null || row.closedAt !== null || row.failedAttempts >= maxAttempts) {
    throw new AppError('VERIFICATION_GONE')
  }
  // A code sent to, or a check made for, the old address proves nothing about the new one.
  const lapsed =
    row.expiresAt <= now ? 'CODE_EXPIRED' : target.email !== row.email ? 'EMAIL_CHANGED' : null
  if (!lapsed) return
  const writeId = randomId(deps.random)
  await deps.database.writeAtomically([
    closeVerification(deps.database.db, row.id, { now, reason: 'expired', writeId }),
    verificationAudit(deps, meta, actor, target, {
      event: 'caller_verification_expired',
      outcome: 'failure',
      reason: lapsed,
      details: { verificationId: row.id },
      guard: verificationWrittenBy(row.id, writeId),
    }),
  ])
  throw new AppError('VERIFICATION_GONE')
}

async function checkMailedCode(
  deps: Deps,
  actor: Actor,
  row: VerificationRow,
  target: UserRow,
  code: string,
  meta: RequestMeta,
): Promise<VerificationPassed> {
  const typed = code.trim()
  const matches =
    row.codeDigest !== null &&
    isVerificationCode(typed) &&
    constantTimeEqual(digestVerificationCode(deps.tokens.signingKey, row.id, typed), row.codeDigest)
  if (!matches) return refuseCode(deps, actor, row, target, meta)
  return passVerification(deps, actor, row, target, meta, [])
}

async function checkAppCode(
  deps: Deps,
  actor: Actor,
  row: VerificationRow,
  target: UserRow,
  code: string,
  meta: RequestMeta,
): Promise<VerificationPassed> {
  // The user's own sign-in lock: while it holds, no code is checked at all.
  await assertNotThrottled(deps, throttleKeys(target.email, meta.ip))
  const by = { id: actor.id, role: actor.role }
  let accepted: Awaited<ReturnType<typeof acceptTotpCode>>
  try {
    accepted = await acceptTotpCode(deps, target, code.trim(), meta, undefined, by)
  } catch (error) {
    if (isInvalidCode(error)) return refuseCode(deps, actor, row, target, meta)
    throw error
  }
  const taken = named('codeTaken', accepted.statement)
  return passVerification(deps, actor, row, target, meta, [taken], accepted.guard, () =>
    // A concurrent use of the same code took it first: a replay, refused and counted as one.
    refuseReplay(deps, target, meta, by).catch(() => refuseCode(deps, actor, row, target, meta)),
  )
}

const isInvalidCode = (error: unknown) =>
  error instanceof AppError && error.code === 'INVALID_MFA_CODE'

/**
 * Records the verification as verified (valid for 15 minutes), audited, and tells the user, in one
 * write after `first` (an app code's step taken) and held to `guard`.
 */
async function passVerification(
  deps: Deps,
  actor: Actor,
  row: VerificationRow,
  target: UserRow,
  meta: RequestMeta,
  first: NamedStep<'codeTaken'>[],
  guard?: Guard,
  onCodeLost?: () => Promise<never>,
): Promise<VerificationPassed> {
  const { maxAttempts, validSeconds } = deps.settings.callerVerification
  const now = deps.clock.now()
  const validUntil = now + validSeconds * 1000
  const writeId = randomId(deps.random)
  const written = verificationWrittenBy(row.id, writeId)
  const changes = await writeSteps(deps.database, [
    ...first,
    named(
      'verified',
      markVerified(deps.database.db, row.id, { now, validUntil, maxAttempts, writeId }, guard),
    ),
    verificationAudit(deps, meta, actor, target, {
      event: 'caller_verification_verified',
      reason: row.method === 'totp' ? 'TOTP_CODE' : 'EMAIL_CODE',
      details: { verificationId: row.id },
      guard: written,
    }),
    callerNotice(deps, actor, target, 'caller_verification_succeeded', row.method, meta, written),
  ])
  if (first.length > 0 && changes.codeTaken === 0) await onCodeLost?.()
  // Burned or expired while the code was being checked.
  if (changes.verified === 0) throw new AppError('VERIFICATION_GONE')
  return { status: 'verified', validUntil: toIsoTime(validUntil) }
}

/**
 * A wrong code: counted on the verification and audited; the try that reaches the limit burns it
 * (410), every other is a 422 that says how many tries are left.
 */
async function refuseCode(
  deps: Deps,
  actor: Actor,
  row: VerificationRow,
  target: UserRow,
  meta: RequestMeta,
): Promise<never> {
  const { maxAttempts } = deps.settings.callerVerification
  const now = deps.clock.now()
  const writeId = randomId(deps.random)
  await deps.database.writeAtomically([
    countWrongCode(deps.database.db, row.id, { maxAttempts, now, writeId }),
    verificationAudit(deps, meta, actor, target, {
      event: 'caller_verification_failed',
      outcome: 'failure',
      reason: 'VERIFICATION_FAILED',
      details: { verificationId: row.id },
    }),
    // Only the write whose wrong code burned it records that.
    verificationAudit(deps, meta, actor, target, {
      event: 'caller_verification_expired',
      outcome: 'failure',
      reason: 'CODE_ATTEMPTS',
      details: { verificationId: row.id },
      guard: verificationWrittenBy(row.id, writeId),
    }),
  ])
  const after = await findVerification(deps.database.db, row.tenantId, row.id)
  const attemptsLeft = maxAttempts - (after?.failedAttempts ?? maxAttempts)
  if (!after || after.closedAt !== null || attemptsLeft <= 0) {
    throw new AppError('VERIFICATION_GONE')
  }
  throw new AppError('VERIFICATION_FAILED', { extra: { attemptsLeft } })
}

function verificationAudit(
  deps: Deps,
  meta: RequestMeta,
  actor: Actor,
  target: UserRow,
  entry: {
    event: AuditEventName
    outcome?: AuditOutcome
    reason?: AuditReason | null
    details: Record<string, unknown>
    guard?: Guard
  },
): Statement {
  return auditStatement(
    deps,
    meta,
    {
      tenantId: target.tenantId,
      event: entry.event,
      actor,
      targetId: target.id,
      outcome: entry.outcome ?? 'success',
      reason: entry.reason ?? null,
      details: entry.details,
    },
    entry.guard ?? always,
  )
}

/** The user is told, at their own address, that an admin started or passed a check of them. */
function callerNotice(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  kind: 'caller_verification_started' | 'caller_verification_succeeded',
  method: VerificationMethod | 'override',
  meta: RequestMeta,
  guard: Guard,
): Statement {
  return outboxStatement(
    deps,
    target.tenantId,
    {
      kind,
      to: target.email,
      language: noticeLanguage(target, meta),
      at: deps.clock.now(),
      adminName: actor.displayName,
      method: method === 'totp' ? 'totp' : 'email',
    },
    guard,
  )
}

/** An admin's verified caller for one user, as the pages show it. */
export interface LiveVerification {
  verificationId: string
  method: VerificationMethod
  verifiedAt: string
  validUntil: string
}

/** The methods this user can be checked with, and the admin's live verification of them. */
export interface CallerVerificationState {
  live: LiveVerification | null
  methods: { totp: boolean; email: boolean }
  /** Whether the deployment requires a verification (or an override) before a reset. */
  required: boolean
}

/** Where the admin stands with this user's caller: for the user page and the reset pane. */
export async function getCallerVerificationState(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<CallerVerificationState> {
  await assertAdminRole(deps, actor, meta, { action: 'verifications.state', targetId: userId })
  const target = await findTenantUser(deps, actor.tenantId, userId)
  const live = await findLiveVerification(deps.database.db, {
    adminId: actor.id,
    userId: target.id,
    email: target.email,
    now: deps.clock.now(),
  })
  return {
    live: live ? toLiveVerification(live) : null,
    methods: { totp: hasTotp(target), email: deps.mailer !== undefined },
    required: deps.settings.requireCallerVerification,
  }
}

function toLiveVerification(row: VerificationRow): LiveVerification {
  return {
    verificationId: row.id,
    method: row.method === 'totp' ? 'totp' : 'email',
    verifiedAt: toIsoTime(row.verifiedAt!),
    validUntil: toIsoTime(row.validUntil!),
  }
}

/** A verification the admin started, for its page: still waiting for a code, or not. */
export async function getVerification(
  deps: Deps,
  actor: Actor,
  verificationId: string,
  meta: RequestMeta,
) {
  await assertAdminRole(deps, actor, meta, { action: 'verifications.read' })
  const row = await findVerification(deps.database.db, actor.tenantId, verificationId)
  if (!row || row.adminId !== actor.id || row.method === 'override') {
    throw new AppError('NOT_FOUND')
  }
  const { maxAttempts } = deps.settings.callerVerification
  const open =
    row.verifiedAt === null &&
    row.closedAt === null &&
    row.failedAttempts < maxAttempts &&
    row.expiresAt > deps.clock.now()
  return {
    verificationId: row.id,
    userId: row.userId,
    method: row.method as VerificationMethod,
    expiresAt: toIsoTime(row.expiresAt),
    open,
    attemptsLeft: maxAttempts - row.failedAttempts,
  }
}

/**
 * What a guarded action's write carries from the helpdesk: the check it is held to, and the
 * statements that use up what covered it (a verification, an override, an approval) and record
 * and tell how.
 */
export interface HelpdeskWrite {
  /** What covers the action: a verification's (or override's) id, or an approval's. */
  id: string
  /** A condition the action's own first statement must also meet (its cover still unused). */
  guard?: Guard
  /**
   * `lead` uses up the cover for the action `ref` names (a reset id; none for an MFA reset), held
   * to `after` when given; `rest` records and tells it; both, and the action's other statements
   * when it has no first statement of its own, are held to `taken`.
   */
  statements(
    ref: string | null,
    after?: Guard,
  ): { lead: Statement; rest: Statement[]; taken: Guard }
  /** After a write that changed nothing: refuses when the cover was used up meanwhile. */
  recheck(): Promise<void>
}

/**
 * How the admin covers a reset (password or MFA) of `target`: their live verification of the
 * caller, used up by it; else, where a verification is required, an override with a written
 * reason (recorded, audited and told to every other global admin); else, when required, the
 * refusal. Null when nothing is required and nothing was verified.
 */
export async function coverCaller(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  ask: CoverAsk,
  meta: RequestMeta,
): Promise<HelpdeskWrite | null> {
  const now = deps.clock.now()
  const live = await findLiveVerification(deps.database.db, {
    adminId: actor.id,
    userId: target.id,
    email: target.email,
    now,
  })
  if (live) return useVerification(deps, actor, target, live, ask, meta)
  if (!deps.settings.requireCallerVerification) return null
  if (!ask.overrideReason) throw new AppError('VERIFICATION_REQUIRED')
  if (!isOverrideReason(ask.overrideReason)) throw new AppError('VALIDATION_FAILED')
  const admins = await listOtherGlobalAdmins(deps.database.db, actor.tenantId, [actor.id])
  const reason = ask.overrideReason.trim()
  return recordOverride(deps, actor, target, { ask, reason, admins }, meta)
}

/** What a cover is asked for: the action, and whether it goes to a second admin first. */
export interface CoverAsk {
  action: HelpdeskAction
  /** The action waits for approval: the cover is used up by the request. */
  viaApproval: boolean
  overrideReason?: string
}

const usedFor = (ask: CoverAsk): HelpdeskAction | 'approval' =>
  ask.viaApproval ? 'approval' : ask.action

function useVerification(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  live: VerificationRow,
  ask: CoverAsk,
  meta: RequestMeta,
): HelpdeskWrite {
  const now = deps.clock.now()
  const unused = verificationUnused(live.id, now)
  return {
    id: live.id,
    guard: unused,
    statements(ref, after) {
      const writeId = randomId(deps.random)
      const taken = verificationWrittenBy(live.id, writeId)
      const use = { now, writeId, usedFor: usedFor(ask), usedRef: ref }
      return {
        lead: markVerificationUsed(deps.database.db, live.id, use, after ?? unused),
        rest: [
          verificationAudit(deps, meta, actor, target, {
            event: 'caller_verification_used',
            reason: live.method === 'totp' ? 'TOTP_CODE' : 'EMAIL_CODE',
            details: { verificationId: live.id, action: usedFor(ask), ...(ref ? { ref } : {}) },
            guard: taken,
          }),
        ],
        taken,
      }
    },
    async recheck() {
      const row = await findVerification(deps.database.db, live.tenantId, live.id)
      if (!row || row.usedAt !== null) throw new AppError('VERIFICATION_REQUIRED')
    },
  }
}

function recordOverride(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  override: { ask: CoverAsk; reason: string; admins: UserRow[] },
  meta: RequestMeta,
): HelpdeskWrite {
  const now = deps.clock.now()
  const id = randomId(deps.random)
  const { action } = override.ask
  return {
    id,
    statements(ref, after) {
      const taken = verificationWrittenBy(id, id)
      const row = {
        id,
        tenantId: target.tenantId,
        userId: target.id,
        adminId: actor.id,
        method: 'override' as const,
        email: target.email,
        overrideReason: override.reason,
        createdAt: now,
        expiresAt: now,
        verifiedAt: now,
        validUntil: now,
        usedAt: now,
        writeId: id,
        usedFor: usedFor(override.ask),
        usedRef: ref,
      }
      return {
        lead: insertVerification(row, after ?? always),
        rest: [
          verificationAudit(deps, meta, actor, target, {
            event: 'caller_verification_overridden',
            reason: 'REASON_GIVEN',
            details: {
              verificationId: id,
              action: usedFor(override.ask),
              overrideReason: override.reason,
              ...(ref ? { ref } : {}),
            },
            guard: taken,
          }),
          ...override.admins.map((admin) =>
            outboxStatement(
              deps,
              target.tenantId,
              {
                kind: 'caller_verification_overridden',
                to: admin.email,
                language: noticeLanguage(admin, meta),
                at: now,
                adminName: actor.displayName,
                accountEmail: target.email,
                action,
                reason: override.reason,
              },
              taken,
            ),
          ),
        ],
        taken,
      }
    },
    async recheck() {},
  }
}

/** How a reset or an approval request was covered, for its status. */
export interface CoverView {
  verification: { method: VerificationMethod; verifiedAt: string; verifiedBy: string } | null
  override: { reason: string; by: string; at: string } | null
}

/** The cover recorded for `ref` (a reset id or an approval id), or none. */
export async function describeCover(
  deps: Deps,
  lookup: { ref: string } | { verificationId: string | null; tenantId: string },
): Promise<CoverView> {
  const row =
    'ref' in lookup
      ? await findVerificationUsedBy(deps.database.db, lookup.ref)
      : lookup.verificationId
        ? await findVerification(deps.database.db, lookup.tenantId, lookup.verificationId)
        : undefined
  return toCoverView(row)
}

/** A stored cover as the API shows it: a verification's method, or an override's reason. */
export function toCoverView(row: VerificationRow | undefined | null): CoverView {
  if (!row || row.verifiedAt === null) return { verification: null, override: null }
  if (row.method === 'override') {
    return {
      verification: null,
      override: {
        reason: row.overrideReason ?? '',
        by: row.adminId,
        at: toIsoTime(row.createdAt),
      },
    }
  }
  return {
    verification: {
      method: row.method,
      verifiedAt: toIsoTime(row.verifiedAt),
      verifiedBy: row.adminId,
    },
    override: null,
  }
}
