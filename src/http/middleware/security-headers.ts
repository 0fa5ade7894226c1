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

/** Sets the security headers on every response, errors included, and strips version headers. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value)
    if (c.res.headers.get('Content-Type') === 'application/json') {
      c.res.headers.set('Content-Type', 'application/json; charset=utf-8')
    }
    c.res.headers.delete('X-Powered-By')
    c.res.headers.delete('Server')
  }
}
