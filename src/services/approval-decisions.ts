import { AppError } from '../core/errors.ts'
import { randomId } from '../core/random.ts'
import { named, writeSteps } from '../db/database.ts'
import { type ApprovalRow, approvalWrittenBy, moveApproval } from '../db/reset-approvals.ts'
import { findUserInTenant, type UserRow } from '../db/users.ts'
import {
  approvalAudit,
  type ApprovalView,
  assertStillIn,
  decisionNotice,
  expireStatements,
  findVisibleApproval,
  getApproval,
  type ResetParameters,
  statusOf,
} from './approvals.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { resetMfa } from './mfa.ts'
import { type ResetResult, resetPassword, resetPasswordWithLink } from './password-reset.ts'
import { recordRefusal } from './repeated-refusals.ts'
import { assertAdminStepUp } from './step-up.ts'

// Deciding a request for an admin's reset: approve (the reset runs as it was asked), deny (with
// a reason), cancel (the requester), and show an approved on-screen reset (the requester, once,
// within an hour). Every refusal is audited; no password ever reaches the approver.

type Decision = 'approve' | 'deny' | 'cancel' | 'show'

/**
 * Approves a waiting request, as a global admin who neither asked nor is its user, with a fresh
 * step-up when admin MFA is required. The reset runs exactly as asked: an MFA reset and a link
 * reset at once (the links go to the recipients fixed with the request); an on-screen reset
 * waits, for an hour, for the requester to show it on the request's page. A request past its
 * 24 hours does nothing.
 */
export async function approveRequest(
  deps: Deps,
  approver: Actor,
  approvalId: string,
  meta: RequestMeta,
  options: { publicUrl?: string } = {},
): Promise<ApprovalView> {
  const { row, userEmail, requester } = await decidable(deps, approver, approvalId, meta, 'approve')
  const run = { approval: row, approver, requester, userEmail }
  const onBehalf = asActor(requester)
  const parameters = row.parameters ? (JSON.parse(row.parameters) as ResetParameters) : null
  if (row.action === 'mfa_reset') {
    await resetMfa(deps, onBehalf, row.userId, meta, { approved: run })
  } else if (parameters?.delivery.method === 'link') {
    const delivery = {
      method: 'link' as const,
      recipients: parameters.delivery.recipients,
      publicUrl: options.publicUrl,
    }
    await resetPasswordWithLink(
      deps,
      onBehalf,
      { ...fixedReset(row, parameters), delivery, approved: run },
      meta,
    )
  } else {
    await approveOnScreenReset(deps, approver, { row, userEmail, requester }, meta)
  }
  return getApproval(deps, approver, approvalId)
}

/** Waits for the requester, who alone sees the password, within the hour that starts now. */
async function approveOnScreenReset(
  deps: Deps,
  approver: Actor,
  found: { row: ApprovalRow; userEmail: string; requester: UserRow },
  meta: RequestMeta,
): Promise<void> {
  const { row, requester, userEmail } = found
  const now = deps.clock.now()
  const revealUntil = now + deps.settings.approvals.revealSeconds * 1000
  const writeId = randomId(deps.random)
  const written = approvalWrittenBy(row.id, writeId)
  const values = {
    status: 'approved' as const,
    decidedBy: approver.id,
    decidedAt: now,
    revealUntil,
    writeId,
  }
  const notice = { approval: row, requester, userEmail, decider: approver, showUntil: revealUntil }
  const { moved } = await writeSteps(deps.database, [
    named('moved', moveApproval(deps.database.db, row.id, { status: 'pending', now }, values)),
    approvalAudit(deps, meta, approver, row, 'approval_approved', written),
    decisionNotice(deps, meta, notice, written),
  ])
  if (moved === 0) await assertStillIn(deps, row, 'pending')
}

/** Denies a waiting request, with the approver's reason; the requester is told. */
export async function denyRequest(
  deps: Deps,
  approver: Actor,
  input: { approvalId: string; reason: string },
  meta: RequestMeta,
): Promise<ApprovalView> {
  const found = await decidable(deps, approver, input.approvalId, meta, 'deny')
  const { row, requester, userEmail } = found
  const now = deps.clock.now()
  const writeId = randomId(deps.random)
  const written = approvalWrittenBy(row.id, writeId)
  const values = {
    status: 'denied' as const,
    decidedBy: approver.id,
    decidedAt: now,
    decisionReason: input.reason,
    writeId,
  }
  const notice = { approval: row, requester, userEmail, decider: approver, reason: input.reason }
  const { moved } = await writeSteps(deps.database, [
    named('moved', moveApproval(deps.database.db, row.id, { status: 'pending', now }, values)),
    approvalAudit(deps, meta, approver, row, 'approval_denied', written, { reason: input.reason }),
    decisionNotice(deps, meta, notice, written),
  ])
  if (moved === 0) await assertStillIn(deps, row, 'pending')
  return getApproval(deps, approver, input.approvalId)
}

/** The requester withdraws a request that waits (for a decision, or for them to show it). */
export async function cancelRequest(
  deps: Deps,
  actor: Actor,
  approvalId: string,
  meta: RequestMeta,
): Promise<ApprovalView> {
  const { row } = await decidable(deps, actor, approvalId, meta, 'cancel')
  const status = row.status === 'approved' ? 'approved' : 'pending'
  const now = deps.clock.now()
  const writeId = randomId(deps.random)
  const { moved } = await writeSteps(deps.database, [
    named(
      'moved',
      moveApproval(deps.database.db, row.id, { status, now }, { status: 'cancelled', writeId }),
    ),
    approvalAudit(deps, meta, actor, row, 'approval_cancelled', approvalWrittenBy(row.id, writeId)),
  ])
  if (moved === 0) await assertStillIn(deps, row, status)
  return getApproval(deps, actor, approvalId)
}

/**
 * Runs an approved on-screen reset for its requester, within the hour after approval, and
 * returns the password this once: the response is the only place it ever exists.
 */
export async function showApprovedReset(
  deps: Deps,
  actor: Actor,
  approvalId: string,
  meta: RequestMeta,
): Promise<ResetResult> {
  const { row, requester, userEmail } = await decidable(deps, actor, approvalId, meta, 'show')
  const parameters = JSON.parse(row.parameters!) as ResetParameters
  const run = { approval: row, approver: null, requester, userEmail }
  const issued = await resetPassword(
    deps,
    actor,
    { ...fixedReset(row, parameters), approved: run },
    meta,
  )
  // An approved run never asks again.
  if ('approvalId' in issued) throw new Error('an approved reset asked for approval')
  return issued
}

function fixedReset(row: ApprovalRow, parameters: ResetParameters) {
  return {
    userId: row.userId,
    request: { mode: 'generate' as const },
    requireChange: parameters.requireChange,
  }
}

/** The requester as the actor of the reset that runs for them (they are not signed in here). */
function asActor(user: UserRow): Actor {
  return {
    id: user.id,
    tenantId: user.tenantId,
    role: user.role,
    email: user.email,
    displayName: user.displayName,
    sessionId: '',
  }
}

/**
 * The request, if `actor` may take `decision` on it now: approve and deny by another global admin
 * (neither the requester nor the user; approving with a fresh step-up where admin MFA is
 * required), cancel and show by the requester. A request past its deadline is recorded as expired
 * and refused (410); one already decided is refused (409). Refusals are audited.
 */
async function decidable(
  deps: Deps,
  actor: Actor,
  approvalId: string,
  meta: RequestMeta,
  decision: Decision,
): Promise<{ row: ApprovalRow; userEmail: string; requester: UserRow }> {
  const refuse = refuseDecision(deps, actor, approvalId, meta)
  const found = await findVisibleApproval(deps, actor, approvalId).catch((error: unknown) =>
    // A password admin decides nothing, whether or not they can see the request (their own).
    error instanceof AppError && error.code === 'NOT_FOUND' && actor.role === 'password_admin'
      ? refuse(
          new AppError(decidedByOthers(decision) ? 'APPROVER_NOT_ELIGIBLE' : 'FORBIDDEN'),
          null,
        )
      : Promise.reject(error),
  )
  const row = found.approval
  const eligible = isEligible(actor, row, decision)
  if (eligible !== true) return refuse(new AppError(eligible), row.userId)
  if (decision === 'approve') {
    await assertAdminStepUp(deps, actor).catch((error: unknown) =>
      error instanceof AppError ? refuse(error, row.userId) : Promise.reject(error),
    )
  }
  const wanted = decision === 'show' ? 'approved' : decision === 'cancel' ? row.status : 'pending'
  await assertDecidableNow(deps, row, wanted, meta).catch((error: unknown) =>
    error instanceof AppError ? refuse(error, row.userId) : Promise.reject(error),
  )
  const requester = await findUserInTenant(deps.database.db, row.tenantId, row.requestedBy)
  if (!requester) throw new AppError('NOT_FOUND')
  return { row, userEmail: found.userEmail, requester }
}

/** Approving and denying are another global admin's; cancelling and showing the requester's. */
const decidedByOthers = (decision: Decision) => decision === 'approve' || decision === 'deny'

function isEligible(
  actor: Actor,
  row: ApprovalRow,
  decision: Decision,
): true | 'APPROVER_NOT_ELIGIBLE' | 'FORBIDDEN' {
  if (!decidedByOthers(decision)) return row.requestedBy === actor.id ? true : 'FORBIDDEN'
  const other = row.requestedBy !== actor.id && row.userId !== actor.id
  return actor.role === 'global_admin' && other ? true : 'APPROVER_NOT_ELIGIBLE'
}

/** A request in `wanted` and before its deadline; past it, recorded as expired on the way. */
async function assertDecidableNow(
  deps: Deps,
  row: ApprovalRow,
  wanted: ApprovalRow['status'],
  meta: RequestMeta,
): Promise<void> {
  const live = wanted === 'pending' || wanted === 'approved'
  if (!live || row.status !== wanted) throw new AppError('APPROVAL_NOT_PENDING')
  if (statusOf(row, deps.clock.now()) === 'expired') {
    await deps.database.writeAtomically(expireStatements(deps, row, wanted, meta))
    throw new AppError('APPROVAL_GONE')
  }
}

function refuseDecision(deps: Deps, actor: Actor, approvalId: string, meta: RequestMeta) {
  return async (error: AppError, targetId: string | null): Promise<never> => {
    await recordRefusal(deps, meta, {
      tenantId: actor.tenantId,
      event: 'approval_decision_refused',
      actor,
      targetId,
      outcome: 'denied',
      reason: error.code,
      details: { approvalId },
    })
    throw error
  }
}
