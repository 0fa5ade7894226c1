import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { every } from 'hono/combine'
import { AppError } from '../../core/errors.ts'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const JSON_TYPE = /^application\/json\s*(;|$)/i
/** Bodies are small JSON objects; anything bigger is refused while it is read (413). */
export const MAX_BODY_BYTES = 16 * 1024

/**
 * Guards for state-changing requests, before any handler runs:
 * - a browser's cross-site request (`Sec-Fetch-Site: cross-site`, or a foreign `Origin`) is refused;
 * - a body larger than MAX_BODY_BYTES is refused (413), declared or streamed;
 * - a body must be `application/json` (415 otherwise), which a cross-site HTML form cannot send.
 */
export function requestGuards(allowedOrigins: string[]): MiddlewareHandler {
  const checkOriginAndType: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('Origin')
    const sameOrigin = origin === new URL(c.req.url).origin
    const allowed = origin !== undefined && (sameOrigin || allowedOrigins.includes(origin))
    if (origin !== undefined && !allowed) throw new AppError('CROSS_SITE_REQUEST')
    if (c.req.header('Sec-Fetch-Site') === 'cross-site' && !allowed)
      throw new AppError('CROSS_SITE_REQUEST')

    const contentType = c.req.header('Content-Type')
    if (contentType !== undefined && !JSON_TYPE.test(contentType))
      throw new AppError('UNSUPPORTED_MEDIA_TYPE')
    // No declared type is fine only when there is no body at all.
    if (contentType === undefined && (await c.req.text()).length > 0) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE')
    }
    return next()
  }
  const guardUnsafe = every(limitBody, checkOriginAndType)
  return (c, next) => (UNSAFE_METHODS.has(c.req.method) ? guardUnsafe(c, next) : next())
}

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError('PAYLOAD_TOO_LARGE')
  },
})
