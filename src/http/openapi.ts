import { z } from '@hono/zod-openapi'
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

export { z }
