import { OpenAPIHono } from '@hono/zod-openapi'
import { changeOwnPassword } from '../../services/password-change.ts'
import type { AppEnv } from '../env.ts'
import { bearerRoute, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import { ChangeOwnPasswordBody, Me } from '../schemas.ts'

const meRoute = bearerRoute({
  method: 'get',
  path: '/',
  tags: ['me'],
  summary: 'The signed-in user',
  responses: { 200: jsonResponse(Me, 'The caller') },
})

const changePasswordRoute = bearerRoute({
  method: 'post',
  path: '/password',
  tags: ['me'],
  summary: 'Change your own password (ends your other sessions)',
  request: jsonBody(ChangeOwnPasswordBody),
  responses: { 204: { description: 'Changed' }, ...problems(409, 422, 429) },
})

export function meRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(meRoute, (c) => {
    const { id, email, displayName, role, tenantId } = c.get('actor')
    return c.json({ id, email, displayName, role, tenantId }, 200)
  })
  app.openapi(changePasswordRoute, async (c) => {
    await changeOwnPassword(c.var.deps, c.get('actor'), c.req.valid('json'), requestMeta(c))
    return c.body(null, 204)
  })
  return app
}
