import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// What the contract fuzzer (test/fuzz) found, pinned one by one on both runtimes.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ setupToken: 's'.repeat(43) })
})
afterEach(() => t.close())

const sameSite = { Origin: 'http://localhost' }

describe('found by fuzzing', () => {
  it('a NUL in a user search is a clear 400 (it was an FTS5 syntax error: 500)', async () => {
    const admin = await t.seedTenant()
    for (const search of ['ab%00cd', 'abc%00', '%00%00%00', 'a%00']) {
      const res = await t.get(`users?search=${search}`, admin.accessToken)
      expect(res.status, search).toBe(400)
      expect(res.json.code).toBe('VALIDATION_FAILED')
    }
    const page = await t.app.request('/admin/users?search=ab%00cd', {
      headers: { Cookie: await signInCookie(admin.email, admin.password) },
    })
    expect(page.status).toBe(400)
  })

  it('a form body that cannot be parsed is a 400 page on every form, not a 500', async () => {
    const broken = [
      [
        'multipart/form-data',
        '--b1\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--b1--\r\n',
      ],
      [
        'multipart/form-data; boundary=b1',
        '--b1\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
      ],
    ]
    for (const path of ['/sign-in', '/forgot-password', '/language', '/sign-out']) {
      for (const [type, body] of broken) {
        const res = await t.app.request(path, {
          method: 'POST',
          headers: { 'Content-Type': type!, ...sameSite },
          body,
        })
        expect(res.status, `${path} ${type}`).toBe(400)
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
        expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      }
    }
  })

  it('a control character in the language switch’s return path sends the browser home', async () => {
    for (const next of ['/a%00b', '/a%01b', '/%1b[31m', '/a%7fb', '/%C2%85']) {
      const res = await t.app.request('/language', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameSite },
        body: `lang=nl&next=${next}`,
      })
      expect(res.status, next).toBe(303)
      expect(res.headers.get('location'), next).toBe('/')
    }
  })

  it('setup without its token is a 401 whatever the body (the body was judged first: 400)', async () => {
    for (const body of [{}, { tenantName: 'x', adminEmail: 0 }, 'not json']) {
      const res = await t.post('setup', body)
      expect(res.status, JSON.stringify(body)).toBe(401)
    }
  })
})

async function signInCookie(email: string, password: string): Promise<string> {
  const res = await t.app.request('/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameSite },
    body: new URLSearchParams({ email, password }).toString(),
  })
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oncepass_session='))
  return cookie!.split(';')[0]!
}
