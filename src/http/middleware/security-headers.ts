import type { MiddlewareHandler } from 'hono'

// Every response of every surface: no sniffing, no framing, no referrer, HTTPS remembered.
const BASE_HEADERS: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

// A JSON response needs no browser capabilities at all: deny everything, and since responses carry
// tokens, passwords or per-user data, no cache may keep any of them. This is also the default for
// any response whose surface chose no policy of its own (errors, 404s, /healthz).
const LOCKED_DOWN_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}

const BASE = Object.entries(BASE_HEADERS)
const LOCKED_DOWN = Object.entries(LOCKED_DOWN_HEADERS)

function setAll(headers: Headers, entries: [string, string][]): void {
  for (const [name, value] of entries) headers.set(name, value)
}

/**
 * Sets the app's security headers on a response built outside the app (the Worker entry's own
 * error responses), so that no response of a runtime goes out without them. The response's
 * headers must be mutable, as they are on any `new Response()`.
 *
 * @example
 * return applySecurityHeaders(problem('INTERNAL_ERROR'))
 */
export function applySecurityHeaders(response: Response): Response {
  setAll(response.headers, BASE)
  setAll(response.headers, LOCKED_DOWN)
  return response
}

/**
 * The root's headers, on every response, errors included: the base set always, and the locked-down
 * CSP and cache policy wherever no surface set its own. Headers are set up front (the cheap path
 * for responses built by handlers) and checked again afterwards, for responses built elsewhere
 * (the error translator, 404/405).
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, value] of BASE) c.header(name, value)
    await next()
    const headers = c.res.headers
    if (!headers.has('X-Content-Type-Options')) setAll(headers, BASE)
    if (!headers.has('Content-Security-Policy')) setAll(headers, LOCKED_DOWN)
    if (headers.get('Content-Type') === 'application/json') {
      headers.set('Content-Type', 'application/json; charset=utf-8')
    }
  }
}

/** The JSON API's headers: locked down whatever a handler or the error translator set. */
export function apiHeaders(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, value] of LOCKED_DOWN) c.header(name, value)
    await next()
    if (c.res.headers.get('Cache-Control') !== LOCKED_DOWN_HEADERS['Cache-Control']) {
      setAll(c.res.headers, LOCKED_DOWN)
    }
  }
}
