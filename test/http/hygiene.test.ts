import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/app.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('referrer-policy')).toBe('no-referrer')
  expect(headers.get('content-security-policy')).toContain("default-src 'none'")
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  expect(headers.get('cache-control')).toBe('no-store')
  expect(headers.get('x-request-id')).toMatch(/^[\w-]{16}$/)
  expect(headers.get('x-powered-by')).toBeNull()
  expect(headers.get('server')).toBeNull()
}

describe('every response', () => {
  it('carries the security headers, on success and on every kind of error', async () => {
    const admin = await t.seedTenant()
    const responses = [
      await t.get('/healthz'),
      await t.get('/openapi.json'),
      await t.get('me', admin.accessToken),
      await t.get('me'),
      await t.get('/nope'),
      await t.get('/api/v1/nope'),
      await t.call('DELETE', 'me', { token: admin.accessToken }),
      await t.post('auth/sign-in', 'not json', { headers: { 'Content-Type': 'text/plain' } }),
      await t.post('auth/sign-in', '{"email":', {}),
      await t.post('auth/sign-in', { email: 'a@b.c', password: 'wrong one' }),
    ]
    for (const res of responses) expectSecurityHeaders(res.headers)
  })

  it('answers errors as problem+json with a stable code and no stack', async () => {
    const res = await t.get('/api/v1/nope')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8')
    expect(res.json).toEqual({
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      code: 'NOT_FOUND',
    })
  })

  it('answers JSON with an explicit charset', async () => {
    const res = await t.get('/healthz')
    expect(res.json).toEqual({ status: 'ok' })
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })
})

describe('bad input', () => {
  it('415 for a body that is not JSON', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await t.post('auth/sign-in', '{"email":"a@b.c","password":"x"}', {
        headers: { 'Content-Type': type },
      })
      expect(res.status, type).toBe(415)
      expect(res.json.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    }
  })

  it('415 for a body with no content type; none needed without a body', async () => {
    const res = await t.app.request('/api/v1/auth/sign-in', {
      method: 'POST',
      body: '{"email":"a@b.c"}',
    })
    expect(res.status).toBe(415)
    const admin = await t.seedTenant()
    const out = await t.app.request('/api/v1/auth/sign-out', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.accessToken}` },
    })
    expect(out.status).toBe(204)
    // Nor does an empty body sent with another type (`curl -X POST -d ''` sends a form's).
    const again = await t.seedTenant('Other')
    const formTyped = await t.app.request('/api/v1/auth/sign-out', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${again.accessToken}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: '',
    })
    expect(formTyped.status).toBe(204)
  })

  it('400 MALFORMED_JSON for broken JSON', async () => {
    const res = await t.post('auth/sign-in', '{"email": "a@b.c", ')
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('MALFORMED_JSON')
  })

  it('400 VALIDATION_FAILED with the failing fields', async () => {
    const res = await t.post('auth/sign-in', { email: 'a@b.c' })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('VALIDATION_FAILED')
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain('password')
    const wrongType = await t.post('auth/sign-in', { email: 42, password: ['x'] })
    expect(wrongType.status).toBe(400)
    const array = await t.post('auth/sign-in', [1, 2])
    expect(array.status).toBe(400)
  })

  it('400 for unknown fields (no mass assignment)', async () => {
    const res = await t.post('auth/sign-in', {
      email: 'a@b.c',
      password: 'pw',
      role: 'global_admin',
    })
    expect(res.status).toBe(400)
  })

  it('413 for an oversized body, before any hashing', async () => {
    const verifies = t.hashCalls.verify
    const res = await t.post('auth/sign-in', { email: 'a@b.c', password: 'x'.repeat(1024 * 1024) })
    expect(res.status).toBe(413)
    expect(res.json.code).toBe('PAYLOAD_TOO_LARGE')
    expect(t.hashCalls.verify).toBe(verifies)
  })

  it('413 from a declared Content-Length alone, before the body is read; a small one passes', async () => {
    const body = { email: 'a@b.c', password: 'pw' }
    const declared = (length: number) =>
      t.call('POST', 'auth/sign-in', { body, headers: { 'Content-Length': String(length) } })
    const over = await declared(16 * 1024 + 1)
    expect([over.status, over.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    const fits = await declared(JSON.stringify(body).length)
    expect([fits.status, fits.json.code]).toEqual([401, 'INVALID_CREDENTIALS'])
  })

  it('404 for unknown paths, 405 with Allow for a known path and wrong method', async () => {
    expect((await t.get('nothing-here')).status).toBe(404)
    const res = await t.get('auth/sign-in')
    expect(res.status).toBe(405)
    expect(res.json.code).toBe('METHOD_NOT_ALLOWED')
    expect(res.headers.get('allow')).toBe('POST')
    // Decided before a route's own authentication, with or without a token.
    const signOut = await t.get('auth/sign-out')
    expect([signOut.status, signOut.headers.get('allow')]).toEqual([405, 'POST'])
    const put = await t.call('PUT', 'me/password', { body: {} })
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'POST'])
    const resetPath = await t.call('DELETE', 'users/some-id/password-reset')
    expect(resetPath.headers.get('allow')).toBe('POST, GET')
  })

  it('a trailing slash is another path: 404, never a 405 that allows the very method used', async () => {
    const admin = await t.seedTenant()
    expect((await t.get('me/', admin.accessToken)).status).toBe(404)
    expect((await t.post('auth/sign-in/', { email: 'a@b.c', password: 'x' })).status).toBe(404)
    expect((await t.get('/healthz/')).status).toBe(404)
  })

  it('an empty body with a JSON content type is no body: optional bodies pass, required fields are named', async () => {
    const admin = await t.seedTenant()
    const signOut = await t.call('POST', 'auth/sign-out', {
      token: admin.accessToken,
      headers: { 'Content-Type': 'application/json' },
    })
    expect(signOut.status).toBe(204)
    expect((await t.get('me', admin.accessToken)).status).toBe(401)
    const signIn = await t.call('POST', 'auth/sign-in', {
      headers: { 'Content-Type': 'application/json' },
    })
    expect(signIn.status).toBe(400)
    expect(signIn.json.code).toBe('VALIDATION_FAILED')
    expect(signIn.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'password',
    ])
  })

  it('403 for a cross-site browser request or a foreign Origin; allowed origins pass', async () => {
    const body = { email: 'a@b.c', password: 'some password here' }
    const crossSite = await t.post('auth/sign-in', body, {
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    })
    expect(crossSite.status).toBe(403)
    expect(crossSite.json.code).toBe('CROSS_SITE_REQUEST')
    const evil = await t.post('auth/sign-in', body, { headers: { Origin: 'https://evil.example' } })
    expect(evil.status).toBe(403)
    const allowed = await t.post('auth/sign-in', body, {
      headers: { Origin: 'https://admin.example.test' },
    })
    expect(allowed.status).toBe(401)
  })

  it('CORS: allowed origins only, exactly, without credentials; others get no CORS headers', async () => {
    const preflight = (origin: string) =>
      t.call('OPTIONS', 'auth/sign-in', {
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      })
    const allowed = await preflight('https://admin.example.test')
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.test')
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE')
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization')
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull()
    expect(allowed.headers.get('vary')).toContain('Origin')
    for (const origin of ['https://evil.example', 'null', 'https://admin.example.test.evil']) {
      const refused = await preflight(origin)
      expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    }
    const simple = await t.call('GET', '/healthz', {
      headers: { Origin: 'https://admin.example.test' },
    })
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://admin.example.test')
    expect(simple.headers.get('access-control-expose-headers')).toContain('X-Request-Id')
  })
})

describe('operations', () => {
  it('GET /healthz', async () => {
    expect((await t.get('/healthz')).json).toEqual({ status: 'ok' })
  })

  it('GET /openapi.json documents every route (the API and /healthz) from the validating schemas', async () => {
    const doc = (await t.get('/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'POST /api/v1/auth/sign-in',
        'POST /api/v1/auth/mfa',
        'POST /api/v1/auth/password-change',
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/sign-out',
        'POST /api/v1/auth/forgot-password',
        'GET /api/v1/me',
        'PATCH /api/v1/me',
        'POST /api/v1/me/password',
        'POST /api/v1/me/mfa/totp',
        'DELETE /api/v1/me/mfa/totp',
        'POST /api/v1/me/mfa/totp/confirm',
        'POST /api/v1/me/mfa/verify',
        'GET /api/v1/users',
        'POST /api/v1/users',
        'GET /api/v1/users/{id}',
        'POST /api/v1/users/{id}/password-reset',
        'POST /api/v1/reveal/{id}',
        'GET /api/v1/outbox',
        'GET /api/v1/users/{id}/password-reset',
        'POST /api/v1/users/{id}/mfa-reset',
        'DELETE /api/v1/users/{id}/sessions',
        'PUT /api/v1/users/{id}/block',
        'DELETE /api/v1/users/{id}/block',
        'GET /api/v1/password-reset-requests',
        'DELETE /api/v1/password-reset-requests/{id}',
        'GET /api/v1/audit-events',
        'POST /api/v1/clients',
        'GET /api/v1/clients',
        'GET /api/v1/clients/{clientId}',
        'DELETE /api/v1/clients/{clientId}',
        'POST /api/v1/clients/{clientId}/secret',
        'POST /api/v1/users/{id}/verifications',
        'POST /api/v1/verifications/{verificationId}',
        'GET /api/v1/approvals',
        'GET /api/v1/approvals/{id}',
        'POST /api/v1/approvals/{id}/approve',
        'POST /api/v1/approvals/{id}/deny',
        'POST /api/v1/approvals/{id}/cancel',
        'POST /api/v1/approvals/{id}/execute',
      ].sort(),
    )
    // The one-time setup route exists, and is documented, only while a setup token is set.
    const withSetup = await createTestApp({ setupToken: 's'.repeat(43) })
    expect((await withSetup.get('/openapi.json')).json.paths['/api/v1/setup'].post).toBeDefined()
    await withSetup.close()
    expect(doc.components.schemas.SignInRequest.required).toEqual(['email', 'password'])
  })

  it('an internal failure is a bare 500 with a request id, and the details go to the log only', async () => {
    const broken = createApp({
      ...t.deps,
      database: {
        ...t.deps.database,
        db: new Proxy(t.deps.database.db, {
          get() {
            throw new Error('disk on fire at /var/secret/path')
          },
        }),
      },
    })
    const res = await broken.request('/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: 'some password here' }),
    })
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Something went wrong',
      status: 500,
      code: 'INTERNAL_ERROR',
      requestId: res.headers.get('x-request-id'),
    })
    expect(JSON.stringify(body)).not.toContain('fire')
    expect(t.logLines.some((line) => line.includes('disk on fire'))).toBe(true)
  })
})

describe('logs', () => {
  it('never contain a password, hash or token, across a whole journey', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const reset = await t.post(
      `users/${bob.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    const challenge = await t.post('auth/sign-in', {
      email: bob.email,
      password: reset.json.temporaryPassword,
    })
    const changed = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: 'Robert now has a new passphrase',
    })
    await t.post('auth/sign-in', { email: bob.email, password: 'a wrong password here' })
    const refreshed = await t.post('auth/refresh', { refreshToken: changed.json.refreshToken })
    await t.post('auth/refresh', { refreshToken: changed.json.refreshToken }) // reuse

    const hashes = (await t.rows<{ h: string }>('select password_hash as h from users')).map(
      (r) => r.h,
    )
    const secrets = [
      admin.password,
      admin.accessToken,
      admin.refreshToken,
      bob.password,
      reset.json.temporaryPassword,
      challenge.json.challengeToken,
      changed.json.accessToken,
      changed.json.refreshToken,
      refreshed.json.refreshToken,
      'Robert now has a new passphrase',
      'a wrong password here',
      ...hashes,
    ]
    const log = t.logLines.join('\n')
    expect(t.logLines.length).toBeGreaterThan(10)
    for (const secret of secrets) expect(log).not.toContain(secret)
    for (const line of t.logLines) expect(() => JSON.parse(line)).not.toThrow()
  })
})
