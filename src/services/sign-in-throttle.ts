import { eq, inArray, sql } from 'drizzle-orm'
import { AppError } from '../core/errors.ts'
import { lockDurationMs } from '../core/throttle.ts'
import { signInThrottle } from '../db/schema.ts'
import type { Deps } from './deps.ts'

/** The keys one sign-in attempt counts against: the account (known or not) and the client IP. */
export function throttleKeys(
  email: string,
  ip: string | null,
): { account: string; ip: string | null } {
  return { account: `account:${email}`, ip: ip ? `ip:${ip}` : null }
}

/**
 * Refuses the attempt, before any hashing, while the account or the IP is locked. A locked
 * attempt changes no counter, so hammering a lock never extends it.
 */
export async function assertNotThrottled(deps: Deps, keys: { account: string; ip: string | null }) {
  const now = deps.clock.now()
  const rows = await deps.database.db
    .select({ lockedUntil: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(inArray(signInThrottle.key, keys.ip ? [keys.account, keys.ip] : [keys.account]))
  const lockedUntil = Math.max(0, ...rows.map((row) => row.lockedUntil ?? 0))
  if (lockedUntil > now) {
    throw new AppError('TOO_MANY_ATTEMPTS', {
      headers: { 'Retry-After': String(Math.ceil((lockedUntil - now) / 1000)) },
    })
  }
}

/**
 * Counts a failure against each key and locks the key once it passes its free allowance.
 * Returns true when this failure locked the account (worth an `authn_login_lock` event).
 */
export async function recordSignInFailure(
  deps: Deps,
  keys: { account: string; ip: string | null },
): Promise<boolean> {
  const { signInThrottle: policy } = deps.settings
  let accountLocked = false
  for (const [key, freeFailures] of [
    [keys.account, policy.accountLockThreshold],
    [keys.ip, policy.ipLockThreshold],
  ] as const) {
    if (!key) continue
    const now = deps.clock.now()
    const [row] = await deps.database.db
      .insert(signInThrottle)
      .values({ key, failures: 1, windowStartedAt: now })
      .onConflictDoUpdate({
        target: signInThrottle.key,
        set: { failures: sql`${signInThrottle.failures} + 1` },
      })
      .returning({ failures: signInThrottle.failures })
    const lockMs = lockDurationMs(row?.failures ?? 1, {
      freeFailures,
      baseSeconds: policy.baseLockSeconds,
      maxSeconds: policy.maxLockSeconds,
    })
    if (lockMs > 0) {
      await deps.database.db
        .update(signInThrottle)
        .set({ lockedUntil: now + lockMs })
        .where(eq(signInThrottle.key, key))
      if (key === keys.account) accountLocked = true
    }
  }
  return accountLocked
}

/** A success clears the account's counter (not the IP's: one good password must not unlock a spray). */
export function clearAccountThrottle(deps: Deps, accountKey: string) {
  return deps.database.db.delete(signInThrottle).where(eq(signInThrottle.key, accountKey))
}
