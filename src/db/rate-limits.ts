import { and, eq, gt, inArray, type SQL, sql } from 'drizzle-orm'
import { type AppDb, always, type Guard, type Statement } from './database.ts'
import { rateLimits } from './schema.ts'

// Fixed-window counters in one small table, for the limits that have no table of their own.
// Every write that counts also deletes a few expired rows, so the table never outgrows the keys
// live in their windows, on Node and on D1 alike (no timer needed).

const PRUNE_BATCH = 8

/** The hits each key has in its window live at `now` (keys without one are absent). */
export async function findLiveHits(
  db: AppDb,
  keys: string[],
  now: number,
): Promise<Map<string, number>> {
  const rows = await db
    .select({ key: rateLimits.key, hits: rateLimits.hits, expiresAt: rateLimits.expiresAt })
    .from(rateLimits)
    .where(inArray(rateLimits.key, keys))
  return new Map(rows.filter((row) => row.expiresAt > now).map((row) => [row.key, row.hits]))
}

/** The live windows among `keys` at `now`: each one's hits and when it started. */
export async function findLiveWindowStarts(
  db: AppDb,
  keys: string[],
  now: number,
): Promise<Map<string, { hits: number; startedAt: number }>> {
  const rows = await db
    .select({
      key: rateLimits.key,
      hits: rateLimits.hits,
      startedAt: rateLimits.windowStartedAt,
      expiresAt: rateLimits.expiresAt,
    })
    .from(rateLimits)
    .where(inArray(rateLimits.key, keys))
  const live = rows.filter((row) => row.expiresAt > now)
  return new Map(live.map((row) => [row.key, { hits: row.hits, startedAt: row.startedAt }]))
}

/** The hits of `key` in its window, as an SQL value for a statement that runs after the count. */
export function hitsOf(key: string): SQL {
  return sql`(select ${rateLimits.hits} from ${rateLimits} where ${rateLimits.key} = ${key})`
}

/** The hits of `key` and when its window ends, if it has a window live at `now`. */
export async function findLiveWindow(
  db: AppDb,
  key: string,
  now: number,
): Promise<{ hits: number; expiresAt: number } | undefined> {
  const [row] = await db
    .select({ hits: rateLimits.hits, expiresAt: rateLimits.expiresAt })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, key), gt(rateLimits.expiresAt, now)))
  return row
}

/** Deletes a few counters expired by `now`; part of every counting write. */
export function pruneRateLimits(now: number): Statement {
  const t = rateLimits
  return sql`delete from ${t} where ${t.key} in (select ${t.key} from ${t} where ${t.expiresAt} <= ${now} limit ${PRUNE_BATCH})`
}

/**
 * Counts one hit on `key`, in a window of `windowMs` that starts with the first hit and ends on
 * its own; only if `guard` holds at write time.
 */
export function countHit(
  key: string,
  now: number,
  windowMs: number,
  guard: Guard = always,
): Statement {
  const t = rateLimits
  const expired = sql`${t.expiresAt} <= ${now}`
  return sql`insert into ${t} (key, hits, window_started_at, expires_at)
    select ${key}, 1, ${now}, ${now + windowMs} where ${guard}
    on conflict (key) do update set
      hits = case when ${expired} then 1 else ${t.hits} + 1 end,
      window_started_at = case when ${expired} then ${now} else ${t.windowStartedAt} end,
      expires_at = case when ${expired} then ${now + windowMs} else ${t.expiresAt} end`
}

/**
 * Changes nothing, but counts as one changed row when `key`'s window live at `now` holds exactly
 * `hits` hits: a condition a service reads back, by name, from its own atomic write.
 */
export function matchLiveHits(key: string, now: number, hits: number): Statement {
  const t = rateLimits
  return sql`update ${t} set ${sql.identifier(t.hits.name)} = ${t.hits} where ${t.key} = ${key} and ${t.expiresAt} > ${now} and ${t.hits} = ${hits}`
}

/**
 * Starts `key` afresh: no hits, a window of `windowMs` from `now` (whether or not it had one),
 * if `guard` holds.
 */
export function restartWindow(key: string, now: number, windowMs: number, guard: Guard): Statement {
  const t = rateLimits
  return sql`insert into ${t} (key, hits, window_started_at, expires_at)
    select ${key}, 0, ${now}, ${now + windowMs} where ${guard}
    on conflict (key) do update set hits = 0, window_started_at = ${now}, expires_at = ${now + windowMs}`
}

/** Counts one hit on `key` if it has a window live at `now` (never opening one), and `guard` holds. */
export function countHitInLiveWindow(key: string, now: number, guard: Guard = always): Statement {
  const t = rateLimits
  return sql`update ${t} set ${sql.identifier(t.hits.name)} = ${t.hits} + 1 where ${t.key} = ${key} and ${t.expiresAt} > ${now} and ${guard}`
}

/** Holds while `key` has a window live at `now` with fewer than `cap` hits. */
export function liveHitsBelow(key: string, now: number, cap: number): Guard {
  const t = rateLimits
  return sql`exists (select 1 from ${t} where ${t.key} = ${key} and ${t.expiresAt} > ${now} and ${t.hits} < ${cap})`
}

/** Holds while `key` has at most `cap` hits in a window live at `now` (none counts as zero). */
export function hitsAtMost(key: string, now: number, cap: number): Guard {
  const t = rateLimits
  return sql`coalesce((select ${t.hits} from ${t} where ${t.key} = ${key} and ${t.expiresAt} > ${now}), 0) <= ${cap}`
}

/** Holds while `key` has no window live at `now`: nothing was counted on it lately. */
export function noLiveWindow(key: string, now: number): Guard {
  const t = rateLimits
  return sql`not exists (select 1 from ${t} where ${t.key} = ${key} and ${t.expiresAt} > ${now})`
}
