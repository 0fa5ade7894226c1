import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { AppError } from '../core/errors.ts'
import { deliverNoticesQueuedSince, queuedNoticeCount } from '../services/outbox.ts'
import { keepAlive } from './after-response.ts'
import type { AppEnv, HttpDeps } from './env.ts'
import { requestContext } from './middleware/request-context.ts'
import { requestGuards } from './middleware/request-guards.ts'
import { apiHeaders, securityHeaders } from './middleware/security-headers.ts'
import { apiRoute, jsonResponse, z } from './openapi.ts'
import { problem, problemResponse } from './problem.ts'
import { adminRoutes } from './routes/admin.ts'
import { authRoutes } from './routes/auth.ts'
import { clientRoutes } from './routes/clients.ts'
import { helpdeskRoutes } from './routes/helpdesk.ts'
import { revealRoutes } from './routes/reveal.ts'
import { meRoutes } from './routes/me.ts'
import { setupRoutes } from './routes/setup.ts'
import { allowPublicAppOrigins, OIDC_JSON_PATHS, oidcEndpoints } from './oidc/index.ts'
import { createPages, isApiPath, renderNotFound } from './pages/index.ts'

export const API_BASE = '/api/v1'

/**
 * Builds the whole HTTP application from its dependencies. Both runtimes and every test call this
 * one factory; only the dependencies differ (database, hasher, clock, client-IP source). The app is
 * built once: where a port is per request (a D1 session on Workers), `depsFor` supplies each
 * request's dependencies, which handlers read as `c.get('deps')`.
 *
 * @example
 * const app = createApp(deps)
 * const res = await app.request('/healthz')
 */
export function createApp(
  deps: HttpDeps,
  options: { depsFor?: (c: Context<AppEnv>) => HttpDeps } = {},
) {
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
  app.use('*', provideDeps(deps, options.depsFor))
  app.use('*', sendNoticesAfterCommit())
  app.use('*', securityHeaders())
  // CORS for the JSON surfaces (not the pages), before the method check, so that a preflight
  // (OPTIONS) is answered, not refused.
  if (deps.allowedOrigins.length > 0) {
    const cors = allowOrigins(deps.allowedOrigins)
    for (const path of [`${API_BASE}/*`, '/healthz', '/openapi.json']) app.use(path, cors)
  }
  // CORS for the OpenID endpoints apps call from their pages, also before the method check.
  for (const path of OIDC_JSON_PATHS) app.use(path, allowPublicAppOrigins)
  app.use('*', requireRegisteredMethod(app))

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
  app.route(API_BASE, createApi(deps))

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

  // The OpenID Provider's JSON endpoints (discovery, keys, token, userinfo, revocation).
  app.route('/', oidcEndpoints())
  // The browser's pages, after the API so that /api/v1 is always answered by the API first.
  app.route('/', createPages())

  // The API and the operations endpoints answer in problem+json; a person's browser gets a page.
  app.notFound((c) =>
    isApiPath(c.req.path) || c.req.path === '/healthz' || c.req.path === '/openapi.json'
      ? problem('NOT_FOUND')
      : renderNotFound(c),
  )
  app.onError((error, c) => problemResponse(c, error, deps.logger))
  return app
}

/** Liveness, at the root beside the API, and in its document like every other route. */
const healthRoute = apiRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process serves requests',
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Serving') },
})

/**
 * The JSON API surface: its own headers (deny-all CSP, no-store) and guards (JSON-only bodies,
 * size limit, same-origin check) apply under `/api/v1` only, so other surfaces keep theirs.
 */
function createApi(deps: HttpDeps) {
  const api = new OpenAPIHono<AppEnv>()
  api.use('*', apiHeaders())
  api.use('*', requestGuards(deps))
  api.route('/auth', authRoutes())
  api.route('/me', meRoutes())
  api.route('/', adminRoutes())
  api.route('/', helpdeskRoutes())
  api.route('/', revealRoutes())
  api.route('/', clientRoutes())
  // The one-time setup exists only while a setup token is configured.
  if (deps.setupToken) api.route('/', setupRoutes(deps.setupToken))
  return api
}

/**
 * After a request whose write queued notices, the outbox's due notices are sent: on Workers past
 * the response (`waitUntil`, and a cron trigger retries), on Node in-process (its timer retries).
 * Other requests, writes included, read nothing of the outbox.
 */
function sendNoticesAfterCommit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const mark = queuedNoticeCount(c.get('deps').database)
    await next()
    // Once the answer has left, shared with the requests around it: see `deliverOutboxSoon`.
    const delivery = deliverNoticesQueuedSince(c.get('deps'), mark)
    if (delivery) keepAlive(c, delivery)
  }
}

function provideDeps(
  deps: HttpDeps,
  depsFor: ((c: Context<AppEnv>) => HttpDeps) | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', depsFor ? depsFor(c) : deps)
    await next()
  }
}

/**
 * CORS for the configured browser origins only (exact match, never reflected, never `null`), and
 * without credentials: the API takes bearer tokens, not cookies.
 */
function allowOrigins(origins: string[]): MiddlewareHandler {
  return cors({
    origin: (origin) => (origins.includes(origin) ? origin : null),
    // Every method the API has: PUT and DELETE block and unblock, PATCH changes the caller.
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  })
}

/**
 * 405 with `Allow` for a known path and an unregistered method, decided before any route's own
 * middleware (authentication, for one) can answer first; unknown paths fall through to 404.
 */
function requireRegisteredMethod(app: OpenAPIHono<AppEnv>): MiddlewareHandler {
  let routes: RouteMethods | undefined
  return async (c, next) => {
    // Compiled on first use, when every route is registered.
    routes ??= indexRouteMethods(app.routes)
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    const path = c.req.path
    const exact = routes.byPath.get(path)
    if (exact?.has(method)) return next()
    const allowed = new Set(exact)
    for (const route of routes.withParams) {
      if (!route.pattern.test(path)) continue
      if (route.method === method) return next()
      allowed.add(route.method)
    }
    if (allowed.size > 0) {
      throw new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: [...allowed].join(', ') } })
    }
    return next()
  }
}

/** The methods of each literal path, looked up at once; paths with parameters, as patterns. */
interface RouteMethods {
  byPath: Map<string, Set<string>>
  withParams: { method: string; pattern: RegExp }[]
}

function indexRouteMethods(routes: { method: string; path: string }[]): RouteMethods {
  const index: RouteMethods = { byPath: new Map(), withParams: [] }
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue
    const path = route.path.replace(/(.)\/$/, '$1')
    if (path.includes(':')) {
      const pattern = new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`)
      index.withParams.push({ method: route.method, pattern })
    } else {
      index.byPath.set(path, (index.byPath.get(path) ?? new Set()).add(route.method))
    }
  }
  return index
}
