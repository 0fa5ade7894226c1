import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { hasExpired } from '../core/expiry.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { randomId } from '../core/random.ts'
import { type SealedSecret, sealWithFreshKey } from '../core/reveal-crypto.ts'
import { decidePasswordReset, isAdminRole } from '../core/roles.ts'
import { hashToken } from '../core/tokens.ts'
import {
  computeDetails,
  countResetsByActorSince,
  countResetsOfTargetSince,
  resetsByActorBelow,
  resetsOfTargetBelow,
} from '../db/audit-events.ts'
import { isUniqueViolation } from '../db/constraint-errors.ts'
import { allOf, type Guard, type Statement, type Step, writeSteps } from '../db/database.ts'
import {
  deleteExpiredIdempotencyKey,
  findLatestReset,
  findLiveIdempotencyKey,
  insertIdempotencyKey,
  insertReset,
  type ResetRow,
  supersedePendingResets,
} from '../db/resets.ts'
import {
  burnUserRevealLinks,
  insertRevealLink,
  listResetRevealLinks,
  markRevealLinkSendFailed,
  markRevealLinkSent,
} from '../db/reveal-links.ts'
import { countRevokedSessions } from '../db/sessions.ts'
import { toIsoTime as iso } from '../db/time.ts'
import { credentialVersionIs, findUserInTenant, type UserRow } from '../db/users.ts'
import {
  type ApprovalPending,
  type ApprovedRun,
  describeResetCover,
  type ResetCoverView,
} from './approvals.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { HelpdeskWrite } from './caller-verification.ts'
import type { Actor, RequestMeta } from './caller.ts'
import { credentialChangedStatements, newCredential } from './credential-change.ts'
import type { Deps } from './deps.ts'
import { type GateAsk, passResetGate } from './helpdesk-gate.ts'
import { outboxStatement, sendErrorCode } from './outbox.ts'
import { assertAdminStepUp } from './step-up.ts'
import { auditRefusalAs } from './repeated-refusals.ts'
import { prepareTemporaryCredential, type TemporaryCredential } from './temporary-credential.ts'
import { assertAdmin } from './access.ts'
import { findTenantUser, toUserView, type UserView } from './users.ts'

export type ResetRequest = { mode: 'generate' } | { mode: 'custom'; password: string }

/** Up to five addresses that each get their own one-time reveal link. */
export interface LinkDelivery {
  method: 'link'
  recipients: string[]
  /** The public origin the links point at (`ONCEPASS_PUBLIC_URL`). */
  publicUrl: string | undefined
}

export interface ResetResult {
  resetId: string
  userId: string
  temporaryPassword: string
  requireChange: boolean
  expiresAt: string | null
  sessionsRevoked: number
}

// Printable ASCII without spaces, as the IETF Idempotency-Key draft's examples use.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
const MAX_LOST_RACES = 10

/** Who issues a reset, as recorded: an admin, or the operator at the CLI (no id, no tenant role). */
export interface ResetIssuer {
  id: string | null
  role: string
}

/** The operator's break-glass identity in the audit trail and in `lastResetBy` (null). */
export const OPERATOR: ResetIssuer = { id: null, role: 'operator' }

interface IdempotencyRecord {
  keyHash: string
  requestHash: string
}

interface ResetWriteOptions {
  requireChange: boolean
  idempotency: IdempotencyRecord | null
  meta: RequestMeta
  /** Reveal links to write with the reset (ciphertexts only); none for a password shown once. */
  links?: PreparedLink[]
  /** Named in the user's notice: the admin's display name (the operator's is a fixed word). */
  adminName?: string
  /** A condition the user's update must also meet at write time, or the write changes nothing. */
  guard?: Guard
  /** What covered the reset at the helpdesk (a verified caller, an override, an approval). */
  helpdesk?: HelpdeskWrite | null
}

type ResetInput = {
  userId: string
  request: ResetRequest
  requireChange: boolean
  idempotencyKey?: string
  /** Why the admin goes ahead without a verified caller, where a verification is required. */
  overrideReason?: string
  /** An approved request running: the helpdesk's guards were passed when it was asked. */
  approved?: ApprovedRun
}

export interface LinkResetResult extends Omit<ResetResult, 'temporaryPassword'> {
  delivery: {
    method: 'link'
    recipients: string[]
    linkExpiresAt: string
    /** Recipients whose mail could not be sent; the reset stands, and a new one sends anew. */
    failed?: string[]
  }
}

/** A sealed link waiting for its reset id: written in the reset's atomic write. */
interface PreparedLink {
  id: string
  recipient: string
  key: string
  keyCheck: string
  sealed: SealedSecret
}

/**
 * Resets a user's password to a new temporary one, shown once in the result. Authorization
 * (tenant, role matrix, self), idempotency and rate limits are checked first, and every refusal
 * is audited with its reason. The change itself is one atomic write (see `commitReset`).
 */
export async function resetPassword(
  deps: Deps,
  actor: Actor,
  input: ResetInput,
  meta: RequestMeta,
): Promise<ResetResult | ApprovalPending> {
  const issued = await issueReset(deps, actor, input, meta, null)
  return 'approvalId' in issued ? issued : issued.result
}

/**
 * The same reset, delivered as one-time reveal links: the password is sealed under a fresh key
 * per recipient, only ciphertexts are written (in the reset's own atomic write), and each
 * recipient is mailed its `/reveal/{id}#{key}` link after commit. The result holds no password;
 * recipients whose mail failed are listed, and the reset stands.
 */
export async function resetPasswordWithLink(
  deps: Deps,
  actor: Actor,
  input: ResetInput & { delivery: LinkDelivery },
  meta: RequestMeta,
): Promise<LinkResetResult | ApprovalPending> {
  const issued = await issueReset(deps, actor, input, meta, input.delivery)
  if ('approvalId' in issued) return issued
  const { result, links } = issued
  const expiresAt = Date.parse(result.expiresAt!)
  const failed = await sendRevealLinks(deps, actor, result, links, input.delivery, expiresAt, meta)
  // Every field but the password: the admin never sees it.
  return {
    resetId: result.resetId,
    userId: result.userId,
    requireChange: result.requireChange,
    expiresAt: result.expiresAt,
    sessionsRevoked: result.sessionsRevoked,
    delivery: {
      method: 'link',
      recipients: links.map((link) => link.recipient),
      linkExpiresAt: result.expiresAt!,
      ...(failed.length ? { failed } : {}),
    },
  }
}

async function issueReset(
  deps: Deps,
  actor: Actor,
  input: ResetInput,
  meta: RequestMeta,
  delivery: LinkDelivery | null,
): Promise<{ result: ResetResult; links: PreparedLink[] } | ApprovalPending> {
  const deny = denyReset(deps, actor, input.userId, meta)
  const target = await authorizeReset(deps, actor, input).catch(deny)
  if (delivery) await assertLinkDeliverable(deps, input, delivery).catch(deny)
  const idempotency = await idempotencyRecord(deps, input, delivery)
  if (idempotency) await assertKeyUnused(deps, actor, idempotency).catch(deny)
  const gate = await passResetGate(deps, actor, target, gateAsk(input, delivery), meta).catch(deny)
  if ('pending' in gate) return gate.pending
  const limits = resetRateLimits(deps, actor.id, target.id)
  await limits.assert().catch(deny)
  const credential = await prepareTemporaryCredential(
    deps,
    target.email,
    input.request.mode === 'custom' ? input.request.password : undefined,
  ).catch(deny)
  const links = delivery ? await sealLinks(deps, credential.password, delivery.recipients) : []
  const result = await commitAdminReset(deps, actor, target, credential, {
    requireChange: input.requireChange,
    idempotency,
    meta,
    limits,
    deny,
    links,
    adminName: actor.displayName,
    helpdesk: gate.proceed,
  })
  return { result, links }
}

/** The reset as the helpdesk's guards see it, and as an approval request would fix it. */
function gateAsk(input: ResetInput, delivery: LinkDelivery | null): GateAsk {
  return {
    action: 'password_reset',
    overrideReason: input.overrideReason,
    customPassword: input.request.mode === 'custom',
    parameters: {
      requireChange: input.requireChange,
      delivery: delivery
        ? { method: 'link', recipients: [...new Set(delivery.recipients.map(normalizeEmail))] }
        : { method: 'display' },
    },
    approved: input.approved,
  }
}

function assertLinkDeliverable(deps: Deps, input: ResetInput, delivery: LinkDelivery) {
  return (async () => {
    if (!deps.mailer || !delivery.publicUrl) throw new AppError('MAIL_NOT_CONFIGURED')
    if (!input.requireChange) throw new AppError('LINK_REQUIRES_CHANGE')
  })()
}

/** Each recipient its own link id and key; the same password under each. */
async function sealLinks(
  deps: Deps,
  password: string,
  recipients: string[],
): Promise<PreparedLink[]> {
  const unique = [...new Set(recipients.map(normalizeEmail))]
  return Promise.all(
    unique.map(async (recipient) => ({
      id: randomId(deps.random),
      recipient,
      ...(await sealWithFreshKey(password)),
    })),
  )
}

/**
 * Mails each link, after the reset committed, and records which were sent and which failed. The
 * key is in the mail only: never logged, audited or stored.
 */
async function sendRevealLinks(
  deps: Deps,
  actor: Actor,
  result: ResetResult,
  links: PreparedLink[],
  delivery: LinkDelivery,
  expiresAt: number,
  meta: RequestMeta,
): Promise<string[]> {
  const target = await findTenantUser(deps, actor.tenantId, result.userId)
  const outcomes = await Promise.allSettled(
    links.map((link) =>
      deps.mailer!.send({
        kind: 'reveal_link',
        to: link.recipient,
        // Whoever opens it reads about the account: in the account holder's language.
        language: target.language,
        link: `${delivery.publicUrl}/reveal/${link.id}#${link.key}`,
        accountEmail: target.email,
        expiresAt,
      }),
    ),
  )
  return recordSends(deps, actor, result, links, outcomes, meta)
}

/** Records each link as sent or failed in one write (a failure audited); returns the failed. */
async function recordSends(
  deps: Deps,
  actor: Actor,
  result: ResetResult,
  links: PreparedLink[],
  outcomes: PromiseSettledResult<unknown>[],
  meta: RequestMeta,
): Promise<string[]> {
  const now = deps.clock.now()
  const failed: string[] = []
  const statements: Statement[] = []
  outcomes.forEach((outcome, index) => {
    const link = links[index]!
    const ok = outcome.status === 'fulfilled'
    if (!ok) failed.push(link.recipient)
    const mark = ok ? markRevealLinkSent : markRevealLinkSendFailed
    statements.push(mark(deps.database.db, link.id, now))
    if (!ok) {
      const error = sendErrorCode(outcome.reason)
      deps.logger.warn('reveal_mail_failed', {
        requestId: meta.requestId,
        revealId: link.id,
        error,
      })
      statements.push(
        auditStatement(deps, meta, {
          tenantId: actor.tenantId,
          event: 'reveal_mail_failed',
          actor,
          targetId: result.userId,
          outcome: 'failure',
          reason: error,
          details: { resetId: result.resetId, revealId: link.id },
        }),
      )
    }
  })
  await deps.database.writeAtomically(statements)
  return failed
}

/** Audits a refused reset with its reason, then rethrows; other failures pass through unaudited. */
function denyReset(deps: Deps, actor: Actor, userId: string, meta: RequestMeta) {
  // Repeats of one refusal are counted on one row per window: a loop cannot grow the audit table.
  return auditRefusalAs(deps, meta, {
    tenantId: actor.tenantId,
    event: 'password_reset_denied',
    actor,
    targetId: userId,
  })
}

/**
 * The user the reset pane is for, if this admin may reset them: the pane is refused as the reset
 * itself would be (a plain user, oneself, a global admin for a password admin, another tenant's
 * user), and each refusal audited alike (`password_reset_denied`), before any form is offered.
 */
export async function prepareResetPane(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<UserView> {
  const target = await findResettableUser(deps, actor, userId).catch(
    denyReset(deps, actor, userId, meta),
  )
  return toUserView(target)
}

/** The target, if this admin may reset it as asked; otherwise the refusal. */
async function authorizeReset(deps: Deps, actor: Actor, input: ResetInput): Promise<UserRow> {
  // A non-admin gets the same 403 whether or not the target exists.
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN_ROLE')
  // An approved request run at approval has the approver's step-up, not the absent requester's.
  if (!input.approved?.approver) await assertAdminStepUp(deps, actor)
  const target = await findResettableUser(deps, actor, input.userId)
  if (!input.requireChange && !deps.settings.allowPermanentAdminPasswords) {
    throw new AppError('PERMANENT_PASSWORD_NOT_ALLOWED')
  }
  if (input.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw new AppError('INVALID_IDEMPOTENCY_KEY')
  }
  return target
}

/** The user of the caller's tenant whom this admin may reset (the role matrix), or the refusal. */
async function findResettableUser(deps: Deps, actor: Actor, userId: string): Promise<UserRow> {
  // A non-admin gets the same 403 whether or not the target exists.
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN_ROLE')
  const target = await findUserInTenant(deps.database.db, actor.tenantId, userId)
  if (!target) throw new AppError('NOT_FOUND')
  const decision = decidePasswordReset(actor, target)
  if (decision !== 'allowed') throw new AppError(decision)
  return target
}

async function idempotencyRecord(
  deps: Deps,
  input: ResetInput,
  delivery: LinkDelivery | null,
): Promise<IdempotencyRecord | null> {
  if (!input.idempotencyKey) return null
  const request: unknown[] = [input.userId, input.request, input.requireChange]
  if (delivery) request.push(['link', delivery.recipients.map(normalizeEmail).sort()])
  return {
    keyHash: hashToken(input.idempotencyKey),
    // Keyed (it may cover an admin-chosen password), with a key derived for this purpose alone.
    requestHash: keyedDigest(deps.tokens.signingKey, 'idempotent-reset', JSON.stringify(request)),
  }
}

/** `commitReset` held to the admin's rate limits and idempotency key. */
async function commitAdminReset(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  credential: TemporaryCredential,
  options: Omit<ResetWriteOptions, 'guard'> & {
    limits: ReturnType<typeof resetRateLimits>
    deny: ReturnType<typeof denyReset>
  },
): Promise<ResetResult> {
  const { idempotency, limits, deny } = options
  try {
    return await commitReset(deps, actor, target, credential, {
      requireChange: options.requireChange,
      idempotency,
      meta: options.meta,
      links: options.links,
      adminName: options.adminName,
      helpdesk: options.helpdesk,
      // Checked again inside the write: a burst of parallel requests all read the same count.
      guard: limits.guard,
      beforeRetry: () => assertStillAllowed(options).catch(deny),
    })
  } catch (error) {
    // Another request with the same key committed first: answer as a retry would be answered.
    if (idempotency && isUniqueViolation(error)) {
      await assertKeyUnused(deps, actor, idempotency).catch(deny)
    }
    // Every try lost its race: refused, and audited as any refusal is.
    if (error instanceof AppError && error.code === 'CONFLICT') await deny(error)
    throw error
  }
}

/** Before a retry: the helpdesk's cover still unused, and the rate limits still not reached. */
async function assertStillAllowed(options: {
  helpdesk?: HelpdeskWrite | null
  limits: ReturnType<typeof resetRateLimits>
}): Promise<void> {
  await options.helpdesk?.recheck()
  await options.limits.assert()
}

/**
 * The reset itself, as one atomic write: new hash, flag, expiry, version bump, every session
 * revoked, forgot-password requests closed, the older temporary password superseded, the sign-in
 * lock cleared, audit. Authorization is the caller's. The hash is made once; if a concurrent reset
 * wins the race between our read and our write, the user is re-read and the write goes on top of
 * it (the newer reset supersedes the older).
 */
export async function commitReset(
  deps: Deps,
  issuer: ResetIssuer,
  target: UserRow,
  credential: TemporaryCredential,
  options: ResetWriteOptions & {
    /** Called after a write that changed nothing, before trying again on the re-read user. */
    beforeRetry?: () => Promise<void>
  },
): Promise<ResetResult> {
  let current = target
  for (let attempt = 0; attempt < MAX_LOST_RACES; attempt++) {
    const resetId = randomId(deps.random)
    const statements = resetStatements(deps, issuer, current, credential, resetId, options)
    const changes = await writeSteps(deps.database, statements)
    if (changes.user === 1) {
      deps.logger.info('password_reset_issued', {
        requestId: options.meta.requestId,
        resetId,
        targetId: current.id,
      })
      return {
        resetId,
        userId: current.id,
        temporaryPassword: credential.password,
        requireChange: options.requireChange,
        expiresAt: options.requireChange ? new Date(credential.expiresAt).toISOString() : null,
        sessionsRevoked: changes.sessionsRevoked,
      }
    }
    await options.beforeRetry?.()
    current = await findTenantUser(deps, target.tenantId, target.id)
  }
  throw new AppError('CONFLICT')
}

/** The reset's one atomic write (see `credentialChangedStatements`), with its own records. */
function resetStatements(
  deps: Deps,
  issuer: ResetIssuer,
  target: UserRow,
  credential: { hash: string; expiresAt: number },
  resetId: string,
  options: ResetWriteOptions,
): Step<'user' | 'sessionsRevoked'>[] {
  const { requireChange } = options
  const next = newCredential(deps, target)
  const revokeReason = `password_reset:${resetId}`
  return credentialChangedStatements(deps, {
    user: target,
    credential: next,
    passwordHash: credential.hash,
    set: {
      mustChangePassword: requireChange,
      temporaryExpiresAt: requireChange ? credential.expiresAt : null,
      challengeId: null,
      lastResetAt: deps.clock.now(),
      lastResetBy: issuer.id,
    },
    // Guarded on the version we read, on the caller's guard (an admin's rate limits), and on
    // what covered it at the helpdesk being still unused.
    unchanged: allOf(
      credentialVersionIs(target.credentialVersion),
      options.guard,
      options.helpdesk?.guard,
    ),
    revokeSessions: { reason: revokeReason },
    closeRequests: 'password_reset',
    statements: [
      ...resetRecordStatements(deps, issuer, target, credential, resetId, options, next.guard),
      ...revealLinkStatements(deps, target, credential, resetId, options.links ?? [], next.guard),
      ...idempotencyStatements(deps, issuer, resetId, options.idempotency, next.guard),
      resetNotice(deps, target, options, next.guard),
      ...helpdeskStatements(options.helpdesk, resetId, next.guard),
    ],
    audit: resetAuditEntries(issuer, target, resetId, revokeReason, requireChange),
    meta: options.meta,
  })
}

/** What covered the reset at the helpdesk, used up and recorded in the reset's own write. */
function helpdeskStatements(
  helpdesk: HelpdeskWrite | null | undefined,
  resetId: string,
  guard: Guard,
): Statement[] {
  const write = helpdesk?.statements(resetId, guard)
  return write ? [write.lead, ...write.rest] : []
}

/** The user is told, in their own language, that an admin (or the command line) reset them. */
function resetNotice(
  deps: Deps,
  target: UserRow,
  options: ResetWriteOptions,
  guard: Guard,
): Statement {
  return outboxStatement(
    deps,
    target.tenantId,
    {
      kind: 'password_reset_by_admin',
      to: target.email,
      language: target.language,
      at: deps.clock.now(),
      adminName: options.adminName ?? null,
    },
    guard,
  )
}

/** The older temporary password is superseded; a temporary one is recorded as pending. */
function resetRecordStatements(
  deps: Deps,
  issuer: ResetIssuer,
  target: UserRow,
  credential: { expiresAt: number },
  resetId: string,
  { requireChange, links }: ResetWriteOptions,
  guard: Guard,
): Statement[] {
  const now = deps.clock.now()
  const statements = [supersedePendingResets(deps.database.db, target.id, now, guard)]
  if (requireChange) {
    statements.push(
      insertReset(
        {
          id: resetId,
          tenantId: target.tenantId,
          userId: target.id,
          issuedBy: issuer.id,
          issuedAt: now,
          expiresAt: credential.expiresAt,
          requireChange,
          status: 'pending',
          deliveryMethod: links?.length ? 'link' : 'display',
        },
        guard,
      ),
    )
  }
  return statements
}

/** Older links of the user are void (a newer reset supersedes them); the new ones are written. */
function revealLinkStatements(
  deps: Deps,
  target: UserRow,
  credential: { expiresAt: number },
  resetId: string,
  links: PreparedLink[],
  guard: Guard,
): Statement[] {
  const now = deps.clock.now()
  return [
    burnUserRevealLinks(deps.database.db, target.id, now, guard),
    ...links.map((link) =>
      insertRevealLink(
        {
          id: link.id,
          tenantId: target.tenantId,
          resetId,
          userId: target.id,
          recipient: link.recipient,
          ciphertext: link.sealed.ciphertext,
          iv: link.sealed.iv,
          keyCheck: link.keyCheck,
          createdAt: now,
          expiresAt: credential.expiresAt,
        },
        guard,
      ),
    ),
  ]
}

/** The admin's idempotency key, remembered with the reset it produced. */
function idempotencyStatements(
  deps: Deps,
  issuer: ResetIssuer,
  resetId: string,
  idempotency: IdempotencyRecord | null,
  guard: Guard,
): Statement[] {
  if (!idempotency || !issuer.id) return []
  const now = deps.clock.now()
  const key = { actorId: issuer.id, keyHash: idempotency.keyHash }
  return [
    // An expired record of the same key makes way for the new one.
    deleteExpiredIdempotencyKey(deps.database.db, key, now, guard),
    insertIdempotencyKey(
      {
        actorId: issuer.id,
        keyHash: idempotency.keyHash,
        requestHash: idempotency.requestHash,
        resetId,
        createdAt: now,
        expiresAt: now + deps.settings.idempotencyTtlSeconds * 1000,
      },
      guard,
    ),
  ]
}

function resetAuditEntries(
  issuer: ResetIssuer,
  target: UserRow,
  resetId: string,
  revokeReason: string,
  requireChange: boolean,
): AuditInput[] {
  // Counted inside the write, after the revocation.
  const details = computeDetails({
    resetId,
    sessionsRevoked: countRevokedSessions(target.id, revokeReason),
  })
  const entry = { tenantId: target.tenantId, actor: issuer, targetId: target.id, details }
  return [
    { ...entry, event: 'authn_token_revoked', outcome: 'success', reason: 'PASSWORD_RESET' },
    {
      ...entry,
      event: 'password_reset_issued',
      outcome: 'success',
      reason: requireChange ? 'TEMPORARY' : 'PERMANENT',
    },
  ]
}

/** A retried key never reveals or rotates a password again; a key reused for another request is refused. */
async function assertKeyUnused(
  deps: Deps,
  actor: Actor,
  idempotency: IdempotencyRecord,
): Promise<void> {
  const existing = await findLiveIdempotencyKey(
    deps.database.db,
    actor.id,
    idempotency.keyHash,
    deps.clock.now(),
  )
  if (!existing) return
  if (existing.requestHash !== idempotency.requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED')
  throw new AppError('RESET_ALREADY_ISSUED', { extra: { resetId: existing.resetId } })
}

/**
 * The admin-reset rate limits, per admin and per target, counted from the audit trail itself (no
 * extra state to keep in step): `assert` refuses early, before any hashing; `guard` holds the same
 * counts as a condition of the write, so parallel requests cannot all slip under the limit.
 */
function resetRateLimits(deps: Deps, actorId: string, targetId: string) {
  const since = deps.clock.now() - 60_000
  const { perAdminPerMinute, perTargetPerMinute } = deps.settings.resetRateLimit
  return {
    guard: allOf(
      resetsByActorBelow(actorId, since, perAdminPerMinute),
      resetsOfTargetBelow(targetId, since, perTargetPerMinute),
    ),
    async assert(): Promise<void> {
      const { db } = deps.database
      const [byActor, byTarget] = await Promise.all([
        countResetsByActorSince(db, actorId, since, perAdminPerMinute),
        countResetsOfTargetSince(db, targetId, since, perTargetPerMinute),
      ])
      if (byActor >= perAdminPerMinute || byTarget >= perTargetPerMinute) {
        throw new AppError('RATE_LIMITED', { headers: { 'Retry-After': '60' } })
      }
    },
  }
}

export interface ResetStatusView extends ResetCoverView {
  status: 'none' | 'pending' | 'used' | 'expired' | 'superseded'
  resetId: string | null
  issuedAt: string | null
  issuedBy: string | null
  expiresAt: string | null
  usedAt: string | null
  supersededAt: string | null
  delivery: DeliveryView | null
}

export interface DeliveryView {
  method: 'display' | 'link'
  recipients: string[]
  /** When the first link mail was accepted by the transport. */
  sentAt: string | null
  /** When a link was opened (every link of the reset burned then). */
  openedAt: string | null
  /** Recipients whose mail could not be sent. */
  failed: string[]
}

/** The state of the user's latest temporary password: who issued it and when; never the password. */
export async function getResetStatus(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<ResetStatusView> {
  await assertAdmin(deps, actor, meta, { action: 'reset_status.read', targetId: userId })
  const target = await findTenantUser(deps, actor.tenantId, userId)
  const latest = await findLatestReset(deps.database.db, target.id)
  if (!latest) {
    return {
      status: 'none',
      resetId: null,
      issuedAt: null,
      issuedBy: null,
      expiresAt: null,
      usedAt: null,
      supersededAt: null,
      delivery: null,
      verification: null,
      override: null,
      approval: null,
    }
  }
  const expired = latest.status === 'pending' && hasExpired(latest.expiresAt, deps.clock.now())
  return {
    status: expired ? 'expired' : latest.status,
    resetId: latest.id,
    issuedAt: new Date(latest.issuedAt).toISOString(),
    issuedBy: latest.issuedBy,
    expiresAt: iso(latest.expiresAt),
    usedAt: iso(latest.usedAt),
    supersededAt: iso(latest.supersededAt),
    delivery: await deliveryOf(deps, latest),
    ...(await describeResetCover(deps, latest.id)),
  }
}

async function deliveryOf(deps: Deps, reset: ResetRow): Promise<DeliveryView> {
  if (reset.deliveryMethod !== 'link') {
    return { method: 'display', recipients: [], sentAt: null, openedAt: null, failed: [] }
  }
  const links = await listResetRevealLinks(deps.database.db, reset.id)
  const earliest = (times: Array<number | null>) => {
    const known = times.filter((t): t is number => t !== null)
    return known.length ? new Date(Math.min(...known)).toISOString() : null
  }
  return {
    method: 'link',
    recipients: links.map((link) => link.recipient),
    sentAt: earliest(links.map((link) => link.sentAt)),
    openedAt: earliest(links.map((link) => link.openedAt)),
    failed: links
      .filter((link) => link.sendFailedAt !== null && link.sentAt === null)
      .map((link) => link.recipient),
  }
}
