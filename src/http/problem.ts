import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, type ErrorCode, errorCodes } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'

/**
 * The one translator from failures to responses: an AppError becomes RFC 9457 problem+json with
 * its stable code; Hono's own HTTP exceptions are mapped to codes; anything else is a bug, logged
 * with its stack on the server and answered with a bare 500 (no stack, no message outward).
 */
export function problemResponse(c: Context, error: unknown, logger: Logger): Response {
  const appError = toAppError(error)
  if (!appError) {
    const requestId = c.get('requestId') as string | undefined
    logger.error('unhandled_error', { requestId, error: loggableError(error) })
    return problem('INTERNAL_ERROR', { requestId })
  }
  return problem(appError.code, appError.extra, appError.headers, appError.message)
}

/**
 * An unexpected error as the log may keep it. A failed query's message (drizzle's
 * `DrizzleQueryError`) ends with its parameters: emails, token digests, a password hash. They are
 * cut from the message and the stack alike; the query and the database's own error stay.
 */
export function loggableError(error: unknown): Record<string, unknown> | string {
  if (!(error instanceof Error)) return typeof error
  const message = withoutParams(error.message)
  return {
    name: error.name,
    message,
    ...(error.cause instanceof Error ? { cause: withoutParams(error.cause.message) } : {}),
    stack: error.stack?.replace(error.message, message),
  }
}

function withoutParams(message: string): string {
  const at = message.indexOf('\nparams:')
  return at === -1 ? message : `${message.slice(0, at)}\nparams: (not logged)`
}

export function problem(
  code: ErrorCode,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  detail?: string,
): Response {
  const { status, title } = errorCodes[code]
  const body = {
    type: 'about:blank',
    title,
    status,
    code,
    ...(detail && detail !== title ? { detail } : {}),
    ...extra,
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...headers },
  })
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error
  if (error instanceof HTTPException) {
    if (error.status === 400 && /JSON/i.test(error.message)) return new AppError('MALFORMED_JSON')
    if (error.status === 413) return new AppError('PAYLOAD_TOO_LARGE')
    if (error.status === 401) return new AppError('UNAUTHENTICATED')
    if (error.status === 400) return new AppError('VALIDATION_FAILED')
  }
  return null
}
