import type { Context } from 'hono'
import { deliverNoticesQueuedSince, queuedNoticeCount } from '../services/outbox.ts'
import type { AppEnv } from './env.ts'
import { loggableError } from './problem.ts'

/**
 * Runs `task` once this request's answer has left, so that its time is no part of the answer's
 * (a timer, not a microtask: those run before the response is written), then sends the notices it
 * queued (`deliverOutboxSoon`). Workers keep it alive with `waitUntil`; the Node server's background
 * tasks wait for it before the database closes. A failure is logged: the answer is already gone.
 *
 * @example
 * const followUp = await requestPasswordReset(deps, email, requestMeta(c))
 * if (followUp) runAfterResponse(c, followUp)
 */
export function runAfterResponse(c: Context<AppEnv>, task: () => Promise<void>): void {
  const deps = c.get('deps')
  const requestId = c.get('requestId')
  const mark = queuedNoticeCount(deps.database)
  const work = new Promise((resolve) => setTimeout(resolve, 0))
    .then(task)
    .then(() => deliverNoticesQueuedSince(deps, mark))
    .then(
      () => undefined,
      (error: unknown) => {
        deps.logger.error('after_response_failed', { requestId, error: loggableError(error) })
      },
    )
  keepAlive(c, work)
}

/** Keeps `work` running past the response: Workers' `waitUntil`; on Node the process outlives it. */
export function keepAlive(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context (Node, or a bare `app.request`).
  }
}
