import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import type { LockPolicy } from '../core/throttle.ts'
import type { Guard, Statement } from '../db/database.ts'
import {
  clearThrottle,
  countAccountFailure,
  countIpFailure,
  findLockState,
  findThrottle,
  pruneExpiredThrottles,
} from '../db/throttle.ts'
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

/**
 * Refuses the attempt, before any hashing, while the account or the IP is locked, or the account
 * reached the hard stop. A refused attempt changes no counter, so hammering a lock never extends it.
 */
export async function assertNotThrottled(deps: Deps, keys: { account: string; ip: string | null }) {
  const now = deps.clock.now()
  const account = throttleRowKey(deps, keys.account)
  // Without an IP, the account key stands in for both.
  const row = await findLockState(
    deps.database.db,
    account,
    keys.ip ? throttleRowKey(deps, keys.ip) : account,
  )
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
): Statement[] {
  const policy = deps.settings.signInThrottle
  const now = deps.clock.now()
  const statements = [
    pruneExpiredThrottles(now),
    countAccountFailure(throttleRowKey(deps, keys.account), now, {
      lock: lockPolicy(policy, policy.accountLockThreshold),
      quietMs: policy.accountQuietSeconds * 1000,
      hardStopFailures: policy.accountHardStopFailures,
      memoryMs: policy.accountMemorySeconds * 1000,
    }),
  ]
  if (keys.ip) {
    statements.push(
      countIpFailure(throttleRowKey(deps, keys.ip), now, {
        lock: lockPolicy(policy, policy.ipLockThreshold),
        windowMs: policy.ipWindowSeconds * 1000,
      }),
    )
  }
  return statements
}

/**
 * True when the account's lock began with this very failure, or its hard stop did (either is
 * worth an `authn_login_lock` event).
 */
export async function accountLockJustStarted(deps: Deps, accountKey: string): Promise<boolean> {
  const policy = deps.settings.signInThrottle
  const row = await findThrottle(deps.database.db, throttleRowKey(deps, accountKey))
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
export function clearAccountThrottle(deps: Deps, accountKey: string, guard?: Guard): Statement {
  return clearThrottle(deps.database.db, throttleRowKey(deps, accountKey), guard)
}
