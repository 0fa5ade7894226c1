/**
 * How long a sign-in key (an account or a client IP) stays locked after `failures` consecutive
 * failures: nothing for the first `freeFailures`, then `baseSeconds`, doubling with every further
 * failure up to `maxSeconds` (Cognito's and Keycloak's growing wait). Returns milliseconds.
 *
 * @example
 * lockDurationMs(5, { freeFailures: 5, baseSeconds: 30, maxSeconds: 900 }) // 30_000
 */
export function lockDurationMs(
  failures: number,
  policy: { freeFailures: number; baseSeconds: number; maxSeconds: number },
): number {
  if (failures < policy.freeFailures) return 0
  const doublings = Math.min(failures - policy.freeFailures, 30)
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds) * 1000
}
