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
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Rejected by a rule',
  429: 'Too many requests',
}

/** Problem+json responses for the given statuses. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? 'Error',
        content: { 'application/problem+json': { schema: Problem } },
      },
    ]),
  )
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
    responses: { ...problems(401, 403), ...route.responses },
  })
}

export { z }
