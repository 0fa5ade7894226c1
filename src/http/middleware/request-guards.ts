import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { every } from 'hono/combine'
import { AppError } from '../../core/errors.ts'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const JSON_TYPE = /^application\/json\s*(;|$)/i
/** Bodies are small JSON objects; anything bigger is refused while it is read (413). */
export const MAX_BODY_BYTES = 16 * 1024

/**
 * The JSON API's guards for state-changing requests, before any handler runs:
 * - a browser's cross-site request (`Sec-Fetch-Site: cross-site`, or an `Origin` that is neither
 *   this site's public origin nor an allowed one) is refused. "This site" comes from configuration,
 *   never from the request's Host or URL: a DNS-rebinding page sends its own Host, and behind a
 *   TLS-terminating proxy the request URL says http://;
 * - a body larger than MAX_BODY_BYTES is refused (413), declared or streamed;
 * - a body must be `application/json` (415 otherwise), which a cross-site HTML form cannot send.
 */
export function requestGuards(origins: {
  siteOrigins: string[]
  allowedOrigins: string[]
}): MiddlewareHandler {
  const trusted = new Set([...origins.siteOrigins, ...origins.allowedOrigins])
  const checkOriginAndType: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('Origin')
    const allowed = origin !== undefined && trusted.has(origin)
    if (origin !== undefined && !allowed) throw new AppError('CROSS_SITE_REQUEST')
    if (c.req.header('Sec-Fetch-Site') === 'cross-site' && !allowed)
      throw new AppError('CROSS_SITE_REQUEST')

    const contentType = c.req.header('Content-Type')
    // Read once here (within the size limit); the validators reuse Hono's cached copy.
    const body = await c.req.text()
    if (body.length === 0) {
      // No body needs no type, and one sent anyway (JSON's, by many clients; a form's, by
      // `curl -d ''`) is set aside: an optional body is then simply absent, and a required one is
      // reported field by field.
      if (contentType !== undefined) c.req.raw = withoutBody(c.req.raw)
    } else if (contentType === undefined || !JSON_TYPE.test(contentType)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE')
    }
    return next()
  }
  const guardUnsafe = every(limitBody, checkOriginAndType)
  return (c, next) => (UNSAFE_METHODS.has(c.req.method) ? guardUnsafe(c, next) : next())
}

function withoutBody(request: Request): Request {
  const headers = new Headers(request.headers)
  headers.delete('Content-Type')
  return new Request(request.url, { method: request.method, headers, signal: request.signal })
}

/**
 * 413 for a body over MAX_BODY_BYTES. A declared length (without chunking, Node's parser holds the
 * body to it) is checked from the header alone: Hono's bodyLimit would first turn the request
 * into a full WHATWG Request with a body stream, which costs a sign-in more than its JSON parse.
 * A chunked body is counted as it streams, by Hono's bodyLimit.
 */
export const limitBody: MiddlewareHandler = (c, next) => {
  const declared = c.req.header('Content-Length')
  if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined) {
    return limitStreamedBody(c, next)
  }
  if (Number(declared) > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE')
  return next()
}

const limitStreamedBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError('PAYLOAD_TOO_LARGE')
  },
})
