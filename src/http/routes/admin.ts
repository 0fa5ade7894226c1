import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { listAuditEvents } from '../../services/audit.ts'
import { listResetRequests } from '../../services/forgot-password.ts'
import { getResetStatus, resetPassword } from '../../services/password-reset.ts'
import { createUser, getUser, listUsers } from '../../services/users.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { authenticated } from '../middleware/authenticated.ts'
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import {
  AuditEventList,
  AuditQuery,
  CreateUserBody,
  ListQuery,
  ResetBody,
  ResetIssued,
  ResetRequestList,
  ResetStatus,
  User,
  UserCreated,
  UserIdParam,
  UserList,
} from '../schemas.ts'

const listUsersRoute = createRoute({
  method: 'get',
  path: '/users',
  tags: ['admin'],
  summary: "List the tenant's users",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: jsonResponse(UserList, 'A page of users'), ...problems(400, 401, 403) },
})

const createUserRoute = createRoute({
  method: 'post',
  path: '/users',
  tags: ['admin'],
  summary: 'Create a user with a temporary password (shown once)',
  security: bearer,
  request: jsonBody(CreateUserBody),
  responses: { 201: jsonResponse(UserCreated, 'Created'), ...problems(400, 401, 403, 409, 415) },
})

const getUserRoute = createRoute({
  method: 'get',
  path: '/users/{id}',
  tags: ['admin'],
  summary: 'One user of the tenant',
  security: bearer,
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(User, 'The user'), ...problems(401, 403, 404) },
})

const resetRoute = createRoute({
  method: 'post',
  path: '/users/{id}/password-reset',
  tags: ['admin'],
  summary: 'Reset the password: a temporary password shown once, every session revoked',
  security: bearer,
  request: {
    params: UserIdParam,
    ...jsonBody(ResetBody),
  },
  responses: {
    201: jsonResponse(ResetIssued, 'Issued; the only time the password is shown'),
    ...problems(400, 401, 403, 404, 409, 415, 422, 429),
  },
})

const resetStatusRoute = createRoute({
  method: 'get',
  path: '/users/{id}/password-reset',
  tags: ['admin'],
  summary: "State of the user's latest temporary password (never the password)",
  security: bearer,
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(ResetStatus, 'Status'), ...problems(401, 403, 404) },
})

const resetRequestsRoute = createRoute({
  method: 'get',
  path: '/password-reset-requests',
  tags: ['admin'],
  summary: 'Open forgot-password requests of the tenant',
  security: bearer,
  responses: { 200: jsonResponse(ResetRequestList, 'Open requests'), ...problems(401, 403) },
})

const auditRoute = createRoute({
  method: 'get',
  path: '/audit-events',
  tags: ['admin'],
  summary: 'Who did what to whom, when, from where, with what outcome',
  security: bearer,
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(AuditEventList, 'A page of events'), ...problems(400, 401, 403) },
})

export function adminRoutes(deps: HttpDeps) {
  const app = new OpenAPIHono<AppEnv>()
  app.use('/users', authenticated(deps))
  app.use('/users/*', authenticated(deps))
  app.use('/password-reset-requests', authenticated(deps))
  app.use('/audit-events', authenticated(deps))

  app.openapi(listUsersRoute, async (c) =>
    c.json(await listUsers(deps, c.get('actor'), c.req.valid('query')), 200),
  )
  app.openapi(createUserRoute, async (c) =>
    c.json(await createUser(deps, c.get('actor'), c.req.valid('json'), requestMeta(c, deps)), 201),
  )
  app.openapi(getUserRoute, async (c) =>
    c.json(await getUser(deps, c.get('actor'), c.req.valid('param').id), 200),
  )
  app.openapi(resetRoute, async (c) => {
    const { requireChange = true, ...request } = c.req.valid('json')
    const result = await resetPassword(
      deps,
      c.get('actor'),
      {
        userId: c.req.valid('param').id,
        request,
        requireChange,
        idempotencyKey: c.req.header('Idempotency-Key'),
      },
      requestMeta(c, deps),
    )
    return c.json(result, 201)
  })
  app.openapi(resetStatusRoute, async (c) =>
    c.json(await getResetStatus(deps, c.get('actor'), c.req.valid('param').id), 200),
  )
  app.openapi(resetRequestsRoute, async (c) =>
    c.json(await listResetRequests(deps, c.get('actor')), 200),
  )
  app.openapi(auditRoute, async (c) =>
    c.json(await listAuditEvents(deps, c.get('actor'), c.req.valid('query')), 200),
  )
  return app
}
