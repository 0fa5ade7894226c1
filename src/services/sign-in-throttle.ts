import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { AppError } from '../core/errors.ts'
import { type AppDb, prepared } from '../db/database.ts'
import { signInThrottle } from '../db/schema.ts'
import type { Deps } from './deps.ts'

/** The keys one sign-in attempt counts against: the account (known or not) and the client IP. */
export function throttleKeys(
  email: string,
  ip: string | null,
): { account: string; ip: string | null } {
  return { account: `account:${email}`, ip: ip ? `ip:${ip}` : null }
}

const lockedUntilQuery = (db: AppDb) =>
  prepared(db, 'throttle-locked-until', (db) =>
    db
      .select({ lockedUntil: sql<number | null>`max(${signInThrottle.lockedUntil})` })
      .from(signInThrottle)
      .where(inArray(signInThrottle.key, [sql.placeholder('account'), sql.placeholder('ip')]))
      .prepare(),
  )

async function lockedUntil(
  deps: Deps,
  keys: { account: string; ip: string | null },
): Promise<number> {
  // Without an IP, the account key stands in for both placeholders.
  const [row] = await lockedUntilQuery(deps.database.db).all({
    account: keys.account,
    ip: keys.ip ?? keys.account,
  })
  return row?.lockedUntil ?? 0
}

/**
 * Refuses the attempt, before any hashing, while the account or the IP is locked. A locked
 * attempt changes no counter, so hammering a lock never extends it.
 */
export async function assertNotThrottled(deps: Deps, keys: { account: string; ip: string | null }) {
  const now = deps.clock.now()
  const until = await lockedUntil(deps, keys)
  if (until > now) {
    throw new AppError('TOO_MANY_ATTEMPTS', {
      headers: { 'Retry-After': String(Math.ceil((until - now) / 1000)) },
    })
  }
}

/**
 * Statements that count one failure against each key, to run in the same atomic write as the
 * failure's audit row (one commit per failed attempt, known account or not). The lock is computed
 * inside the statement, so concurrent failures never lose a count: `lockDurationMs` in SQL.
 */
export function signInFailureStatements(
  deps: Deps,
  keys: { account: string; ip: string | null },
): SQL[] {
  const { signInThrottle: policy } = deps.settings
  const now = deps.clock.now()
  const upsert = (key: string, threshold: number) => {
    const lockUntil = (failures: SQL) =>
      sql`case when ${failures} >= ${threshold} then ${now} + min(${policy.baseLockSeconds} * (1 << min(${failures} - ${threshold}, 30)), ${policy.maxLockSeconds}) * 1000 else null end`
    return sql`insert into ${signInThrottle} (key, failures, window_started_at, locked_until)
      values (${key}, 1, ${now}, ${lockUntil(sql`1`)})
      on conflict (key) do update set failures = ${signInThrottle.failures} + 1,
        locked_until = ${lockUntil(sql`${signInThrottle.failures} + 1`)}`
  }
  const statements = [upsert(keys.account, policy.accountLockThreshold)]
  if (keys.ip) statements.push(upsert(keys.ip, policy.ipLockThreshold))
  return statements
}

/** True when the account's lock began with this very failure (worth an `authn_login_lock` event). */
export async function accountLockJustStarted(deps: Deps, accountKey: string): Promise<boolean> {
  const [row] = await deps.database.db
    .select({ failures: signInThrottle.failures, lockedUntil: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, accountKey))
  return (
    row?.failures === deps.settings.signInThrottle.accountLockThreshold &&
    (row.lockedUntil ?? 0) > deps.clock.now()
  )
}

/**
 * A success clears the account's counter (not the IP's: one good password must not unlock a
 * spray). `guard` ties it to the batch's credential check, so a batch that lost a race clears nothing.
 */
export function clearAccountThrottle(deps: Deps, accountKey: string, guard?: SQL) {
  return deps.database.db
    .delete(signInThrottle)
    .where(and(eq(signInThrottle.key, accountKey), guard))
}
