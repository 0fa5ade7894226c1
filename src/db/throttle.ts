import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { type LockPolicy, lockDurationMs, MAX_LOCK_DOUBLINGS } from '../core/throttle.ts'
import { always, type AppDb, type Guard, prepared, type Statement } from './database.ts'
import { rateLimits, signInThrottle } from './schema.ts'

// Sign-in failure counters (sign_in_throttle), keyed by keyed digests of an account or a network.
// Counts and locks are computed inside the statements, so concurrent failures never lose a count.
// The networks known for an account and the wrong passwords just seen are short-lived windows in
// `rate_limits` (see services/sign-in-throttle.ts); the lock state reads the first of them too.

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
        knownNetworkFailures: sql<
          number | null
        >`(select ${rateLimits.hits} from ${rateLimits} where ${rateLimits.key} = ${sql.placeholder('known')} and ${rateLimits.expiresAt} > ${sql.placeholder('now')})`,
      })
      .from(signInThrottle)
      .where(inArray(signInThrottle.key, [sql.placeholder('account'), sql.placeholder('ip')]))
      .prepare(),
  )

/**
 * The later lock of the two keys, the account's consecutive failures, and the failures since
 * its last success from the caller's network while that network is known (a live `rate_limits`
 * row, see `restartWindow`; null when it is not): prepared, since every sign-in runs it. Without
 * an IP key, pass the account key twice; without a known-network key, an empty one.
 */
export async function findLockState(
  db: AppDb,
  keys: { account: string; ip: string; knownNetwork: string },
  now: number,
) {
  const [row] = await lockState(db).all({
    account: keys.account,
    ip: keys.ip,
    known: keys.knownNetwork,
    now,
  })
  return row
}

/** The counters of one key. */
export async function findThrottle(db: AppDb, key: string) {
  const [row] = await db
    .select({
      failures: signInThrottle.failures,
      consecutive: signInThrottle.consecutiveFailures,
      lockedUntil: signInThrottle.lockedUntil,
      lastFailureAt: signInThrottle.lastFailureAt,
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
  /** The failure counts at all (not a repeat of a wrong password already counted). */
  counts: Guard
  /** It came from a network known for the account: it does not count toward the hard stop. */
  fromKnownNetwork: Guard
  lock: LockPolicy
  /** The count restarts after this long with neither a failure nor a lock. */
  quietMs: number
  /** Consecutive failures that stop the account for good (the row then never expires). */
  hardStopFailures: number
  /** How long the row outlives the last failure. */
  memoryMs: number
}

/**
 * Counts one failure against an account's key, if it `counts`: its count restarts after a quiet
 * period; its consecutive count (toward the hard stop) never does, and grows only by failures
 * from networks not known for the account.
 */
export function countAccountFailure(
  key: string,
  now: number,
  policy: AccountFailurePolicy,
): Statement {
  const t = signInThrottle
  const quietSince = sql`max(${t.lastFailureAt}, coalesce(${t.lockedUntil}, 0))`
  const step = sql`(case when ${policy.fromKnownNetwork} then 0 else 1 end)`
  return upsertFailure(key, now, policy.lock, {
    when: policy.counts,
    consecutiveStep: step,
    restarts: sql`${now} >= ${quietSince} + ${policy.quietMs}`,
    expiresAt: (failures, consecutive) =>
      sql`case when ${consecutive} >= ${policy.hardStopFailures} then null else max(${now} + ${policy.memoryMs}, ${now} + ${lockDurationSql(failures, policy.lock)}) end`,
    firstExpiresAt: sql`case when ${step} >= ${policy.hardStopFailures} then null else ${now + Math.max(policy.memoryMs, lockDurationMs(1, policy.lock))} end`,
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
    when: always,
    consecutiveStep: sql`1`,
    restarts: sql`${now} >= ${t.windowStartedAt} + ${windowMs}`,
    expiresAt: (failures) =>
      sql`max(${t.windowStartedAt} + ${windowMs}, ${now} + ${lockDurationSql(failures, policy.lock)})`,
    firstExpiresAt: sql`${now + Math.max(windowMs, lockDurationMs(1, policy.lock))}`,
  })
}

/**
 * One key's failure, as an upsert whose every column is computed from the row as it is at write
 * time, written only `when` that holds: `restarts` says whether the count starts over,
 * `consecutiveStep` what it adds to the consecutive count; `expiresAt` of the new counts (and of
 * a key's first failure, when there is no row to read yet).
 */
function upsertFailure(
  key: string,
  now: number,
  policy: LockPolicy,
  rules: {
    when: Guard
    consecutiveStep: SQL
    restarts: SQL
    expiresAt: (failures: SQL, consecutive: SQL) => SQL
    firstExpiresAt: SQL
  },
): Statement {
  const t = signInThrottle
  const lockedUntil = (failures: SQL) =>
    sql`case when ${failures} >= ${policy.freeFailures} then ${now} + ${lockDurationSql(failures, policy)} else null end`
  const first = sql`1`
  const failures = sql`(case when ${rules.restarts} then 1 else ${t.failures} + 1 end)`
  const windowStart = sql`(case when ${rules.restarts} then ${now} else ${t.windowStartedAt} end)`
  const consecutive = sql`(${t.consecutiveFailures} + ${rules.consecutiveStep})`
  return sql`insert into ${t} (key, failures, window_started_at, last_failure_at, consecutive_failures, locked_until, expires_at)
    select ${key}, 1, ${now}, ${now}, ${rules.consecutiveStep}, ${lockedUntil(first)}, ${rules.firstExpiresAt} where ${rules.when}
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
