import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { changeOwnPassword } from '../../services/password-change.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { authenticated } from '../middleware/authenticated.ts'
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import { ChangeOwnPasswordBody, Me } from '../schemas.ts'

const meRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['me'],
  summary: 'The signed-in user',
  security: bearer,
  responses: { 200: jsonResponse(Me, 'The caller'), ...problems(401) },
})

const changePasswordRoute = createRoute({
  method: 'post',
  path: '/password',
  tags: ['me'],
  summary: 'Change your own password (ends your other sessions)',
  security: bearer,
  request: jsonBody(ChangeOwnPasswordBody),
  responses: { 204: { description: 'Changed' }, ...problems(400, 401, 403, 415, 422) },
})

export function meRoutes(deps: HttpDeps) {
  const app = new OpenAPIHono<AppEnv>()
  app.use('*', authenticated(deps))
  app.openapi(meRoute, (c) => {
    const { id, email, displayName, role, tenantId } = c.get('actor')
    return c.json({ id, email, displayName, role, tenantId }, 200)
  })
  app.openapi(changePasswordRoute, async (c) => {
    await changeOwnPassword(deps, c.get('actor'), c.req.valid('json'), requestMeta(c, deps))
    return c.body(null, 204)
  })
  return app
}
