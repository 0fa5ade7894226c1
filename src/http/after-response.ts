import type { Context } from 'hono'
import { canDeliverOutbox, deliverOutboxSoon } from '../services/outbox.ts'
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
  const { deps, requestId } = c.var
  const work = new Promise((resolve) => setTimeout(resolve, 0))
    .then(task)
    .then(() => (canDeliverOutbox(deps) ? deliverOutboxSoon(deps) : undefined))
    .then(
      () => undefined,
      (error: unknown) => {
        deps.logger.error('after_response_failed', { requestId, error: loggableError(error) })
      },
    )
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context (a bare `app.request`): the process outlives the response.
  }
}
