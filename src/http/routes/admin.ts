import { OpenAPIHono } from '@hono/zod-openapi'
import { listAuditEvents } from '../../services/audit-log.ts'
import { dismissResetRequest, listResetRequests } from '../../services/forgot-password.ts'
import { resetMfa } from '../../services/mfa.ts'
import { listOutbox } from '../../services/outbox.ts'
import { getResetStatus } from '../../services/password-reset.ts'
import { blockSignIn, signOutUser, unblockSignIn } from '../../services/user-access.ts'
import { createUser, getUser, listUsers } from '../../services/users.ts'
import type { AppEnv } from '../env.ts'
import { bearerRoute, jsonBody, jsonResponse, problems, z } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import { requestReset } from '../reset-request.ts'
import {
  ApprovalPending,
  AuditEventList,
  AuditQuery,
  CreateUserBody,
  ListQuery,
  MfaResetBody,
  OutboxList,
  RequestIdParam,
  ResetBody,
  ResetIssued,
  ResetLinkIssued,
  ResetRequestList,
  ResetStatus,
  SessionsRevoked,
  User,
  UserCreated,
  UserIdParam,
  UserList,
} from '../schemas.ts'

const listUsersRoute = bearerRoute({
  method: 'get',
  path: '/users',
  tags: ['admin'],
  summary: "List the tenant's users",
  request: { query: ListQuery },
  responses: { 200: jsonResponse(UserList, 'A page of users') },
})

const createUserRoute = bearerRoute({
  method: 'post',
  path: '/users',
  tags: ['admin'],
  summary: 'Create a user with a temporary password (shown once)',
  request: jsonBody(CreateUserBody),
  responses: { 201: jsonResponse(UserCreated, 'Created'), ...problems(409) },
})

const getUserRoute = bearerRoute({
  method: 'get',
  path: '/users/{id}',
  tags: ['admin'],
  summary: 'One user of the tenant',
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(User, 'The user'), ...problems(404) },
})

const resetRoute = bearerRoute({
  method: 'post',
  path: '/users/{id}/password-reset',
  tags: ['admin'],
  summary: 'Reset the password: a temporary password shown once, every session revoked',
  request: {
    params: UserIdParam,
    ...jsonBody(ResetBody),
  },
  responses: {
    201: jsonResponse(
      z.union([ResetIssued, ResetLinkIssued]),
      'Issued: the only time the password is shown, or (delivery link) where the links went',
    ),
    202: jsonResponse(ApprovalPending, 'A reset of an admin: waiting for a second admin'),
    ...problems(404, 409, 410, 422, 429),
  },
})

const mfaResetRoute = bearerRoute({
  method: 'post',
  path: '/users/{id}/mfa-reset',
  tags: ['admin'],
  summary: "Remove the user's second factor and recovery codes; every session ends",
  request: { params: UserIdParam, ...jsonBody(MfaResetBody, false) },
  responses: {
    204: { description: 'Removed' },
    202: jsonResponse(ApprovalPending, 'A reset of an admin: waiting for a second admin'),
    ...problems(404, 409, 410, 422),
  },
})

const signOutUserRoute = bearerRoute({
  method: 'delete',
  path: '/users/{id}/sessions',
  tags: ['admin'],
  summary: 'End every session and app grant of the user (the password stays); they are told',
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(SessionsRevoked, 'Signed out'), ...problems(404) },
})

const blockRoute = bearerRoute({
  method: 'put',
  path: '/users/{id}/block',
  tags: ['admin'],
  summary: 'Block sign-in: the password signs nobody in, every session and app grant ends',
  request: { params: UserIdParam },
  responses: { 204: { description: 'Blocked' }, ...problems(404) },
})

const unblockRoute = bearerRoute({
  method: 'delete',
  path: '/users/{id}/block',
  tags: ['admin'],
  summary: 'Unblock sign-in',
  request: { params: UserIdParam },
  responses: { 204: { description: 'Unblocked' }, ...problems(404) },
})

const resetStatusRoute = bearerRoute({
  method: 'get',
  path: '/users/{id}/password-reset',
  tags: ['admin'],
  summary: "State of the user's latest temporary password (never the password)",
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(ResetStatus, 'Status'), ...problems(404) },
})

const resetRequestsRoute = bearerRoute({
  method: 'get',
  path: '/password-reset-requests',
  tags: ['admin'],
  summary: 'Open forgot-password requests of the tenant',
  responses: { 200: jsonResponse(ResetRequestList, 'Open requests') },
})

const dismissRequestRoute = bearerRoute({
  method: 'delete',
  path: '/password-reset-requests/{id}',
  tags: ['admin'],
  summary: 'Dismiss an open forgot-password request without a reset (the password stays)',
  request: { params: RequestIdParam },
  responses: { 204: { description: 'Dismissed' }, ...problems(404) },
})

const outboxRoute = bearerRoute({
  method: 'get',
  path: '/outbox',
  tags: ['admin'],
  summary: "The tenant's notices (no secrets), sent or waiting",
  responses: { 200: jsonResponse(OutboxList, 'Newest first') },
})

const auditRoute = bearerRoute({
  method: 'get',
  path: '/audit-events',
  tags: ['admin'],
  summary: 'Who did what to whom, when, from where, with what outcome',
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(AuditEventList, 'A page of events') },
})

export function adminRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(listUsersRoute, async (c) =>
    c.json(
      await listUsers(c.get('deps'), c.get('actor'), c.req.valid('query'), requestMeta(c)),
      200,
    ),
  )
  app.openapi(createUserRoute, async (c) =>
    c.json(
      await createUser(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c)),
      201,
    ),
  )
  app.openapi(getUserRoute, async (c) =>
    c.json(
      await getUser(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c)),
      200,
    ),
  )
  app.openapi(resetRoute, async (c) => {
    const { id } = c.req.valid('param')
    const issued = await requestReset(c, id, c.req.valid('json'), c.req.header('Idempotency-Key'))
    if ('approvalId' in issued) return c.json(issued, 202)
    return c.json(issued, 201)
  })
  app.openapi(outboxRoute, async (c) =>
    c.json(await listOutbox(c.get('deps'), c.get('actor'), requestMeta(c)), 200),
  )
  app.openapi(mfaResetRoute, async (c) => {
    const { id } = c.req.valid('param')
    const options = c.req.valid('json') ?? {}
    const pending = await resetMfa(c.get('deps'), c.get('actor'), id, requestMeta(c), options)
    if (pending) return c.json(pending, 202)
    return c.body(null, 204)
  })
  app.openapi(signOutUserRoute, async (c) =>
    c.json(
      await signOutUser(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c)),
      200,
    ),
  )
  app.openapi(blockRoute, async (c) => {
    await blockSignIn(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(unblockRoute, async (c) => {
    await unblockSignIn(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(resetStatusRoute, async (c) =>
    c.json(
      await getResetStatus(c.get('deps'), c.get('actor'), c.req.valid('param').id, requestMeta(c)),
      200,
    ),
  )
  app.openapi(resetRequestsRoute, async (c) =>
    c.json(await listResetRequests(c.get('deps'), c.get('actor'), requestMeta(c)), 200),
  )
  app.openapi(dismissRequestRoute, async (c) => {
    await dismissResetRequest(
      c.get('deps'),
      c.get('actor'),
      c.req.valid('param').id,
      requestMeta(c),
    )
    return c.body(null, 204)
  })
  app.openapi(auditRoute, async (c) =>
    c.json(
      await listAuditEvents(c.get('deps'), c.get('actor'), c.req.valid('query'), requestMeta(c)),
      200,
    ),
  )
  return app
}
