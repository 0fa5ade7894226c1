import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { sendableResponse } from '../../src/runtime/node/sendable-response.ts'

const servers: { close(): void }[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

/** A loopback server answering every request with `respond()`, asynchronously as the app does. */
async function serveOnLoopback(respond: () => Response): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: respond, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    )
    servers.push(server)
  })
}

const redirectWithControl = () =>
  new Response(null, {
    status: 303,
    headers: {
      Location: '/a\x01b',
      'X-Request-Id': 'req-123',
      'X-Content-Type-Options': 'nosniff',
    },
  })

// Unguarded, @hono/node-server answers such a response with a bare 500 of its own (no security
// headers, no request id) after logging the error to stderr.
describe('a response Node cannot send', () => {
  it('becomes the app’s own 500, with the security headers, the request id and a log line', async () => {
    const lines: string[] = []
    const logger = createJsonLogger((line) => lines.push(line))
    const origin = await serveOnLoopback(() => sendableResponse(redirectWithControl(), logger))
    const res = await fetch(origin, { redirect: 'manual' })
    expect(res.status).toBe(500)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000')
    expect(res.headers.get('x-request-id')).toBe('req-123')
    expect(await res.json()).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-123' })
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ event: 'unsendable_header', header: 'location' }),
    ])
  })

  it('passes every sendable response through untouched', () => {
    const logger = createJsonLogger(() => {})
    const fine = new Response('ok', { headers: { Location: '/caf\xe9?q=%00' } })
    expect(sendableResponse(fine, logger)).toBe(fine)
  })
})
