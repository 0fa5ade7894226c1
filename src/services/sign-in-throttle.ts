import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { type LockPolicy, lockDurationMs, MAX_LOCK_DOUBLINGS } from '../core/throttle.ts'
import { type AppDb, prepared } from '../db/database.ts'
import { signInThrottle } from '../db/schema.ts'
import type { Deps } from './deps.ts'
import type { Settings } from './settings.ts'

/**
 * The keys one sign-in attempt counts against: the account (known or not) and the client's
 * network (its IPv4 address, or its IPv6 /64).
 */
export function throttleKeys(
  email: string,
  ip: string | null,
): { account: string; ip: string | null } {
  return { account: `account:${email}`, ip: ip ? `ip:${clientNetwork(ip)}` : null }
}

/**
 * The stored form of a throttle key: a keyed digest, so the table never holds what was typed into
 * the email field (a mistyped password, say) nor the client's IP.
 */
export function throttleRowKey(deps: Deps, key: string): string {
  return keyedDigest(deps.tokens.signingKey, 'sign-in-throttle', key)
}

/** Expired rows deleted by each failure's write: more than the two it may add, so it keeps up. */
const PRUNE_BATCH = 8

const lockStateQuery = (db: AppDb) =>
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
 * Refuses the attempt, before any hashing, while the account or the IP is locked, or the account
 * reached the hard stop. A refused attempt changes no counter, so hammering a lock never extends it.
 */
export async function assertNotThrottled(deps: Deps, keys: { account: string; ip: string | null }) {
  const now = deps.clock.now()
  const account = throttleRowKey(deps, keys.account)
  // Without an IP, the account key stands in for both placeholders.
  const [row] = await lockStateQuery(deps.database.db).all({
    account,
    ip: keys.ip ? throttleRowKey(deps, keys.ip) : account,
  })
  if ((row?.consecutive ?? 0) >= deps.settings.signInThrottle.accountHardStopFailures) {
    // No time would help: only an admin reset (or the operator's) lifts it.
    throw new AppError('TOO_MANY_ATTEMPTS')
  }
  const until = row?.lockedUntil ?? 0
  if (until > now) {
    throw new AppError('TOO_MANY_ATTEMPTS', {
      headers: { 'Retry-After': String(Math.ceil((until - now) / 1000)) },
    })
  }
}

/** `lockDurationMs` as an SQL expression of a failure count, built from the same constants. */
export function lockDurationSql(failures: SQL, policy: LockPolicy): SQL {
  return sql`(case when ${failures} >= ${policy.freeFailures} then min(${policy.baseSeconds} * (1 << min(${failures} - ${policy.freeFailures}, ${MAX_LOCK_DOUBLINGS})), ${policy.maxSeconds}) * 1000 else 0 end)`
}

function lockPolicy(policy: Settings['signInThrottle'], threshold: number): LockPolicy {
  return {
    freeFailures: threshold,
    baseSeconds: policy.baseLockSeconds,
    maxSeconds: policy.maxLockSeconds,
  }
}

/**
 * Statements that count one failure against each key, to run in the same atomic write as the
 * failure's audit row (one commit per failed attempt, known account or not). Counts and locks are
 * computed inside the statements, so concurrent failures never lose a count.
 *
 * The account's count restarts after `accountQuietSeconds` with neither a failure nor a lock; its
 * consecutive count does not (only a success or an admin reset clears it) and stops the account
 * for good at `accountHardStopFailures`. The IP's count restarts every `ipWindowSeconds`, so a
 * shared NAT's occasional typos never add up to a lock. Rows past their expiry are pruned here.
 */
export function signInFailureStatements(
  deps: Deps,
  keys: { account: string; ip: string | null },
): SQL[] {
  const policy = deps.settings.signInThrottle
  const now = deps.clock.now()
  const t = signInThrottle
  const statements = [
    sql`delete from ${t} where ${t.key} in (select ${t.key} from ${t} where ${t.expiresAt} <= ${now} limit ${PRUNE_BATCH})`,
  ]

  const account = lockPolicy(policy, policy.accountLockThreshold)
  const quietSince = sql`max(${t.lastFailureAt}, coalesce(${t.lockedUntil}, 0))`
  const accountRestarts = sql`${now} >= ${quietSince} + ${policy.accountQuietSeconds * 1000}`
  statements.push(
    upsertFailure(deps, keys.account, account, {
      restarts: accountRestarts,
      expiresAt: (failures, consecutive) =>
        sql`case when ${consecutive} >= ${policy.accountHardStopFailures} then null else max(${now} + ${policy.accountMemorySeconds * 1000}, ${now} + ${lockDurationSql(failures, account)}) end`,
      firstExpiresAt:
        policy.accountHardStopFailures <= 1
          ? null
          : now + Math.max(policy.accountMemorySeconds * 1000, lockDurationMs(1, account)),
    }),
  )
  if (keys.ip) {
    const ip = lockPolicy(policy, policy.ipLockThreshold)
    const windowMs = policy.ipWindowSeconds * 1000
    statements.push(
      upsertFailure(deps, keys.ip, ip, {
        restarts: sql`${now} >= ${t.windowStartedAt} + ${windowMs}`,
        expiresAt: (failures) =>
          sql`max(${t.windowStartedAt} + ${windowMs}, ${now} + ${lockDurationSql(failures, ip)})`,
        firstExpiresAt: now + Math.max(windowMs, lockDurationMs(1, ip)),
      }),
    )
  }
  return statements
}

/**
 * One key's failure, as an upsert whose every column is computed from the row as it is at write
 * time: `restarts` says whether the count starts over; `expiresAt` of the new counts (and of a
 * key's first failure, when there is no row to read yet).
 */
function upsertFailure(
  deps: Deps,
  key: string,
  policy: LockPolicy,
  rules: {
    restarts: SQL
    expiresAt: (failures: SQL, consecutive: SQL) => SQL
    firstExpiresAt: number | null
  },
): SQL {
  const now = deps.clock.now()
  const t = signInThrottle
  const lockedUntil = (failures: SQL) =>
    sql`case when ${failures} >= ${policy.freeFailures} then ${now} + ${lockDurationSql(failures, policy)} else null end`
  const first = sql`1`
  const failures = sql`(case when ${rules.restarts} then 1 else ${t.failures} + 1 end)`
  const windowStart = sql`(case when ${rules.restarts} then ${now} else ${t.windowStartedAt} end)`
  const consecutive = sql`(${t.consecutiveFailures} + 1)`
  return sql`insert into ${t} (key, failures, window_started_at, last_failure_at, consecutive_failures, locked_until, expires_at)
    values (${throttleRowKey(deps, key)}, 1, ${now}, ${now}, 1, ${lockedUntil(first)}, ${rules.firstExpiresAt})
    on conflict (key) do update set
      failures = ${failures},
      window_started_at = ${windowStart},
      last_failure_at = ${now},
      consecutive_failures = ${consecutive},
      locked_until = ${lockedUntil(failures)},
      expires_at = ${rules.expiresAt(failures, consecutive)}`
}

/**
 * True when the account's lock began with this very failure, or its hard stop did (either is
 * worth an `authn_login_lock` event).
 */
export async function accountLockJustStarted(deps: Deps, accountKey: string): Promise<boolean> {
  const policy = deps.settings.signInThrottle
  const [row] = await deps.database.db
    .select({
      failures: signInThrottle.failures,
      consecutive: signInThrottle.consecutiveFailures,
      lockedUntil: signInThrottle.lockedUntil,
    })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, throttleRowKey(deps, accountKey)))
  if (!row) return false
  return (
    row.consecutive === policy.accountHardStopFailures ||
    (row.failures === policy.accountLockThreshold && (row.lockedUntil ?? 0) > deps.clock.now())
  )
}

/**
 * A success clears the account's counters (not the IP's: one good password must not unlock a
 * spray), and so does an admin reset. `guard` ties it to the batch's credential check, so a batch
 * that lost a race clears nothing.
 */
export function clearAccountThrottle(deps: Deps, accountKey: string, guard?: SQL) {
  return deps.database.db
    .delete(signInThrottle)
    .where(and(eq(signInThrottle.key, throttleRowKey(deps, accountKey)), guard))
}
