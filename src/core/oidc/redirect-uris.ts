/**
 * Redirect URIs, as OAuth 2.0 Security BCP (RFC 9700 §2.1, §4.1) and RFC 8252 want them: exact
 * string matching, `https` (or `http` on a loopback address for native apps, any port), no
 * fragment, no wildcard, no credentials in the URL.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])
export const MAX_REDIRECT_URI_LENGTH = 1000

export type RedirectUriProblem =
  'NOT_A_URL' | 'TOO_LONG' | 'HAS_FRAGMENT' | 'HAS_WILDCARD' | 'HAS_CREDENTIALS' | 'NOT_HTTPS'

/** Each problem in words, for the API's validation errors (the pages word it in their copy). */
export const REDIRECT_URI_MESSAGES: Record<RedirectUriProblem, string> = {
  NOT_A_URL:
    'Must be a full URL written exactly as a URL parser writes it: lower-case scheme and host, and a path (at least /), e.g. https://app.example/callback.',
  TOO_LONG: `Must be at most ${MAX_REDIRECT_URI_LENGTH} characters.`,
  HAS_FRAGMENT: 'Must not contain a fragment (#).',
  HAS_WILDCARD: 'Must not contain a wildcard (*): URIs are compared exactly.',
  HAS_CREDENTIALS: 'Must not contain a user name or password.',
  NOT_HTTPS: 'Must use https; http is allowed only on 127.0.0.1, [::1] or localhost.',
}

/**
 * Why `uri` cannot be registered, or null when it can. The text is stored and compared as typed,
 * so it must already be what a URL parser would print (no case or encoding differences to hide).
 *
 * @example
 * redirectUriProblem('https://app.example/callback') // null
 * redirectUriProblem('http://app.example/callback') // 'NOT_HTTPS'
 */
export function redirectUriProblem(uri: string): RedirectUriProblem | null {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return 'TOO_LONG'
  if (uri.includes('#')) return 'HAS_FRAGMENT'
  if (uri.includes('*')) return 'HAS_WILDCARD'
  const url = parseUrl(uri)
  if (!url || url.href !== uri) return 'NOT_A_URL'
  if (url.username || url.password) return 'HAS_CREDENTIALS'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null
  return 'NOT_HTTPS'
}

/**
 * Whether the `asked` redirect URI is one of the `registered` ones: the exact same string, except
 * that a registered loopback `http` URI matches on any port (RFC 8252 §7.3: a native app listens
 * on whatever port it gets). Nothing else is normalised: another case, encoding or path is another
 * URI, and is refused.
 */
export function matchesRegisteredUri(registered: readonly string[], asked: string): boolean {
  if (registered.includes(asked)) return true
  const url = parseUrl(asked)
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return false
  const askedWithoutPort = withoutPort(url)
  return registered.some((uri) => {
    const known = parseUrl(uri)
    return known !== null && known.protocol === 'http:' && withoutPort(known) === askedWithoutPort
  })
}

/** The origin a browser app sends from, for each registered URI (for CORS on the JSON endpoints). */
export function originsOf(uris: readonly string[]): string[] {
  return [...new Set(uris.map((uri) => parseUrl(uri)?.origin).filter((o) => o !== undefined))]
}

function withoutPort(url: URL): string {
  const copy = new URL(url.href)
  copy.port = ''
  return copy.href
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}
