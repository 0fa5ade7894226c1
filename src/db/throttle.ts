import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { type LockPolicy, lockDurationMs, MAX_LOCK_DOUBLINGS } from '../core/throttle.ts'
import { type AppDb, type Guard, prepared, type Statement } from './database.ts'
import { signInThrottle } from './schema.ts'

// Sign-in failure counters (sign_in_throttle), keyed by keyed digests of an account or a network.
// Counts and locks are computed inside the statements, so concurrent failures never lose a count.

/** Expired rows deleted by each failure's write: more than the two it may add, so it keeps up. */
const PRUNE_BATCH = 8

const lockState = (db: AppDb) =>
  prepared(db, 'throttle-lock-state', (db) =>
    db
      .select({
        lockedUntil: sql<number | null>`max(${signInThrottle.lockedUntil})`,
        consecutive: sql<
          number | null
        >`max(case when ${signInThrottle.key} = ${sql.placeholder('account')} then ${signInThrottle.consecutiveFailures} end)`,
      })
      .from(signInThrottle)
      .where(inArray(signInThrottle.key, [sql.placeholder('account'), sql.placeholder('ip')]))
      .prepare(),
  )

/**
 * The later lock of the two keys and the account's consecutive failures (prepared: every sign-in
 * runs it). Without an IP key, pass the account key twice.
 */
export async function findLockState(db: AppDb, accountKey: string, ipKey: string) {
  const [row] = await lockState(db).all({ account: accountKey, ip: ipKey })
  return row
}

/** The counters of one key. */
export async function findThrottle(db: AppDb, key: string) {
  const [row] = await db
    .select({
      failures: signInThrottle.failures,
      consecutive: signInThrottle.consecutiveFailures,
      lockedUntil: signInThrottle.lockedUntil,
    })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, key))
  return row
}

/** `lockDurationMs` as an SQL expression of a failure count, built from the same constants. */
export function lockDurationSql(failures: SQL, policy: LockPolicy): SQL {
  return sql`(case when ${failures} >= ${policy.freeFailures} then min(${policy.baseSeconds} * (1 << min(${failures} - ${policy.freeFailures}, ${MAX_LOCK_DOUBLINGS})), ${policy.maxSeconds}) * 1000 else 0 end)`
}

/** Deletes a few rows expired by `now`; part of every failure's write. */
export function pruneExpiredThrottles(now: number): Statement {
  const t = signInThrottle
  return sql`delete from ${t} where ${t.key} in (select ${t.key} from ${t} where ${t.expiresAt} <= ${now} limit ${PRUNE_BATCH})`
}

/** How an account's failures add up (see `countAccountFailure`). */
export interface AccountFailurePolicy {
  lock: LockPolicy
  /** The count restarts after this long with neither a failure nor a lock. */
  quietMs: number
  /** Consecutive failures that stop the account for good (the row then never expires). */
  hardStopFailures: number
  /** How long the row outlives the last failure. */
  memoryMs: number
}

/**
 * Counts one failure against an account's key: its count restarts after a quiet period, its
 * consecutive count never does.
 */
export function countAccountFailure(
  key: string,
  now: number,
  policy: AccountFailurePolicy,
): Statement {
  const t = signInThrottle
  const quietSince = sql`max(${t.lastFailureAt}, coalesce(${t.lockedUntil}, 0))`
  return upsertFailure(key, now, policy.lock, {
    restarts: sql`${now} >= ${quietSince} + ${policy.quietMs}`,
    expiresAt: (failures, consecutive) =>
      sql`case when ${consecutive} >= ${policy.hardStopFailures} then null else max(${now} + ${policy.memoryMs}, ${now} + ${lockDurationSql(failures, policy.lock)}) end`,
    firstExpiresAt:
      policy.hardStopFailures <= 1
        ? null
        : now + Math.max(policy.memoryMs, lockDurationMs(1, policy.lock)),
  })
}

/** Counts one failure against a network's key, in fixed windows of `windowMs`. */
export function countIpFailure(
  key: string,
  now: number,
  policy: { lock: LockPolicy; windowMs: number },
): Statement {
  const t = signInThrottle
  const { windowMs } = policy
  return upsertFailure(key, now, policy.lock, {
    restarts: sql`${now} >= ${t.windowStartedAt} + ${windowMs}`,
    expiresAt: (failures) =>
      sql`max(${t.windowStartedAt} + ${windowMs}, ${now} + ${lockDurationSql(failures, policy.lock)})`,
    firstExpiresAt: now + Math.max(windowMs, lockDurationMs(1, policy.lock)),
  })
}

/**
 * One key's failure, as an upsert whose every column is computed from the row as it is at write
 * time: `restarts` says whether the count starts over; `expiresAt` of the new counts (and of a
 * key's first failure, when there is no row to read yet).
 */
function upsertFailure(
  key: string,
  now: number,
  policy: LockPolicy,
  rules: {
    restarts: SQL
    expiresAt: (failures: SQL, consecutive: SQL) => SQL
    firstExpiresAt: number | null
  },
): Statement {
  const t = signInThrottle
  const lockedUntil = (failures: SQL) =>
    sql`case when ${failures} >= ${policy.freeFailures} then ${now} + ${lockDurationSql(failures, policy)} else null end`
  const first = sql`1`
  const failures = sql`(case when ${rules.restarts} then 1 else ${t.failures} + 1 end)`
  const windowStart = sql`(case when ${rules.restarts} then ${now} else ${t.windowStartedAt} end)`
  const consecutive = sql`(${t.consecutiveFailures} + 1)`
  return sql`insert into ${t} (key, failures, window_started_at, last_failure_at, consecutive_failures, locked_until, expires_at)
    values (${key}, 1, ${now}, ${now}, 1, ${lockedUntil(first)}, ${rules.firstExpiresAt})
    on conflict (key) do update set
      failures = ${failures},
      window_started_at = ${windowStart},
      last_failure_at = ${now},
      consecutive_failures = ${consecutive},
      locked_until = ${lockedUntil(failures)},
      expires_at = ${rules.expiresAt(failures, consecutive)}`
}

/** Deletes a key's counters, if `guard` holds. */
export function clearThrottle(db: AppDb, key: string, guard?: Guard): Statement {
  return db.delete(signInThrottle).where(and(eq(signInThrottle.key, key), guard))
}
