/** The scopes an app may ask for; others are ignored (RFC 6749 §3.3 lets the server narrow). */
export const supportedScopes = ['openid', 'email', 'profile', 'offline_access'] as const
export type Scope = (typeof supportedScopes)[number]

/**
 * The scopes granted for a request's `scope` text, in a stable order, or null when `openid` is
 * missing (an OpenID Connect request must carry it).
 *
 * @example
 * grantScopes('openid email photos') // ['openid', 'email']
 */
export function grantScopes(requested: string): Scope[] | null {
  const asked = new Set(requested.split(' ').filter(Boolean))
  if (!asked.has('openid')) return null
  return supportedScopes.filter((scope) => asked.has(scope))
}

/** A granted scope list as the space-separated text tokens carry. */
export function scopeText(scopes: readonly string[]): string {
  return scopes.join(' ')
}

/** The list back from its text (from a stored grant or a token). */
export function parseScopeText(text: string): Scope[] {
  const asked = new Set(text.split(' '))
  return supportedScopes.filter((scope) => asked.has(scope))
}
