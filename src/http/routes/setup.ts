import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../../core/errors.ts'
import { timingSafeEqual } from '../../core/phc.ts'
import { hashToken } from '../../core/tokens.ts'
import { setUpFirstTenant } from '../../services/tenants.ts'
import type { AppEnv } from '../env.ts'
import { apiRoute, jsonBody, jsonResponse, problems, z } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import { displayName } from '../schemas.ts'

const SetupBody = z
  .strictObject({ tenantName: displayName, adminEmail: z.email().max(254) })
  .openapi('SetupRequest')

const SetupResult = z
  .object({
    tenantId: z.string(),
    userId: z.string(),
    email: z.string(),
    temporaryPassword: z.string(),
    expiresAt: z.string(),
  })
  .openapi('SetupResult')

const setupRoute = apiRoute({
  method: 'post',
  path: '/setup',
  tags: ['operations'],
  summary:
    'One-time setup of a fresh deployment (enabled by a setup token): first tenant and admin',
  security: [{ bearerAuth: [] }],
  request: jsonBody(SetupBody),
  responses: {
    201: jsonResponse(SetupResult, 'The first admin; the only time the password is shown'),
    ...problems(401, 404, 409),
  },
})

const encoder = new TextEncoder()

/** Compares two secrets by their SHA-256 digests, in constant time whatever their lengths. */
function secretsMatch(given: string, expected: string): boolean {
  return timingSafeEqual(encoder.encode(hashToken(given)), encoder.encode(hashToken(expected)))
}

export function setupRoutes(setupToken: string) {
  const app = new OpenAPIHono<AppEnv>()
  // Before the body is validated: without the token, nothing about the request is judged.
  app.use('/setup', async (c, next) => {
    const given = /^Bearer (.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1]
    if (!given || !secretsMatch(given, setupToken)) throw new AppError('UNAUTHENTICATED')
    await next()
  })
  app.openapi(setupRoute, async (c) => {
    const issued = await setUpFirstTenant(c.get('deps'), c.req.valid('json'), requestMeta(c))
    return c.json(issued, 201)
  })
  return app
}
