import { OpenAPIHono } from '@hono/zod-openapi'
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  showApprovedReset,
} from '../../services/approval-decisions.ts'
import { getApproval, listApprovals } from '../../services/approvals.ts'
import { checkVerificationCode, startVerification } from '../../services/caller-verification.ts'
import type { AppEnv } from '../env.ts'
import { bearerRoute, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import {
  Approval,
  ApprovalIdParam,
  ApprovalList,
  ApprovalQuery,
  DenyBody,
  NoParametersBody,
  ResetIssued,
  StartVerificationBody,
  UserIdParam,
  VerificationCodeBody,
  VerificationIdParam,
  VerificationPassed,
  VerificationStarted,
} from '../schemas.ts'

// The safer helpdesk: verify the caller before a reset, and ask a second admin before an admin's
// reset (docs/security.md, "Helpdesk").

const startVerificationRoute = bearerRoute({
  method: 'post',
  path: '/users/{id}/verifications',
  tags: ['helpdesk'],
  summary: "Start checking a caller: a code from the user's app, or one mailed to their address",
  request: { params: UserIdParam, ...jsonBody(StartVerificationBody) },
  responses: {
    201: jsonResponse(VerificationStarted, 'Started: the user is told'),
    ...problems(404, 409, 422, 429),
  },
})

const checkVerificationRoute = bearerRoute({
  method: 'post',
  path: '/verifications/{verificationId}',
  tags: ['helpdesk'],
  summary: 'The code the caller read out: verified for 15 minutes, for this admin and user only',
  request: { params: VerificationIdParam, ...jsonBody(VerificationCodeBody) },
  responses: {
    200: jsonResponse(VerificationPassed, 'Verified'),
    ...problems(404, 410, 422, 429),
  },
})

const listApprovalsRoute = bearerRoute({
  method: 'get',
  path: '/approvals',
  tags: ['helpdesk'],
  summary: 'Resets of admins asked for approval, newest first',
  request: { query: ApprovalQuery },
  responses: { 200: jsonResponse(ApprovalList, 'Requests') },
})

const getApprovalRoute = bearerRoute({
  method: 'get',
  path: '/approvals/{id}',
  tags: ['helpdesk'],
  summary: 'One request',
  request: { params: ApprovalIdParam },
  responses: { 200: jsonResponse(Approval, 'The request'), ...problems(404) },
})

const decided = { 200: jsonResponse(Approval, 'The request, now'), ...problems(404, 409, 410) }

const approveRoute = bearerRoute({
  method: 'post',
  path: '/approvals/{id}/approve',
  tags: ['helpdesk'],
  summary:
    'Approve: an MFA or link reset runs now; an on-screen one waits an hour for the requester',
  request: { params: ApprovalIdParam, ...jsonBody(NoParametersBody, false) },
  responses: decided,
})

const denyRoute = bearerRoute({
  method: 'post',
  path: '/approvals/{id}/deny',
  tags: ['helpdesk'],
  summary: 'Deny, with a reason the requester is told',
  request: { params: ApprovalIdParam, ...jsonBody(DenyBody) },
  responses: decided,
})

const cancelRoute = bearerRoute({
  method: 'post',
  path: '/approvals/{id}/cancel',
  tags: ['helpdesk'],
  summary: 'The requester withdraws the request',
  request: { params: ApprovalIdParam, ...jsonBody(NoParametersBody, false) },
  responses: decided,
})

const showRoute = bearerRoute({
  method: 'post',
  path: '/approvals/{id}/execute',
  tags: ['helpdesk'],
  summary: 'The requester runs an approved on-screen reset: the password, shown this once',
  request: { params: ApprovalIdParam, ...jsonBody(NoParametersBody, false) },
  responses: {
    201: jsonResponse(ResetIssued, 'Issued: the only time the password is shown'),
    ...problems(404, 409, 410, 422, 429),
  },
})

export function helpdeskRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(startVerificationRoute, async (c) => {
    const input = { userId: c.req.valid('param').id, method: c.req.valid('json').method }
    return c.json(
      await startVerification(c.get('deps'), c.get('actor'), input, requestMeta(c)),
      201,
    )
  })
  app.openapi(checkVerificationRoute, async (c) => {
    const input = { ...c.req.valid('param'), code: c.req.valid('json').code }
    return c.json(
      await checkVerificationCode(c.get('deps'), c.get('actor'), input, requestMeta(c)),
      200,
    )
  })
  app.openapi(listApprovalsRoute, async (c) =>
    c.json(await listApprovals(c.get('deps'), c.get('actor'), c.req.valid('query')), 200),
  )
  app.openapi(getApprovalRoute, async (c) =>
    c.json(await getApproval(c.get('deps'), c.get('actor'), c.req.valid('param').id), 200),
  )
  app.openapi(approveRoute, async (c) => {
    const deps = c.get('deps')
    const actor = c.get('actor')
    const options = { publicUrl: deps.publicUrl }
    const id = c.req.valid('param').id
    return c.json(await approveRequest(deps, actor, id, requestMeta(c), options), 200)
  })
  app.openapi(denyRoute, async (c) => {
    const input = { approvalId: c.req.valid('param').id, reason: c.req.valid('json').reason }
    return c.json(await denyRequest(c.get('deps'), c.get('actor'), input, requestMeta(c)), 200)
  })
  app.openapi(cancelRoute, async (c) =>
    c.json(
      await cancelRequest(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c)),
      200,
    ),
  )
  app.openapi(showRoute, async (c) =>
    c.json(
      await showApprovedReset(
        c.get('deps'),
        c.get('actor'),
        c.req.valid('param').id,
        requestMeta(c),
      ),
      201,
    ),
  )
  return app
}
