import { z } from '@hono/zod-openapi'
import { Hono } from 'hono'
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  showApprovedReset,
} from '../../services/approval-decisions.ts'
import { type ApprovalView, getApproval, listApprovals } from '../../services/approvals.ts'
import type { Actor } from '../../services/caller.ts'
import { getUser, nameTenantUsers } from '../../services/users.ts'
import type { Copy } from '../../ui/copy.ts'
import {
  type ApprovalDetailProps,
  ApprovalPage,
  type ApprovalRowProps,
  ApprovalsPage,
} from '../../ui/pages/approvals.tsx'
import { PasswordShownPage } from '../../ui/pages/confirmations.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { DenyBody } from '../schemas.ts'
import { refusalText } from './failure.ts'
import { attempt, type Outcome, readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import {
  type Ctx,
  markSecret,
  pageCopy,
  type PageStatus,
  refusalStatus,
  render,
  seeOther,
} from './render.ts'
import { describeUser, type UserNames } from './view-models.ts'
import { toCoverProps } from './verifications.ts'

/** Approvals: the list, one request, and its decisions. */
export function approvalPages() {
  return new Hono<AppEnv>()
    .get('/approvals', showApprovals)
    .get('/approvals/:id', showApproval)
    .post('/approvals/:id/approve', formGuards, submitApprove)
    .post('/approvals/:id/deny', formGuards, submitDeny)
    .post('/approvals/:id/cancel', formGuards, submitCancel)
    .post('/approvals/:id/execute', formGuards, submitShow)
}

async function showApprovals(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const t = pageCopy(c)
  const { items } = await listApprovals(deps, actor, {})
  const names = await nameTenantUsers(
    deps,
    actor,
    items.map((item) => item.requestedBy),
    requestMeta(c),
  )
  const rows = items.map((item) => toRow(t, actor, item, names))
  return render(c, ApprovalsPage, {
    waiting: rows.filter((row) => row.status === 'pending'),
    others: rows.filter((row) => row.status !== 'pending'),
  })
}

const doneValues = ['approved', 'approvedWaits', 'denied', 'cancelled'] as const
type Done = (typeof doneValues)[number]

function showApproval(c: Ctx) {
  const done = doneValues.find((value) => value === c.req.query('done'))
  return renderApproval(c, c.req.param('id') ?? '', { done })
}

/** The request's page, as it is now, with what was just done or what went wrong. */
async function renderApproval(
  c: Ctx,
  approvalId: string,
  extra: { done?: Done; error?: string },
  status: PageStatus = 200,
) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const t = pageCopy(c)
  const approval = await getApproval(deps, actor, approvalId)
  const names = await nameTenantUsers(
    deps,
    actor,
    [
      approval.requestedBy,
      approval.decidedBy,
      approval.verification?.verifiedBy ?? null,
      approval.override?.by ?? null,
    ],
    requestMeta(c),
  )
  return render(c, ApprovalPage, { ...toDetail(t, actor, approval, names), ...extra }, status)
}

function toRow(t: Copy, actor: Actor, item: ApprovalView, names: UserNames): ApprovalRowProps {
  return {
    id: item.approvalId,
    userEmail: item.userEmail,
    action: item.action,
    status: item.status,
    requestedBy: describeUser(t, actor, item.requestedBy, names),
    requestedAt: item.requestedAt,
    expiresAt: item.expiresAt,
  }
}

/** What the page shows, and which of its actions the viewer is offered (the use cases decide). */
function toDetail(
  t: Copy,
  actor: Actor,
  item: ApprovalView,
  names: UserNames,
): ApprovalDetailProps {
  const requester = item.requestedBy === actor.id
  const otherAdmin = actor.role === 'global_admin' && !requester && item.userId !== actor.id
  const onScreen = item.parameters?.delivery.method === 'display'
  return {
    ...toRow(t, actor, item, names),
    userId: item.userId,
    parameters: item.parameters,
    cover: toCoverProps(t, actor, { ...item, approval: null }, names),
    decidedBy: item.decidedBy ? describeUser(t, actor, item.decidedBy, names) : null,
    decidedAt: item.decidedAt,
    decisionReason: item.decisionReason,
    passwordAvailableUntil: item.passwordAvailableUntil,
    can: {
      decide: otherAdmin && item.status === 'pending',
      cancel: requester && (item.status === 'pending' || item.status === 'approved'),
      show: requester && onScreen && item.status === 'approved',
    },
    notEligible: actor.role === 'global_admin' && !otherAdmin,
  }
}

/** Refusals a decision form shows on the request's page, with their status. */
const DECISION_REFUSALS = [
  'APPROVAL_GONE',
  'APPROVAL_NOT_PENDING',
  'APPROVER_NOT_ELIGIBLE',
  'FORBIDDEN',
  'MAIL_NOT_CONFIGURED',
  'RATE_LIMITED',
] as const

/** After a decision: its page again, with what was done, or with why it was refused. */
function afterDecision(c: Ctx, approvalId: string, outcome: Outcome<Done>) {
  if (outcome.ok) return seeOther(c, `/admin/approvals/${approvalId}?done=${outcome.value}`)
  const error = refusalText(pageCopy(c), outcome.error)
  return renderApproval(c, approvalId, { error }, refusalStatus(c, outcome.error))
}

async function submitApprove(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const approvalId = c.req.param('id') ?? ''
  const options = { publicUrl: deps.publicUrl }
  const outcome = await attempt(async (): Promise<Done> => {
    const approval = await approveRequest(deps, actor, approvalId, requestMeta(c), options)
    return approval.status === 'approved' ? 'approvedWaits' : 'approved'
  }, [...DECISION_REFUSALS])
  return afterDecision(c, approvalId, outcome)
}

const DenyForm = z.object({ reason: z.string().max(2000).default('') })

async function submitDeny(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const approvalId = c.req.param('id') ?? ''
  const form = DenyBody.safeParse(DenyForm.parse(await readForm(c)))
  if (!form.success) {
    return renderApproval(c, approvalId, { error: pageCopy(c).invalidForm }, 400)
  }
  const input = { approvalId, reason: form.data.reason }
  const outcome = await attempt(async (): Promise<Done> => {
    await denyRequest(deps, actor, input, requestMeta(c))
    return 'denied'
  }, [...DECISION_REFUSALS])
  return afterDecision(c, approvalId, outcome)
}

async function submitCancel(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const approvalId = c.req.param('id') ?? ''
  const outcome = await attempt(async (): Promise<Done> => {
    await cancelRequest(deps, actor, approvalId, requestMeta(c))
    return 'cancelled'
  }, [...DECISION_REFUSALS])
  return afterDecision(c, approvalId, outcome)
}

/** The approved on-screen reset, run now for the requester: the password in this response only. */
async function submitShow(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const approvalId = c.req.param('id') ?? ''
  const outcome = await attempt(
    () => showApprovedReset(deps, actor, approvalId, requestMeta(c)),
    [...DECISION_REFUSALS, 'PASSWORD_POLICY'],
  )
  if (!outcome.ok) {
    const error = refusalText(pageCopy(c), outcome.error)
    return renderApproval(c, approvalId, { error }, refusalStatus(c, outcome.error))
  }
  const result = outcome.value
  const user = await getUser(deps, actor, result.userId, requestMeta(c))
  markSecret(c)
  return render(c, PasswordShownPage, {
    title: pageCopy(c).resetDoneTitle,
    userId: user.id,
    email: user.email,
    password: result.temporaryPassword,
    expiresAt: result.expiresAt,
    requireChange: result.requireChange,
    sessionsRevoked: result.sessionsRevoked,
  })
}
