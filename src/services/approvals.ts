import type { AuditEventName, AuditReason } from '../core/audit-codes.ts'
import { AppError } from '../core/errors.ts'
import type { HelpdeskAction } from '../core/mail.ts'
import { randomId } from '../core/random.ts'
import { isAdminRole, type Role } from '../core/roles.ts'
import { isUniqueViolation } from '../db/constraint-errors.ts'
import { allOf, always, type Guard, named, type Statement, writeSteps } from '../db/database.ts'
import {
  type ApprovalRow,
  type ApprovalStatus,
  type ApprovalWithUser,
  approvalIs,
  approvalWrittenBy,
  countApprovalsToDecide,
  expireApproval,
  findApproval,
  findApprovalOfReset,
  findOverdueApproval,
  findWaitingApproval,
  insertApproval,
  listApprovals as listApprovalRows,
  listOtherGlobalAdmins,
  moveApproval,
} from '../db/reset-approvals.ts'
import { toIsoTime } from '../db/time.ts'
import type { UserRow } from '../db/users.ts'
import { auditStatement } from './audit.ts'
import {
  type CoverView,
  describeCover,
  type HelpdeskWrite,
  toCoverView,
} from './caller-verification.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { hourlyLimit } from './hourly-limit.ts'
import { noticeLanguage } from './notice-language.ts'
import { outboxStatement } from './outbox.ts'

// The helpdesk's second guard: with ONCEPASS_REQUIRE_APPROVAL_FOR_ADMIN_RESETS, a password or MFA
// reset of an admin becomes a request that another global admin approves or denies within 24
// hours. What runs is fixed when it is asked; no password is stored meanwhile.

/** A password reset as asked, fixed with the request: what runs on approval. */
export interface ResetParameters {
  requireChange: boolean
  delivery: { method: 'display' } | { method: 'link'; recipients: string[] }
}

export interface ApprovalPending {
  approvalId: string
  status: 'pending'
  expiresAt: string
  /** A request for this user was already waiting: this is that one, unchanged. */
  alreadyPending: boolean
}

export interface ApprovalView extends CoverView {
  approvalId: string
  userId: string
  userEmail: string
  action: HelpdeskAction
  /** As of now: a request past its deadline is `expired`, whatever was last written. */
  status: ApprovalStatus
  requestedBy: string
  requestedAt: string
  expiresAt: string
  parameters: ResetParameters | null
  decidedBy: string | null
  decidedAt: string | null
  /** The approver's reason for a denial. */
  decisionReason: string | null
  /** An approved on-screen reset: the requester can show the password until then. */
  passwordAvailableUntil: string | null
  executedAt: string | null
  resetId: string | null
}

/** Whether a reset of `target` waits for a second admin in this deployment. */
export function approvalNeeded(deps: Deps, target: { role: Role }): boolean {
  return deps.settings.requireApprovalForAdminResets && isAdminRole(target.role)
}

/**
 * Asks the tenant's other global admins (never the requester, never the target) to approve a
 * reset of `target`, as asked, and tells each of them; the cover of the caller (a verification or
 * an override) is used up by the request. One request per user waits at a time: asking again
 * while one waits answers that one, unchanged. Nobody to ask is `NO_APPROVER`.
 */
export async function requestApproval(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  ask: { action: HelpdeskAction; parameters: ResetParameters | null; cover: HelpdeskWrite | null },
  meta: RequestMeta,
): Promise<ApprovalPending> {
  const { db } = deps.database
  const now = deps.clock.now()
  const waiting = await findWaitingApproval(db, target.id, now)
  if (waiting) return pendingOf(waiting, true)
  const approvers = await listOtherGlobalAdmins(db, target.tenantId, [actor.id, target.id])
  if (approvers.length === 0) throw new AppError('NO_APPROVER')
  const limit = requestsLimit(deps, actor)
  await limit.assert()
  const id = randomId(deps.random)
  const expiresAt = now + deps.settings.approvals.ttlSeconds * 1000
  const written = approvalWrittenBy(id, id)
  const cover = ask.cover?.statements(id, written)
  const row = {
    id,
    tenantId: target.tenantId,
    userId: target.id,
    action: ask.action,
    requestedBy: actor.id,
    requestedAt: now,
    expiresAt,
    parameters: ask.parameters ? JSON.stringify(ask.parameters) : null,
    verificationId: ask.cover?.id ?? null,
    status: 'pending' as const,
    writeId: id,
  }
  const steps = [
    ...(await lapseOverdue(deps, target, meta)),
    named('asked', insertApproval(row, allOf(limit.guard, ask.cover?.guard))),
    ...limit.count(written),
    ...(cover ? [cover.lead, ...cover.rest] : []),
    approvalAudit(deps, meta, actor, row, 'approval_requested', written),
    ...approvers.map((admin) =>
      outboxStatement(
        deps,
        target.tenantId,
        {
          kind: 'approval_requested',
          to: admin.email,
          language: noticeLanguage(admin, meta),
          at: now,
          adminName: actor.displayName,
          accountEmail: target.email,
          action: ask.action,
          expiresAt,
        },
        written,
      ),
    ),
  ]
  try {
    const { asked } = await writeSteps(deps.database, steps)
    if (asked === 1) return pendingOf(row, false)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    // Another request for this user was written first: that one is the request.
    const first = await findWaitingApproval(db, target.id, deps.clock.now())
    if (first) return pendingOf(first, true)
    throw new AppError('CONFLICT')
  }
  // The cover was used up meanwhile by another action, or the limit reached.
  await ask.cover?.recheck()
  await limit.assert()
  throw new AppError('CONFLICT')
}

/** Each request mails every other global admin: bounded per requester. */
function requestsLimit(deps: Deps, actor: Actor) {
  const cap = deps.settings.approvals.requestsPerAdminPerHour
  return hourlyLimit(deps, `approval-requests:${actor.id}`, cap)
}

function pendingOf(
  row: Pick<ApprovalRow, 'id' | 'expiresAt'>,
  alreadyPending: boolean,
): ApprovalPending {
  return {
    approvalId: row.id,
    status: 'pending',
    expiresAt: toIsoTime(row.expiresAt),
    alreadyPending,
  }
}

/** The user's request that ran out undecided, recorded as expired (and audited) on the way. */
async function lapseOverdue(deps: Deps, target: UserRow, meta: RequestMeta): Promise<Statement[]> {
  const overdue = await findOverdueApproval(deps.database.db, target.id, deps.clock.now())
  return overdue ? expireStatements(deps, overdue, 'pending', meta) : []
}

/** A request past its deadline recorded as expired, audited once, by whichever write sees it. */
export function expireStatements(
  deps: Deps,
  row: ApprovalRow,
  status: 'pending' | 'approved',
  meta: RequestMeta,
): Statement[] {
  const writeId = randomId(deps.random)
  const now = deps.clock.now()
  return [
    expireApproval(deps.database.db, row.id, { status, now, writeId }),
    approvalAudit(deps, meta, null, row, 'approval_expired', approvalWrittenBy(row.id, writeId)),
  ]
}

/** One audit row about a request: its user is the target, its action the reason. */
export function approvalAudit(
  deps: Deps,
  meta: RequestMeta,
  actor: Pick<Actor, 'id' | 'role'> | null,
  row: Pick<ApprovalRow, 'id' | 'tenantId' | 'userId' | 'action'>,
  event: AuditEventName,
  guard: Guard = always,
  details: Record<string, unknown> = {},
): Statement {
  const reason: AuditReason = row.action === 'mfa_reset' ? 'FOR_MFA_RESET' : 'FOR_PASSWORD_RESET'
  return auditStatement(
    deps,
    meta,
    {
      tenantId: row.tenantId,
      event,
      actor: actor ? { id: actor.id, role: actor.role } : null,
      targetId: row.userId,
      outcome: 'success',
      reason,
      details: { approvalId: row.id, ...details },
    },
    guard,
  )
}

/** An approved request running now: who approves it (none when the requester shows a password). */
export interface ApprovedRun {
  approval: ApprovalRow
  /** The global admin approving: a link reset and an MFA reset run at approval. */
  approver: Actor | null
  requester: UserRow
  /** The email of the user the request is about, as the requester's notice names them. */
  userEmail: string
}

/**
 * The approval as the cover of the reset it runs: the reset's write is held to the request still
 * waiting (or, for an on-screen reset, still approved and within its hour), and moves it to
 * `executed` with the reset's id, audited; at approval the requester is told.
 */
export function approvedRunWrite(deps: Deps, run: ApprovedRun, meta: RequestMeta): HelpdeskWrite {
  const { approval, approver, requester, userEmail } = run
  const now = deps.clock.now()
  const state = { status: approver ? ('pending' as const) : ('approved' as const), now }
  const guard = approvalIs(approval.id, state)
  return {
    id: approval.id,
    guard,
    statements(ref, after) {
      const writeId = randomId(deps.random)
      const taken = approvalWrittenBy(approval.id, writeId)
      const values = {
        status: 'executed' as const,
        executedAt: now,
        resetId: ref,
        writeId,
        ...(approver ? { decidedBy: approver.id, decidedAt: now } : {}),
      }
      const resetRef = ref ? { resetId: ref } : {}
      return {
        lead: moveApproval(deps.database.db, approval.id, state, values, after),
        rest: [
          ...(approver
            ? [
                approvalAudit(deps, meta, approver, approval, 'approval_approved', taken),
                decisionNotice(
                  deps,
                  meta,
                  { approval, requester, userEmail, decider: approver },
                  taken,
                ),
              ]
            : []),
          approvalAudit(
            deps,
            meta,
            approver ?? requester,
            approval,
            'approval_executed',
            taken,
            resetRef,
          ),
        ],
        taken,
      }
    },
    async recheck() {
      await assertStillIn(deps, approval, state.status)
    },
  }
}

/** Refuses a request that is no longer in `status` (decided, cancelled, run, or expired). */
export async function assertStillIn(
  deps: Deps,
  approval: ApprovalRow,
  status: 'pending' | 'approved',
): Promise<void> {
  const current = await findApproval(deps.database.db, approval.tenantId, approval.id)
  const shown = current ? statusOf(current.approval, deps.clock.now()) : 'cancelled'
  if (shown === 'expired') throw new AppError('APPROVAL_GONE')
  if (shown !== status) throw new AppError('APPROVAL_NOT_PENDING')
}

/** The requester is told how their request was decided (no secret: the password is not in it). */
export function decisionNotice(
  deps: Deps,
  meta: RequestMeta,
  decision: {
    approval: ApprovalRow
    requester: UserRow
    userEmail: string
    decider: Actor
    reason?: string
    showUntil?: number
  },
  guard: Guard,
): Statement {
  const { approval, requester, decider } = decision
  return outboxStatement(
    deps,
    approval.tenantId,
    {
      kind: 'approval_decided',
      to: requester.email,
      language: noticeLanguage(requester, meta),
      at: deps.clock.now(),
      adminName: decider.displayName,
      accountEmail: decision.userEmail,
      action: approval.action,
      decision: decision.reason === undefined ? 'approved' : 'denied',
      reason: decision.reason ?? null,
      showUntil: decision.showUntil ?? null,
    },
    guard,
  )
}

/** A request's status as of `now`: one past its deadline is expired. */
export function statusOf(row: ApprovalRow, now: number): ApprovalStatus {
  if (row.status === 'pending' && row.expiresAt <= now) return 'expired'
  if (row.status === 'approved' && (row.revealUntil ?? 0) <= now) return 'expired'
  return row.status
}

function toApprovalView(found: ApprovalWithUser, now: number): ApprovalView {
  const row = found.approval
  return {
    approvalId: row.id,
    userId: row.userId,
    userEmail: found.userEmail,
    action: row.action,
    status: statusOf(row, now),
    requestedBy: row.requestedBy,
    requestedAt: toIsoTime(row.requestedAt),
    expiresAt: toIsoTime(row.expiresAt),
    parameters: row.parameters ? (JSON.parse(row.parameters) as ResetParameters) : null,
    ...toCoverView(found.cover),
    decidedBy: row.decidedBy,
    decidedAt: toIsoTime(row.decidedAt),
    decisionReason: row.decisionReason,
    passwordAvailableUntil:
      row.status === 'approved' && row.revealUntil !== null ? toIsoTime(row.revealUntil) : null,
    executedAt: toIsoTime(row.executedAt),
    resetId: row.resetId,
  }
}

const LIST_LIMIT = 100

/**
 * The tenant's requests, newest first (at most 100), optionally only those in one status: every
 * request for a global admin, a password admin's own requests only.
 */
export async function listApprovals(
  deps: Deps,
  actor: Actor,
  query: { status?: ApprovalStatus },
): Promise<{ items: ApprovalView[] }> {
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN')
  const now = deps.clock.now()
  const rows = await listApprovalRows(deps.database.db, {
    tenantId: actor.tenantId,
    requestedBy: actor.role === 'global_admin' ? undefined : actor.id,
    status: query.status,
    now,
    limit: LIST_LIMIT,
  })
  return { items: rows.map((row) => toApprovalView(row, now)) }
}

/** One request: for any global admin of the tenant, or the password admin who asked. */
export async function getApproval(
  deps: Deps,
  actor: Actor,
  approvalId: string,
): Promise<ApprovalView> {
  return toApprovalView(await findVisibleApproval(deps, actor, approvalId), deps.clock.now())
}

/** A request the caller may see, or NOT_FOUND (the same for another tenant's and a missing one). */
export async function findVisibleApproval(
  deps: Deps,
  actor: Actor,
  approvalId: string,
): Promise<ApprovalWithUser> {
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN')
  const found = await findApproval(deps.database.db, actor.tenantId, approvalId)
  const visible =
    found && (actor.role === 'global_admin' || found.approval.requestedBy === actor.id)
  if (!visible) throw new AppError('NOT_FOUND')
  return found
}

/** How many waiting requests this admin may decide, for the nav's count (0 for all but global admins). */
export async function countRequestsToDecide(deps: Deps, actor: Actor): Promise<number> {
  if (actor.role !== 'global_admin') return 0
  return countApprovalsToDecide(deps.database.db, actor.tenantId, actor.id, deps.clock.now())
}

/** How a reset was covered at the helpdesk: its verification or override, and its approval. */
export interface ResetCoverView extends CoverView {
  approval: {
    approvalId: string
    requestedBy: string
    approvedBy: string | null
    approvedAt: string | null
  } | null
}

/** The cover of one reset: through its approval request when it had one. */
export async function describeResetCover(deps: Deps, resetId: string): Promise<ResetCoverView> {
  const approval = await findApprovalOfReset(deps.database.db, resetId)
  if (!approval) return { ...(await describeCover(deps, { ref: resetId })), approval: null }
  const cover = await describeCover(deps, {
    verificationId: approval.verificationId,
    tenantId: approval.tenantId,
  })
  return {
    ...cover,
    approval: {
      approvalId: approval.id,
      requestedBy: approval.requestedBy,
      approvedBy: approval.decidedBy,
      approvedAt: toIsoTime(approval.decidedAt),
    },
  }
}
