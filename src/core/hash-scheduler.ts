import { AppError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'

export interface HashSchedulerOptions {
  /** Hashes running at once; more than the cores only adds latency. */
  maxInFlight: number
  /** Requests allowed to wait for a slot; beyond it the request is shed at once. */
  maxQueue: number
  /**
   * Longest a request may wait for a slot. One that waited longer is shed when its turn comes:
   * its client has waited long enough, and its hash would only delay everyone behind it.
   */
  maxWaitMs?: number
}

export interface HashScheduler extends PasswordHasher {
  /** Running and waiting counts, for tests and metrics. */
  load(): { inFlight: number; queued: number }
}

const busy = () => new AppError('SERVICE_BUSY', { headers: { 'Retry-After': '1' } })

/**
 * Wraps a hasher so that at most `maxInFlight` hashes or verifies run at once, at most `maxQueue`
 * wait in FIFO order, none waits longer than `maxWaitMs`, and anything beyond is refused with
 * `503 SERVICE_BUSY` and `Retry-After` — never an unbounded pile of argon2 jobs, each holding
 * 19 MiB and a thread, while token checks and other requests starve. Rate limits run before it,
 * so refused attempts cost nothing. `now` is a monotonic clock in milliseconds.
 *
 * @example
 * const hasher = createHashScheduler(createArgon2Hasher(), { maxInFlight: 2, maxQueue: 64 })
 */
export function createHashScheduler(
  inner: PasswordHasher,
  options: HashSchedulerOptions,
  now: () => number = () => performance.now(),
): HashScheduler {
  const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY
  let inFlight = 0
  const waiting: Array<{ since: number; start: () => void; shed: (error: AppError) => void }> = []

  function acquire(): Promise<void> | void {
    if (inFlight < options.maxInFlight) {
      inFlight++
      return
    }
    if (waiting.length >= options.maxQueue) throw busy()
    // The slot is handed over by release(): inFlight stays the same.
    return new Promise((start, shed) => waiting.push({ since: now(), start, shed }))
  }

  function release(): void {
    // Shed, oldest first, whoever has already waited too long; the first within time runs.
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      if (now() - next.since <= maxWaitMs) {
        next.start()
        return
      }
      next.shed(busy())
    }
    inFlight--
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
