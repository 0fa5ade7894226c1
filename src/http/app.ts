import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../core/errors.ts'
import type { AppEnv, HttpDeps } from './env.ts'
import { requestContext } from './middleware/request-context.ts'
import { requestGuards } from './middleware/request-guards.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import { problem, problemResponse } from './problem.ts'
import { adminRoutes } from './routes/admin.ts'
import { authRoutes } from './routes/auth.ts'
import { meRoutes } from './routes/me.ts'
import { setupRoutes } from './routes/setup.ts'

export const API_BASE = '/api/v1'

/**
 * Builds the whole HTTP application from its dependencies. Both runtimes and every test call this
 * one factory; only the dependencies differ (database, hasher, clock, client-IP source).
 *
 * @example
 * const app = createApp(deps)
 * const res = await app.request('/healthz')
 */
export function createApp(deps: HttpDeps) {
  const app = new OpenAPIHono<AppEnv>({
    // Request validation failures become the same problem+json as every other error.
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError('VALIDATION_FAILED', {
          extra: {
            errors: result.error.issues.map((issue) => ({
              path: issue.path.join('.'),
              message: issue.message,
            })),
          },
        })
      }
    },
  })

  app.use('*', requestContext(deps.logger, deps.random))
  app.use('*', securityHeaders())
  app.use('*', requestGuards(deps.allowedOrigins))

  app.get('/healthz', (c) => c.json({ status: 'ok' }))

  const api = new OpenAPIHono<AppEnv>()
  api.route('/auth', authRoutes(deps))
  api.route('/me', meRoutes(deps))
  api.route('/', adminRoutes(deps))
  api.route('/', setupRoutes(deps))
  app.route(API_BASE, api)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'oncepass',
      version: '1.0.0',
      description:
        'Temporary passwords shown once, a forced change at next sign-in, every session revoked.',
    },
  })

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path)
    if (allowed.length > 0) return problem('METHOD_NOT_ALLOWED', {}, { Allow: allowed.join(', ') })
    return problem('NOT_FOUND')
  })
  app.onError((error, c) => problemResponse(c, error, deps.logger))
  return app
}

/** Methods registered for a path, to tell 405 (wrong method) from 404 (no such resource). */
function allowedMethods(app: OpenAPIHono<AppEnv>, path: string): string[] {
  const methods = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue
    const pattern = new RegExp(`^${route.path.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+')}/?$`)
    if (pattern.test(path)) methods.add(route.method)
  }
  return [...methods]
}
