import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const signIn = async (email: string, password: string) =>
  (await t.post('auth/sign-in', { email, password })).json

describe('refresh tokens', () => {
  it('rotate: the new pair works, and the old refresh token is single-use', async () => {
    const admin = await t.seedTenant()
    const first = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    expect(first.status).toBe(200)
    expect(first.json.refreshToken).not.toBe(admin.refreshToken)
    expect(first.headers.get('cache-control')).toBe('no-store')
    expect((await t.get('me', first.json.accessToken)).status).toBe(200)
    expect((await t.post('auth/refresh', { refreshToken: first.json.refreshToken })).status).toBe(
      200,
    )
  })

  it('reuse of a rotated token ends the whole family, current tokens included', async () => {
    const admin = await t.seedTenant()
    const rotated = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    const reuse = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    expect(reuse.status).toBe(401)
    expect(reuse.json.code).toBe('INVALID_REFRESH_TOKEN')
    expect((await t.post('auth/refresh', { refreshToken: rotated.json.refreshToken })).status).toBe(
      401,
    )
    expect((await t.get('me', rotated.json.accessToken)).status).toBe(401)
    const audit = await t.get(
      'audit-events',
      (await signIn(admin.email, admin.password)).accessToken,
    )
    expect(audit.json.items.map((e: { event: string }) => e.event)).toContain('authn_token_reuse')
  })

  it('two concurrent refreshes with one token: one wins, the family ends', async () => {
    const admin = await t.seedTenant()
    const results = await Promise.all([
      t.post('auth/refresh', { refreshToken: admin.refreshToken }),
      t.post('auth/refresh', { refreshToken: admin.refreshToken }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 401])
  })

  it('expire after the idle timeout', async () => {
    const admin = await t.seedTenant()
    t.clock.advance(30 * 60 * 1000 + 1)
    expect((await t.post('auth/refresh', { refreshToken: admin.refreshToken })).status).toBe(401)
  })

  it('refuse unknown tokens', async () => {
    expect((await t.post('auth/refresh', { refreshToken: 'no-such-token' })).status).toBe(401)
  })
})

describe('access tokens and sessions', () => {
  it('expire after 10 minutes', async () => {
    const admin = await t.seedTenant()
    t.clock.advance(10 * 60 * 1000 + 6_000)
    expect((await t.get('me', admin.accessToken)).status).toBe(401)
  })

  it('end at the absolute session limit even when refreshed', async () => {
    const admin = await t.seedTenant()
    let refreshToken = admin.refreshToken
    let refreshed = 0
    for (let i = 0; i < 30; i++) {
      t.clock.advance(29 * 60 * 1000)
      const res = await t.post('auth/refresh', { refreshToken })
      if (res.status !== 200) break
      refreshed++
      refreshToken = res.json.refreshToken
    }
    // 24 refreshes 29 minutes apart fit in 12 hours; the 25th would not.
    expect(refreshed).toBe(24)
  })

  it('sign-out ends the session on its very next call, refresh included', async () => {
    const admin = await t.seedTenant()
    const other = await signIn(admin.email, admin.password)
    const out = await t.call('POST', 'auth/sign-out', { token: admin.accessToken })
    expect(out.status).toBe(204)
    expect((await t.get('me', admin.accessToken)).status).toBe(401)
    expect((await t.post('auth/refresh', { refreshToken: admin.refreshToken })).status).toBe(401)
    expect((await t.get('me', other.accessToken)).status).toBe(200) // other sessions go on
  })

  it('sign-out with a refresh token of another own session ends that one too', async () => {
    const admin = await t.seedTenant()
    const other = await signIn(admin.email, admin.password)
    const out = await t.post(
      'auth/sign-out',
      { refreshToken: other.refreshToken },
      { token: admin.accessToken },
    )
    expect(out.status).toBe(204)
    expect((await t.get('me', other.accessToken)).status).toBe(401)
  })

  it('requires a bearer token on protected routes', async () => {
    for (const [method, path] of [
      ['GET', 'me'],
      ['POST', 'me/password'],
      ['POST', 'auth/sign-out'],
      ['GET', 'users'],
      ['GET', 'audit-events'],
      ['GET', 'password-reset-requests'],
    ] as const) {
      const res = await t.call(method, path)
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(res.json.code).toBe('UNAUTHENTICATED')
    }
    expect((await t.get('me', 'not-a-jwt')).status).toBe(401)
  })
})

describe('POST /me/password', () => {
  it('changes the password, ends other sessions, keeps this one', async () => {
    const admin = await t.seedTenant()
    const other = await signIn(admin.email, admin.password)
    const newPassword = 'a brand new passphrase here'
    const res = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword },
      { token: admin.accessToken },
    )
    expect(res.status).toBe(204)
    expect((await t.get('me', admin.accessToken)).status).toBe(200)
    expect((await t.get('me', other.accessToken)).status).toBe(401)
    // The revocation is audited with the count of sessions it ended (the other one).
    expect(
      await t.rows(
        `select reason, json_extract(details, '$.sessionsRevoked') as ended from audit_events
         where event = 'authn_token_revoked' and target_id = ?`,
        admin.id,
      ),
    ).toEqual([{ reason: 'PASSWORD_CHANGE', ended: 1 }])
    expect((await t.post('auth/refresh', { refreshToken: other.refreshToken })).status).toBe(401)
    expect((await t.post('auth/refresh', { refreshToken: admin.refreshToken })).status).toBe(200)
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(401)
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: newPassword })).status,
    ).toBe(200)
  })

  it('requires the current password', async () => {
    const admin = await t.seedTenant()
    const res = await t.post(
      'me/password',
      { currentPassword: 'not my password at all', newPassword: 'a brand new passphrase here' },
      { token: admin.accessToken },
    )
    expect(res.status).toBe(403)
    expect(res.json.code).toBe('INVALID_CURRENT_PASSWORD')
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
  })

  it('applies the policy, reports every violation, and bars the last 4 passwords', async () => {
    const admin = await t.seedTenant()
    const weak = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: 'password' },
      { token: admin.accessToken },
    )
    expect(weak.status).toBe(422)
    expect(weak.json.violations.map((v: { code: string }) => v.code)).toEqual([
      'TOO_SHORT',
      'COMMON_PASSWORD',
    ])

    const same = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: admin.password },
      { token: admin.accessToken },
    )
    expect(same.json.violations[0].code).toBe('RECENTLY_USED')

    const passwords = [
      admin.password,
      'second passphrase 222',
      'third passphrase 3333',
      'fourth passphrase 4444',
    ]
    for (let i = 1; i < passwords.length; i++) {
      const r = await t.post(
        'me/password',
        { currentPassword: passwords[i - 1], newPassword: passwords[i] },
        { token: admin.accessToken },
      )
      expect(r.status).toBe(204)
    }
    const reuse = await t.post(
      'me/password',
      { currentPassword: passwords[3], newPassword: passwords[1] },
      { token: admin.accessToken },
    )
    expect(reuse.status).toBe(422)
    expect(reuse.json.violations[0].code).toBe('RECENTLY_USED')
    // The fifth-newest has dropped out of the history of 4.
    await t.post(
      'me/password',
      { currentPassword: passwords[3], newPassword: 'fifth passphrase 55555' },
      { token: admin.accessToken },
    )
    const old = await t.post(
      'me/password',
      { currentPassword: 'fifth passphrase 55555', newPassword: passwords[0] },
      { token: admin.accessToken },
    )
    expect(old.status).toBe(204)
  })
})
