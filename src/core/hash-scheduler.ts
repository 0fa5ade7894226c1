import { AppError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'

export interface HashSchedulerOptions {
  /** Hashes running at once; more than the cores only adds latency. */
  maxInFlight: number
  /** Requests allowed to wait for a slot; beyond it the request is shed at once. */
  maxQueue: number
}

export interface HashScheduler extends PasswordHasher {
  /** Running and waiting counts, for tests and metrics. */
  load(): { inFlight: number; queued: number }
}

/**
 * Wraps a hasher so that at most `maxInFlight` hashes or verifies run at once, at most `maxQueue`
 * wait in FIFO order, and anything beyond is refused immediately with `503 SERVICE_BUSY` and
 * `Retry-After` — never an unbounded pile of argon2 jobs, each holding 19 MiB and a thread, while
 * token checks and other requests starve. Rate limits run before it, so refused attempts cost nothing.
 *
 * @example
 * const hasher = createHashScheduler(createArgon2Hasher(), { maxInFlight: 2, maxQueue: 64 })
 */
export function createHashScheduler(
  inner: PasswordHasher,
  options: HashSchedulerOptions,
): HashScheduler {
  let inFlight = 0
  const waiting: Array<() => void> = []

  function acquire(): Promise<void> | void {
    if (inFlight < options.maxInFlight) {
      inFlight++
      return
    }
    if (waiting.length >= options.maxQueue) {
      throw new AppError('SERVICE_BUSY', { headers: { 'Retry-After': '1' } })
    }
    // The slot is handed over by release(): inFlight stays the same.
    return new Promise((resolve) => waiting.push(resolve))
  }

  function release(): void {
    const next = waiting.shift()
    if (next) next()
    else inFlight--
  }

  async function schedule<T>(task: () => Promise<T>): Promise<T> {
    await acquire()
    try {
      return await task()
    } finally {
      release()
    }
  }

  return {
    hash: (password) => schedule(() => inner.hash(password)),
    verify: (hash, password) => schedule(() => inner.verify(hash, password)),
    load: () => ({ inFlight, queued: waiting.length }),
  }
}
