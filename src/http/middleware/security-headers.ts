import type { MiddlewareHandler } from 'hono'

// A JSON API needs no browser capabilities at all: deny everything, framing included.
const HEADERS: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Responses carry tokens, passwords or per-user data: no cache may keep any of them.
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}
const ENTRIES = Object.entries(HEADERS)

function setSecurityHeaders(headers: Headers): void {
  for (const [name, value] of ENTRIES) headers.set(name, value)
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
  setSecurityHeaders(response.headers)
  return response
}

/**
 * Sets the security headers on every response, errors included. They are set up front (the cheap
 * path for responses built by handlers) and checked again afterwards, for responses built
 * elsewhere (the error translator, 404/405).
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, value] of ENTRIES) c.header(name, value)
    await next()
    const headers = c.res.headers
    if (headers.get('Cache-Control') !== HEADERS['Cache-Control']) {
      setSecurityHeaders(headers)
    }
    if (headers.get('Content-Type') === 'application/json') {
      headers.set('Content-Type', 'application/json; charset=utf-8')
    }
  }
}
