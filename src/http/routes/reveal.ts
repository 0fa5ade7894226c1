import { OpenAPIHono } from '@hono/zod-openapi'
import { revealSecret } from '../../services/reveal.ts'
import type { AppEnv } from '../env.ts'
import { apiRoute, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import { Revealed, RevealBody, RevealIdParam } from '../schemas.ts'

const revealRoute = apiRoute({
  method: 'post',
  path: '/reveal/{id}',
  tags: ['delivery'],
  summary:
    "A one-time link's ciphertext, once, for the key check of the link's fragment and the account's email (then 410); a wrong key check is 422 and burns nothing",
  request: { params: RevealIdParam, ...jsonBody(RevealBody) },
  responses: {
    200: jsonResponse(
      Revealed,
      'The AES-256-GCM ciphertext and IV; every link of the reset burned',
    ),
    ...problems(404, 410, 422, 429),
  },
})

export function revealRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(revealRoute, async (c) => {
    const sealed = await revealSecret(
      c.get('deps'),
      c.req.valid('param').id,
      c.req.valid('json'),
      requestMeta(c),
    )
    return c.json(sealed, 200)
  })
  return app
}
