import type { ExecutionContext } from 'hono'

/** Node's stand-in for a Worker's execution context, whose pending work shutdown can wait for. */
export interface BackgroundTasks extends ExecutionContext {
  /** Resolves once every task handed to `waitUntil` so far has settled, whether or not it failed. */
  settled(): Promise<void>
}

/**
 * Work a response started and does not wait for (the notices sent after a commit). Node has no
 * execution context; passed as one to `app.fetch`, it lets shutdown finish that work before the
 * database closes, so a notice sent is also marked sent and not sent again on the next start.
 */
export function createBackgroundTasks(): BackgroundTasks {
  const pending = new Set<Promise<unknown>>()
  return {
    waitUntil(task) {
      const tracked = task.then(
        () => undefined,
        () => undefined,
      )
      pending.add(tracked)
      void tracked.then(() => pending.delete(tracked))
    },
    passThroughOnException() {
      // Nothing to pass through to on Node.
    },
    props: {},
    async settled() {
      while (pending.size > 0) await Promise.all(pending)
    },
  }
}
