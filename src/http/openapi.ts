import { createRoute, type RouteConfig, z } from '@hono/zod-openapi'
import { authenticated } from './middleware/authenticated.ts'
import { Problem } from './schemas.ts'

/** A required JSON request body with this schema. */
export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { body: { content: { 'application/json': { schema } }, required } }
}

/** A JSON response with this schema. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

const problemDescriptions: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed on this path (Allow lists the ones that are)',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Rejected by a rule',
  429: 'Too many requests; retry after Retry-After',
  500: 'Unexpected failure; the body carries a request id to quote',
  503: 'Temporarily unavailable (busy or out of room); retry after Retry-After',
}

const header = (description: string) => ({ description, schema: { type: 'string' as const } })
const problemHeaders: Record<number, Record<string, ReturnType<typeof header>>> = {
  401: { 'WWW-Authenticate': header('Bearer, with error="invalid_token" for a bad token') },
  405: { Allow: header('The methods this path answers') },
  429: { 'Retry-After': header('Seconds to wait') },
  503: { 'Retry-After': header('Seconds to wait') },
}

/** Problem+json responses for the given statuses. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? 'Error',
        ...(problemHeaders[status] ? { headers: problemHeaders[status] } : {}),
        content: { 'application/problem+json': { schema: Problem } },
      },
    ]),
  )
}

// The statuses a route answers by its kind, whatever its handler does, so that no route's document
// can leave one out:
// - any operation: a wrong method on its path (405), an unexpected failure (500), and a temporary
//   outage (503: the hashing queue full, the database busy or out of room);
// - any input (path, query or body): 400;
// - a state-changing method: cross-site (403), body too large (413), not JSON (415), and a body
//   that is not valid JSON (400), all refused before the handler;
// - a bearer route: no or a bad token (401), a challenge token or a role that may not (403).
const ANY_OPERATION = [405, 500, 503]
const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete'])
const UNSAFE_METHOD = [400, 403, 413, 415]
const BEARER = [401, 403]

/** The statuses a route answers by its kind (see above), ascending. */
export function defaultStatuses(
  route: Pick<RouteConfig, 'method' | 'request'>,
  bearerAuth = false,
): number[] {
  const statuses = new Set(ANY_OPERATION)
  const { params, query, body } = route.request ?? {}
  if (params || query || body) statuses.add(400)
  if (UNSAFE_METHODS.has(route.method)) for (const status of UNSAFE_METHOD) statuses.add(status)
  if (bearerAuth) for (const status of BEARER) statuses.add(status)
  return [...statuses].sort((a, b) => a - b)
}

/**
 * A route of the JSON API: its document lists the statuses every route of its kind answers
 * (`defaultStatuses`) besides the ones it names itself.
 *
 * @example
 * const signInRoute = apiRoute({ method: 'post', path: '/sign-in', responses: { 200: …, ...problems(401, 429) } })
 */
export function apiRoute<R extends RouteConfig>(route: R) {
  return createRoute({
    ...route,
    responses: { ...problems(...defaultStatuses(route)), ...route.responses },
  })
}

export const bearer = [{ bearerAuth: [] }]

/**
 * A route that needs an access token: the authentication middleware is attached to the route
 * itself, and the document says so (bearer security, 401 and 403) from the same definition.
 *
 * @example
 * const meRoute = bearerRoute({ method: 'get', path: '/', responses: { 200: … } })
 */
export function bearerRoute<R extends Omit<RouteConfig, 'security' | 'middleware'>>(route: R) {
  return createRoute({
    ...route,
    security: bearer,
    middleware: [authenticated] as const,
    responses: { ...problems(...defaultStatuses(route, true)), ...route.responses },
  })
}

export { z }
