/** The growing lock after repeated failures: nothing for `freeFailures`, then doubling. */
export interface LockPolicy {
  freeFailures: number
  baseSeconds: number
  maxSeconds: number
}

/** Doublings stop here, whatever the count: 2^30 × base is far beyond any `maxSeconds`. */
export const MAX_LOCK_DOUBLINGS = 30

/**
 * How long a sign-in key (an account or a client IP) stays locked after `failures` failures in its
 * window: nothing for the first `freeFailures - 1`, then `baseSeconds`, doubling with every further
 * failure up to `maxSeconds` (Cognito's and Keycloak's growing wait). Returns milliseconds. The
 * throttle's SQL computes the same formula from the same constants (see `lockDurationSql`).
 *
 * @example
 * lockDurationMs(5, { freeFailures: 5, baseSeconds: 30, maxSeconds: 900 }) // 30_000
 */
export function lockDurationMs(failures: number, policy: LockPolicy): number {
  if (failures < policy.freeFailures) return 0
  const doublings = Math.min(failures - policy.freeFailures, MAX_LOCK_DOUBLINGS)
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds) * 1000
}
