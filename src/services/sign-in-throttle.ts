import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { normalizePassword } from '../core/password-policy.ts'
import type { LockPolicy } from '../core/throttle.ts'
import { always, type Guard, never, type Statement } from '../db/database.ts'
import {
  countHit,
  countHitInLiveWindow,
  liveHitsBelow,
  noLiveWindow,
  pruneRateLimits,
  restartWindow,
} from '../db/rate-limits.ts'
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

/** The keys one attempt counts against (see `throttleKeys`). */
export interface ThrottleKeys {
  account: string
  ip: string | null
  /** The account on the caller's network: known once a sign-in from it succeeded. */
  knownNetwork: string | null
}

/**
 * The keys one sign-in attempt counts against: the account (known or not) and the client's
 * network (its IPv4 address, or its IPv6 /64), and the pair of them.
 */
export function throttleKeys(email: string, ip: string | null): ThrottleKeys {
  const network = ip ? clientNetwork(ip) : null
  return {
    account: `account:${email}`,
    ip: network ? `ip:${network}` : null,
    knownNetwork: network ? `known-network:${email}|${network}` : null,
  }
}

/**
 * The stored form of a throttle key: a keyed digest, so the table never holds what was typed into
 * the email field (a mistyped password, say) nor the client's IP.
 */
export function throttleRowKey(deps: Deps, key: string): string {
  return keyedDigest(deps.tokens.signingKey, 'sign-in-throttle', key)
}

/** The `rate_limits` row of a known network: a keyed digest of the account and the network. */
function knownNetworkRowKey(deps: Deps, keys: ThrottleKeys): string | null {
  if (!keys.knownNetwork) return null
  return `known-network:${keyedDigest(deps.tokens.signingKey, 'known-network', keys.knownNetwork)}`
}

/**
 * The `rate_limits` row of a wrong password just seen for an account: an HMAC of the account and
 * the password (as the hasher sees it) under a key derived for this purpose alone. Never the
 * password, and no plain hash of it that could be guessed offline without the server's secret.
 */
function wrongPasswordRowKey(deps: Deps, accountKey: string, password: string): string {
  const text = `${accountKey}\u0000${normalizePassword(password)}`
  return `wrong-password:${keyedDigest(deps.tokens.signingKey, 'wrong-password', text)}`
}

/**
 * Refuses the attempt, before any hashing, while the account or the IP is locked, or the account
 * reached the hard stop. A refused attempt changes no counter, so hammering a lock never extends it.
 * The hard stop does not hold on a network the account signed in from lately (until that network
 * reaches the same ceiling of its own): whoever else reaches it stops only themselves.
 */
export async function assertNotThrottled(deps: Deps, keys: ThrottleKeys) {
  const now = deps.clock.now()
  const account = throttleRowKey(deps, keys.account)
  const row = await findLockState(
    deps.database.db,
    {
      account,
      // Without an IP, the account key stands in for both.
      ip: keys.ip ? throttleRowKey(deps, keys.ip) : account,
      knownNetwork: knownNetworkRowKey(deps, keys) ?? '',
    },
    now,
  )
  const ceiling = deps.settings.signInThrottle.accountHardStopFailures
  const knownNetwork = row?.knownNetworkFailures != null && row.knownNetworkFailures < ceiling
  if (!knownNetwork && (row?.consecutive ?? 0) >= ceiling) {
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
 *
 * A failure from a network the account signed in from lately counts toward the account's lock
 * and that network's own ceiling, not the hard stop. With `password` (a wrong password, rather
 * than a wrong code), the same wrong password seen again within `repeatedPasswordSeconds` does not
 * count against the account at all (a phone retrying an old password, as Entra ID treats it): it
 * guesses nothing new. It still counts against the IP, which bounds the hashing it costs.
 */
export function signInFailureStatements(
  deps: Deps,
  keys: ThrottleKeys,
  attempt: { password?: string } = {},
): Statement[] {
  const policy = deps.settings.signInThrottle
  const now = deps.clock.now()
  const known = knownNetworkRowKey(deps, keys)
  const repeat =
    attempt.password === undefined
      ? null
      : wrongPasswordRowKey(deps, keys.account, attempt.password)
  // Both read before this write counts anything: the network as it was, the password as new.
  const counts = repeat ? noLiveWindow(repeat, now) : always
  const fromKnownNetwork = known ? liveHitsBelow(known, now, policy.accountHardStopFailures) : never
  const statements = [
    pruneExpiredThrottles(now),
    pruneRateLimits(now),
    countAccountFailure(throttleRowKey(deps, keys.account), now, {
      counts,
      fromKnownNetwork,
      lock: lockPolicy(policy, policy.accountLockThreshold),
      quietMs: policy.accountQuietSeconds * 1000,
      hardStopFailures: policy.accountHardStopFailures,
      memoryMs: policy.accountMemorySeconds * 1000,
    }),
  ]
  if (known) statements.push(countHitInLiveWindow(known, now, counts))
  if (keys.ip) {
    statements.push(
      countIpFailure(throttleRowKey(deps, keys.ip), now, {
        lock: lockPolicy(policy, policy.ipLockThreshold),
        windowMs: policy.ipWindowSeconds * 1000,
      }),
    )
  }
  // Its window starts with the first failure and is not stretched by repeats.
  if (repeat) statements.push(countHit(repeat, now, policy.repeatedPasswordSeconds * 1000))
  return statements
}

/**
 * True when the account's lock began with this very failure, or its hard stop did (either is
 * worth an `authn_login_lock` event). A failure that did not count (a repeated password) began
 * nothing.
 */
export async function accountLockJustStarted(deps: Deps, accountKey: string): Promise<boolean> {
  const policy = deps.settings.signInThrottle
  const now = deps.clock.now()
  const row = await findThrottle(deps.database.db, throttleRowKey(deps, accountKey))
  if (!row || row.lastFailureAt !== now) return false
  return (
    row.consecutive === policy.accountHardStopFailures ||
    (row.failures === policy.accountLockThreshold && (row.lockedUntil ?? 0) > now)
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

/**
 * A sign-in that succeeded (password, and second factor if any) makes the caller's network known
 * for the account for `knownNetworkSeconds`, its failure count back at zero; if `guard` holds.
 */
export function rememberKnownNetwork(deps: Deps, keys: ThrottleKeys, guard: Guard): Statement[] {
  const known = knownNetworkRowKey(deps, keys)
  if (!known) return []
  const now = deps.clock.now()
  const ttlMs = deps.settings.signInThrottle.knownNetworkSeconds * 1000
  return [pruneRateLimits(now), restartWindow(known, now, ttlMs, guard)]
}
