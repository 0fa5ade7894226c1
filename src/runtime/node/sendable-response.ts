import type { Logger } from '../../core/logger.ts'
import { applySecurityHeaders } from '../../http/middleware/security-headers.ts'
import { problem } from '../../http/problem.ts'

// Node's http module refuses a header value with any of these (control characters, or anything
// beyond Latin-1), and @hono/node-server then answers a bare 500 of its own: none of our headers,
// no request id, nothing in our log.
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/

/**
 * The app's response, or, when one of its header values cannot be sent by Node, the app's own
 * 500 with the security headers and the request id, and the header's name in the log. Such a
 * header is a bug (a redirect built from unchecked input, say); this keeps it a visible one.
 *
 * @example
 * fetch: async (request) => sendableResponse(await app.fetch(request), logger)
 */
export function sendableResponse(response: Response, logger: Logger): Response {
  for (const [name, value] of response.headers) {
    if (!UNSENDABLE.test(value)) continue
    const requestId = response.headers.get('X-Request-Id') ?? undefined
    logger.error('unsendable_header', { requestId, header: name })
    void response.body?.cancel()
    const answer = applySecurityHeaders(problem('INTERNAL_ERROR', { requestId }))
    if (requestId) answer.headers.set('X-Request-Id', requestId)
    return answer
  }
  return response
}
