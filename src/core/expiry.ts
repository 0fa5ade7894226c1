/**
 * True once `now` has reached `expiresAt` (epoch milliseconds); `null` means it never expires.
 * The boundary instant counts as expired, everywhere the same.
 */
export function hasExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now
}

/**
 * True when the user still owes a password change and the temporary password they were given has
 * run out: it opens nothing any more, not even the change step; only a new reset helps.
 *
 * @example
 * isTemporaryPasswordExpired({ mustChangePassword: true, temporaryExpiresAt: 1000 }, 1000) // true
 */
export function isTemporaryPasswordExpired(
  user: { mustChangePassword: boolean; temporaryExpiresAt: number | null },
  now: number,
): boolean {
  return user.mustChangePassword && hasExpired(user.temporaryExpiresAt, now)
}

/**
 * When a password-change challenge issued at `now` expires: after its own lifetime, but never
 * later than the temporary password it was earned with.
 */
export function challengeExpiresAt(
  now: number,
  challengeTtlSeconds: number,
  temporaryExpiresAt: number | null,
): number {
  return Math.min(now + challengeTtlSeconds * 1000, temporaryExpiresAt ?? Number.POSITIVE_INFINITY)
}
