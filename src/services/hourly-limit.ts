import { AppError } from '../core/errors.ts'
import type { Guard, Statement } from '../db/database.ts'
import { countHit, findLiveWindow, hitsAtMost, pruneRateLimits } from '../db/rate-limits.ts'
import type { Deps } from './deps.ts'

const HOUR_MS = 3600_000

/**
 * At most `cap` actions per `key` per hour, for actions that mail people (a check of a caller, a
 * request for approval), so that nobody can flood a mailbox through them: `assert` refuses early
 * with the time left in `Retry-After`; `guard` holds the action's first statement to the cap at
 * write time, and `count` counts it, held to that statement having taken.
 *
 * @example
 * const limit = hourlyLimit(deps, `caller-verification-starts:${userId}`, 10)
 * await limit.assert()
 */
export function hourlyLimit(deps: Deps, key: string, cap: number) {
  const now = deps.clock.now()
  return {
    async assert(): Promise<void> {
      const window = await findLiveWindow(deps.database.db, key, now)
      if (window && window.hits >= cap) {
        const seconds = Math.max(1, Math.ceil((window.expiresAt - now) / 1000))
        throw new AppError('RATE_LIMITED', { headers: { 'Retry-After': String(seconds) } })
      }
    },
    guard: hitsAtMost(key, now, cap - 1) as Guard,
    count: (taken: Guard): Statement[] => [
      countHit(key, now, HOUR_MS, taken),
      pruneRateLimits(now),
    ],
  }
}
