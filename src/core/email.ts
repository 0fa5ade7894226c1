/**
 * The canonical form of a sign-in email: NFKC, trimmed, lower-cased. Stored and looked up in this
 * form only, so `User@Example.com` and `user@example.com` are one account and one throttle key.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase()
}

/** The part before the last `@`, used by the password policy's "no email in password" rule. */
export function emailLocalPart(email: string): string {
  const at = email.lastIndexOf('@')
  return at === -1 ? email : email.slice(0, at)
}
