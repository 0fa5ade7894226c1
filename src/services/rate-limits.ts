import { inArray, type SQL, sql } from 'drizzle-orm'
import { always } from '../db/database.ts'
import { rateLimits } from '../db/schema.ts'
import type { Deps } from './deps.ts'

// Fixed-window counters in one small table, for the limits that have no table of their own.
// Every write that counts also deletes a few expired rows, so the table never outgrows the keys
// live in their windows, on Node and on D1 alike (no timer needed).

const PRUNE_BATCH = 8

/** The hits each key has in its live window (keys without one are absent). */
export async function liveHits(deps: Deps, keys: string[]): Promise<Map<string, number>> {
  const rows = await deps.database.db
    .select({ key: rateLimits.key, hits: rateLimits.hits, expiresAt: rateLimits.expiresAt })
    .from(rateLimits)
    .where(inArray(rateLimits.key, keys))
  const now = deps.clock.now()
  return new Map(rows.filter((row) => row.expiresAt > now).map((row) => [row.key, row.hits]))
}

/** Deletes a few expired counters; part of every counting write. */
export function pruneRateLimits(deps: Deps): SQL {
  const t = rateLimits
  return sql`delete from ${t} where ${t.key} in (select ${t.key} from ${t} where ${t.expiresAt} <= ${deps.clock.now()} limit ${PRUNE_BATCH})`
}

/**
 * Counts one hit on `key`, in a window of `windowMs` that starts with the first hit and ends on
 * its own; only if `guard` holds at write time.
 */
export function countHit(deps: Deps, key: string, windowMs: number, guard: SQL = always): SQL {
  const now = deps.clock.now()
  const t = rateLimits
  const expired = sql`${t.expiresAt} <= ${now}`
  return sql`insert into ${t} (key, hits, window_started_at, expires_at)
    select ${key}, 1, ${now}, ${now + windowMs} where ${guard}
    on conflict (key) do update set
      hits = case when ${expired} then 1 else ${t.hits} + 1 end,
      window_started_at = case when ${expired} then ${now} else ${t.windowStartedAt} end,
      expires_at = case when ${expired} then ${now + windowMs} else ${t.expiresAt} end`
}

/** Holds while `key` has at most `cap` hits in a live window (none counts as zero). */
export function hitsAtMost(deps: Deps, key: string, cap: number): SQL {
  const t = rateLimits
  return sql`coalesce((select ${t.hits} from ${t} where ${t.key} = ${key} and ${t.expiresAt} > ${deps.clock.now()}), 0) <= ${cap}`
}

/** Holds while `key` has no live window: nothing was counted on it lately. */
export function noLiveWindow(deps: Deps, key: string): SQL {
  const t = rateLimits
  return sql`not exists (select 1 from ${t} where ${t.key} = ${key} and ${t.expiresAt} > ${deps.clock.now()})`
}
