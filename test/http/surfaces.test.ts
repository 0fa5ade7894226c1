import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The app has two surfaces: the JSON API under /api/v1 with its own guards and headers, and the
// rest of the site. These tests pin the boundary and the checks that do not trust the request.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const form = { 'Content-Type': 'application/x-www-form-urlencoded' }

describe('the JSON API surface', () => {
  it('keeps its JSON-only guard to /api/v1: a form post elsewhere is not a 415', async () => {
    const api = await t.call('POST', 'auth/sign-in', { body: 'email=a%40b.c', headers: form })
    expect(api.status).toBe(415)
    const elsewhere = await t.call('POST', '/not-an-api-path', { body: 'a=1', headers: form })
    expect(elsewhere.status).toBe(404)
  })

  it('judges "same origin" by the configured public URL, never by the Host the request names', async () => {
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'x' })
    const headers = { 'Content-Type': 'application/json' }
    // A DNS-rebinding page: its Origin matches the URL it requested, which is not ours.
    const rebound = await t.app.request('http://rebind.evil.example:3000/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { ...headers, Origin: 'http://rebind.evil.example:3000' },
      body,
    })
    expect(rebound.status).toBe(403)
    expect(((await rebound.json()) as { code: string }).code).toBe('CROSS_SITE_REQUEST')
    // Behind a TLS-terminating proxy the request URL says http://, the browser's Origin https://.
    const proxied = await t.app.request('http://internal:8080/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { ...headers, Origin: 'http://localhost' },
      body,
    })
    expect(proxied.status).toBe(401)
  })

  it('requires a bearer token on every route the document marks as bearer-protected', async () => {
    const doc = (await t.get('/openapi.json')).json
    const protectedOperations = Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown[] }>>,
    ).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => (operation.security?.length ?? 0) > 0)
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    )
    expect(protectedOperations.length).toBeGreaterThanOrEqual(9)
    for (const { method, path } of protectedOperations) {
      const url = path.replace('{id}', '00000000-0000-0000-0000-000000000000')
      const response = await t.call(method, url, method === 'GET' ? {} : { body: {} })
      expect(response.status, `${method} ${path}`).toBe(401)
    }
  })
})
