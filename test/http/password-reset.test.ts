import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

/** Replaces this test's app with one built with other settings (closed by afterEach as usual). */
async function useApp(options: TestAppOptions) {
  await t.close()
  t = await createTestApp(options)
}

const reset = (userId: string, token: string, body: unknown = { mode: 'generate' }, headers = {}) =>
  t.post(`users/${userId}/password-reset`, body, { token, headers })

/** What every response that carries a password, token or challenge, or an error about one, must say. */
function expectUncacheable(
  label: string,
  res: { status: number; headers: Headers },
  status: number,
  kind: 'json' | 'problem',
) {
  expect(res.status, label).toBe(status)
  expect(res.headers.get('cache-control'), label).toBe('no-store')
  expect(res.headers.get('content-type'), label).toBe(
    kind === 'json' ? 'application/json; charset=utf-8' : 'application/problem+json; charset=utf-8',
  )
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff')
}

/** All response headers but the one that differs by design on every response. */
function headersButRequestId(headers: Headers) {
  return [...headers].filter(([name]) => name !== 'x-request-id')
}

async function signInTimes(email: string, password: string, n: number) {
  const sessions = []
  for (let i = 0; i < n; i++)
    sessions.push((await t.post('auth/sign-in', { email, password })).json)
  return sessions as { accessToken: string; refreshToken: string }[]
}

describe('role matrix', () => {
  it('global admins reset anyone but themselves; password admins never global admins; users nobody', async () => {
    const ga = await t.seedTenant()
    const ga2 = await t.seedUser(ga.accessToken, 'global_admin', 'ga2@example.com')
    const pa = await t.seedUser(ga.accessToken, 'password_admin', 'pa@example.com')
    const pa2 = await t.seedUser(ga.accessToken, 'password_admin', 'pa2@example.com')
    const user = await t.seedUser(ga.accessToken, 'user', 'user@example.com')
    const user2 = await t.seedUser(ga.accessToken, 'user', 'user2@example.com')
    const actors = { global_admin: ga, password_admin: pa, user }
    const targets = { global_admin: ga2, password_admin: pa2, user: user2 }
    const expected: Record<string, Record<string, number | string>> = {
      global_admin: {
        global_admin: 201,
        password_admin: 201,
        user: 201,
        self: 'CANNOT_RESET_SELF',
      },
      password_admin: {
        global_admin: 'FORBIDDEN_ROLE',
        password_admin: 201,
        user: 201,
        self: 'CANNOT_RESET_SELF',
      },
      user: {
        global_admin: 'FORBIDDEN_ROLE',
        password_admin: 'FORBIDDEN_ROLE',
        user: 'FORBIDDEN_ROLE',
        self: 'FORBIDDEN_ROLE',
      },
    }
    for (const [actorRole, actor] of Object.entries(actors)) {
      for (const [targetRole, target] of [...Object.entries(targets), ['self', actor] as const]) {
        // Fresh tokens each time: a successful reset of an admin ends that admin's sessions.
        const token = (
          await t.post('auth/sign-in', { email: actor.email, password: actor.password })
        ).json.accessToken
        const res = await reset(target.id, token)
        const want = expected[actorRole]![targetRole]!
        if (typeof want === 'number') {
          expect(res.status, `${actorRole} → ${targetRole}`).toBe(want)
          // Give the target a known password again for later rounds.
          await t.completeFirstSignIn(
            target.email,
            res.json.temporaryPassword,
            `${target.password} again ${actorRole}`,
          )
          target.password = `${target.password} again ${actorRole}`
        } else {
          expect(res.status, `${actorRole} → ${targetRole}`).toBe(403)
          expect(res.json.code, `${actorRole} → ${targetRole}`).toBe(want)
        }
      }
    }
  })

  it('a user gets the same 403 for an existing and a missing target', async () => {
    const ga = await t.seedTenant()
    const user = await t.seedUser(ga.accessToken, 'user', 'user@example.com')
    const existing = await reset(ga.id, user.accessToken)
    const missing = await reset('no-such-user', user.accessToken)
    expect(existing.status).toBe(403)
    expect(missing.text).toBe(existing.text)
    expect((await t.get(`users/${ga.id}/password-reset`, user.accessToken)).status).toBe(403)
    expect((await t.get('users', user.accessToken)).status).toBe(403)
    expect((await t.get('audit-events', user.accessToken)).status).toBe(403)
  })

  it('only a global admin creates users', async () => {
    const ga = await t.seedTenant()
    const pa = await t.seedUser(ga.accessToken, 'password_admin', 'pa@example.com')
    const res = await t.post(
      'users',
      { email: 'x@example.com', displayName: 'X', role: 'user' },
      { token: pa.accessToken },
    )
    expect(res.status).toBe(403)
  })
})

describe('tenant isolation', () => {
  it("another tenant's user is a plain 404, exactly like a missing one, and nothing of theirs shows or changes", async () => {
    const acme = await t.seedTenant('Acme')
    const globex = await t.seedTenant('Globex')
    const bob = await t.seedUser(globex.accessToken, 'user', 'bob@globex.example')
    const bobRow = () => t.rows('select * from users where id = ?', bob.id)
    const bobBefore = await bobRow()

    // Every admin route that takes a user id answers alike for a foreign id and a missing one:
    // same status, body and headers, but for the request id.
    const probes: [string, (id: string) => ReturnType<typeof t.get>][] = [
      ['reset', (id) => reset(id, acme.accessToken)],
      [
        'custom reset',
        (id) =>
          reset(id, acme.accessToken, { mode: 'custom', password: 'a chosen passphrase here' }),
      ],
      ['detail', (id) => t.get(`users/${id}`, acme.accessToken)],
      ['reset status', (id) => t.get(`users/${id}/password-reset`, acme.accessToken)],
    ]
    for (const [name, probe] of probes) {
      const foreign = await probe(bob.id)
      const missing = await probe('does-not-exist')
      expect(foreign.status, name).toBe(404)
      expect(foreign.json.code, name).toBe('NOT_FOUND')
      expect(foreign.text, name).toBe(missing.text)
      expect(headersButRequestId(foreign.headers), name).toEqual(
        headersButRequestId(missing.headers),
      )
    }

    const list = await t.get('users?limit=100', acme.accessToken)
    expect(list.json.items.map((u: { email: string }) => u.email)).toEqual([acme.email])
    expect((await t.get('users?search=bob', acme.accessToken)).json.items).toEqual([])

    // Bob's own trail (created, signed in, changed his password) lives in Globex's log only.
    const globexLog = (await t.get(`audit-events?userId=${bob.id}`, globex.accessToken)).json.items
    expect(globexLog.map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['user_created', 'authn_password_change']),
    )
    const acmeLog = (await t.get('audit-events?limit=100', acme.accessToken)).json.items as {
      id: string
      event: string
      actorId: string | null
      targetId: string | null
      reason: string | null
    }[]
    const globexIds = new Set(globexLog.map((e: { id: string }) => e.id))
    expect(acmeLog.filter((e) => globexIds.has(e.id))).toEqual([])
    expect(acmeLog.filter((e) => e.actorId === bob.id)).toEqual([])
    // What Acme's log holds about that id is only Acme's own refused attempts, recorded exactly
    // as its attempts on an id that does not exist.
    const attemptsOn = (id: string) =>
      acmeLog
        .filter((e) => e.targetId === id)
        .map(({ event, actorId, reason }) => ({ event, actorId, reason }))
    expect(attemptsOn(bob.id)).toEqual(attemptsOn('does-not-exist'))
    // (Repeats of one refusal on one target are audited once per window.)
    expect(attemptsOn(bob.id)).toEqual([
      { event: 'password_reset_denied', actorId: acme.id, reason: 'NOT_FOUND' },
    ])
    expect(
      (await t.get(`audit-events?userId=${bob.id}`, acme.accessToken)).json.items.map(
        (e: { event: string; actorId: string }) => [e.event, e.actorId],
      ),
    ).toEqual(attemptsOn(bob.id).map((e) => [e.event, acme.id]))

    // Nothing of Bob's was touched: same row, his session lives, his password works.
    expect(await bobRow()).toEqual(bobBefore)
    expect((await t.get('me', bob.accessToken)).status).toBe(200)
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).json.status,
    ).toBe('signed_in')
  })
})

describe('the journey', () => {
  it('reset → old sessions dead → challenge only → change → fresh session → temporary password dead', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const sessions = [bob, ...(await signInTimes(bob.email, bob.password, 2))]

    const resetAt = t.clock.now()
    const res = await reset(bob.id, admin.accessToken)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.json).toMatchObject({ userId: bob.id, requireChange: true, sessionsRevoked: 3 })
    expect(res.json.temporaryPassword).toMatch(/^[\w]{4}(-[\w]{4}){3}$/)
    expect(Date.parse(res.json.expiresAt) - t.clock.now()).toBe(24 * 3600 * 1000)
    const temporaryPassword = res.json.temporaryPassword as string

    // Every session, minted in the same millisecond as the reset, fails on its next call.
    for (const session of sessions) {
      expect((await t.get('me', session.accessToken)).status).toBe(401)
      expect((await t.post('auth/refresh', { refreshToken: session.refreshToken })).status).toBe(
        401,
      )
    }
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).status,
    ).toBe(401)

    const user = await t.get(`users/${bob.id}`, admin.accessToken)
    expect(user.json.passwordState).toMatchObject({ mustChange: true, lastResetBy: admin.id })
    expect(JSON.stringify(user.json)).not.toContain(temporaryPassword)
    const status = await t.get(`users/${bob.id}/password-reset`, admin.accessToken)
    expect(status.json).toMatchObject({
      status: 'pending',
      resetId: res.json.resetId,
      issuedBy: admin.id,
      usedAt: null,
    })

    const challenge = await t.post('auth/sign-in', {
      email: bob.email,
      password: temporaryPassword,
    })
    expect(challenge.status).toBe(200)
    expect(challenge.json).toMatchObject({
      status: 'password_change_required',
      next: { method: 'POST', href: '/api/v1/auth/password-change' },
    })
    expect(challenge.json).not.toHaveProperty('accessToken')
    expect(challenge.json).not.toHaveProperty('refreshToken')
    expect(challenge.headers.get('cache-control')).toBe('no-store')
    const challengeToken = challenge.json.challengeToken as string
    expect(Date.parse(challenge.json.expiresAt) - t.clock.now()).toBeLessThanOrEqual(15 * 60 * 1000)

    // The challenge opens nothing else, and an access token is no challenge.
    expect((await t.get('me', challengeToken)).json.code).toBe('PASSWORD_CHANGE_REQUIRED')
    expect((await t.get('users', challengeToken)).status).toBe(403)
    expect((await t.post('auth/refresh', { refreshToken: challengeToken })).status).toBe(401)
    const wrongToken = await t.post('auth/password-change', {
      challengeToken: admin.accessToken,
      newPassword: 'x'.repeat(20),
    })
    expect(wrongToken.json.code).toBe('INVALID_CHALLENGE')

    // Refused passwords leave the challenge usable.
    const same = await t.post('auth/password-change', {
      challengeToken,
      newPassword: temporaryPassword,
    })
    expect(same.status).toBe(422)
    expect(same.json.violations).toEqual([expect.objectContaining({ code: 'SAME_AS_TEMPORARY' })])
    const recent = await t.post('auth/password-change', {
      challengeToken,
      newPassword: bob.password,
    })
    expect(recent.json.violations).toEqual([expect.objectContaining({ code: 'RECENTLY_USED' })])

    const credentialVersion = async () =>
      (
        await t.rows<{ v: number }>(
          'select credential_version as v from users where id = ?',
          bob.id,
        )
      )[0]!.v
    const versionBeforeChange = await credentialVersion()
    t.clock.advance(90_000)
    const changedAt = t.clock.now()
    const done = await t.post('auth/password-change', {
      challengeToken,
      newPassword: 'Robert picked a fresh one',
    })
    expect(done.status).toBe(200)
    expect(await credentialVersion()).toBe(versionBeforeChange + 1)
    expect(done.json.status).toBe('signed_in')
    expect((await t.get('me', done.json.accessToken)).json.email).toBe(bob.email)

    // The challenge and the temporary password are dead; the new password works.
    expect(
      (
        await t.post('auth/password-change', {
          challengeToken,
          newPassword: 'yet another new password',
        })
      ).status,
    ).toBe(401)
    const again = await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })
    expect(again.json.code).toBe('INVALID_CREDENTIALS')
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: 'Robert picked a fresh one' }))
        .json.status,
    ).toBe('signed_in')
    expect((await t.get(`users/${bob.id}/password-reset`, admin.accessToken)).json).toEqual({
      status: 'used',
      resetId: res.json.resetId,
      issuedAt: new Date(resetAt).toISOString(),
      issuedBy: admin.id,
      expiresAt: res.json.expiresAt,
      usedAt: new Date(changedAt).toISOString(),
      supersededAt: null,
      delivery: { method: 'display', recipients: [], sentAt: null, openedAt: null, failed: [] },
      // Neither helpdesk guard is on, and no caller was verified.
      verification: null,
      override: null,
      approval: null,
    })
    expect((await t.get(`users/${bob.id}`, admin.accessToken)).json.passwordState).toEqual({
      mustChange: false,
      temporaryExpiresAt: null,
      lastResetAt: new Date(resetAt).toISOString(),
      lastResetBy: admin.id,
    })

    const events = (await t.get(`audit-events?userId=${bob.id}`, admin.accessToken)).json.items.map(
      (e: { event: string }) => e.event,
    )
    expect(events).toEqual(
      expect.arrayContaining([
        'password_reset_issued',
        'authn_password_change_required',
        'authn_password_change',
      ]),
    )
  })

  it('a temporary password expires: right one → TEMPORARY_PASSWORD_EXPIRED, wrong one → the usual 401', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const { temporaryPassword } = (await reset(bob.id, admin.accessToken)).json
    t.clock.advance(24 * 3600 * 1000 - 1)
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })).json.status,
    ).toBe('password_change_required')
    t.clock.advance(1)
    const expired = await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })
    expect(expired.status).toBe(401)
    expect(expired.json.code).toBe('TEMPORARY_PASSWORD_EXPIRED')
    const wrong = await t.post('auth/sign-in', {
      email: bob.email,
      password: 'not the temporary one',
    })
    expect(wrong.json.code).toBe('INVALID_CREDENTIALS')
    const fresh = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(
      (await t.get(`users/${bob.id}/password-reset`, fresh.json.accessToken)).json.status,
    ).toBe('expired')
  })

  it('a second sign-in with the temporary password voids the first challenge', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const { temporaryPassword } = (await reset(bob.id, admin.accessToken)).json
    const first = (await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword }))
      .json
    const second = (await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword }))
      .json
    const stale = await t.post('auth/password-change', {
      challengeToken: first.challengeToken,
      newPassword: 'first tab password',
    })
    expect(stale.status).toBe(401)
    expect(stale.json.code).toBe('INVALID_CHALLENGE')
    const ok = await t.post('auth/password-change', {
      challengeToken: second.challengeToken,
      newPassword: 'second tab password',
    })
    expect(ok.status).toBe(200)
  })

  it('the challenge expires', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const { temporaryPassword } = (await reset(bob.id, admin.accessToken)).json
    const { challengeToken } = (
      await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })
    ).json
    t.clock.advance(10 * 60 * 1000 + 6_000)
    expect(
      (
        await t.post('auth/password-change', {
          challengeToken,
          newPassword: 'too late for this one',
        })
      ).status,
    ).toBe(401)
  })

  it('two concurrent change submissions with one challenge: exactly one succeeds', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const { temporaryPassword } = (await reset(bob.id, admin.accessToken)).json
    const { challengeToken } = (
      await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })
    ).json
    const results = await Promise.all([
      t.post('auth/password-change', { challengeToken, newPassword: 'racer number one here' }),
      t.post('auth/password-change', { challengeToken, newPassword: 'racer number two here' }),
      t.post('auth/password-change', { challengeToken, newPassword: 'racer number three here' }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401])
  })

  it('a newer reset supersedes the older temporary password', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const older = (await reset(bob.id, admin.accessToken)).json
    const { challengeToken } = (
      await t.post('auth/sign-in', { email: bob.email, password: older.temporaryPassword })
    ).json
    const newer = (await reset(bob.id, admin.accessToken)).json
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: older.temporaryPassword }))
        .status,
    ).toBe(401)
    expect(
      (
        await t.post('auth/password-change', {
          challengeToken,
          newPassword: 'from the older reset',
        })
      ).status,
    ).toBe(401)
    const rows = await t.rows(
      'select id, status from password_resets where user_id = ? order by issued_at, rowid',
      bob.id,
    )
    expect(rows.slice(-2)).toEqual([
      { id: older.resetId, status: 'superseded' },
      { id: newer.resetId, status: 'pending' },
    ])
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: newer.temporaryPassword })).json
        .status,
    ).toBe('password_change_required')
  })

  it('an admin reset clears the sign-in lock, and keeps the user locked out of the old password', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    for (let i = 0; i < 5; i++)
      await t.post('auth/sign-in', { email: bob.email, password: `wrong password ${i}` })
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).status,
    ).toBe(429)
    const { temporaryPassword } = (await reset(bob.id, admin.accessToken)).json
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })).status,
    ).toBe(200)
  })
})

describe('admin-chosen and permanent passwords', () => {
  it('a custom password goes through the full policy; a refusal changes nothing', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const weak = await reset(bob.id, admin.accessToken, { mode: 'custom', password: 'hi bob 12' })
    expect(weak.status).toBe(422)
    expect(weak.json.violations.map((v: { code: string }) => v.code)).toEqual([
      'TOO_SHORT',
      'CONTAINS_EMAIL',
    ])
    expect((await t.get('me', bob.accessToken)).status).toBe(200)
    const ok = await reset(bob.id, admin.accessToken, {
      mode: 'custom',
      password: 'Welcome to the team 2026',
    })
    expect(ok.status).toBe(201)
    expect(ok.json.temporaryPassword).toBe('Welcome to the team 2026')
    const signIn = await t.post('auth/sign-in', {
      email: bob.email,
      password: 'Welcome to the team 2026',
    })
    expect(signIn.json.status).toBe('password_change_required')
  })

  it('requireChange: false is refused unless the deployment allows it', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const res = await reset(bob.id, admin.accessToken, { mode: 'generate', requireChange: false })
    expect(res.status).toBe(422)
    expect(res.json.code).toBe('PERMANENT_PASSWORD_NOT_ALLOWED')
    expect((await t.get('me', bob.accessToken)).status).toBe(200)

    const permissive = await createTestApp({ settings: { allowPermanentAdminPasswords: true } })
    try {
      const a = await permissive.seedTenant()
      const b = await permissive.seedUser(a.accessToken, 'user', 'bob@example.com')
      const r = await permissive.post(
        `users/${b.id}/password-reset`,
        { mode: 'generate', requireChange: false },
        { token: a.accessToken },
      )
      expect(r.status).toBe(201)
      expect(r.json).toMatchObject({ requireChange: false, expiresAt: null, sessionsRevoked: 1 })
      const s = await permissive.post('auth/sign-in', {
        email: b.email,
        password: r.json.temporaryPassword,
      })
      expect(s.json.status).toBe('signed_in')
      // A permanent reset creates no temporary password: the status describes the last one,
      // which it superseded.
      const pending = await permissive.post(
        `users/${b.id}/password-reset`,
        { mode: 'generate' },
        { token: a.accessToken },
      )
      permissive.clock.advance(1000)
      await permissive.post(
        `users/${b.id}/password-reset`,
        { mode: 'generate', requireChange: false },
        { token: a.accessToken },
      )
      const seen = await permissive.get(`users/${b.id}/password-reset`, a.accessToken)
      expect(seen.json).toMatchObject({
        status: 'superseded',
        resetId: pending.json.resetId,
        supersededAt: new Date(permissive.clock.now()).toISOString(),
      })
    } finally {
      await permissive.close()
    }
  })

  it('a body cannot set role, flags or hashes (mass assignment)', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    for (const extra of [
      { role: 'global_admin' },
      { mustChange: false },
      { passwordHash: '$argon2id$x' },
      { userId: admin.id },
    ]) {
      const res = await reset(bob.id, admin.accessToken, { mode: 'generate', ...extra })
      expect(res.status, JSON.stringify(extra)).toBe(400)
    }
    const create = await t.post(
      'users',
      {
        email: 'eve@example.com',
        displayName: 'Eve',
        role: 'user',
        tenantId: 'other',
        mustChangePassword: false,
      },
      { token: admin.accessToken },
    )
    expect(create.status).toBe(400)
    expect((await t.get(`users/${bob.id}`, admin.accessToken)).json.role).toBe('user')
    expect((await t.get('me', bob.accessToken)).status).toBe(200)
  })

  it('rejects a bad mode or a missing custom password', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    expect((await reset(bob.id, admin.accessToken, { mode: 'random' })).status).toBe(400)
    expect((await reset(bob.id, admin.accessToken, { mode: 'custom' })).status).toBe(400)
    expect((await reset(bob.id, admin.accessToken, {})).status).toBe(400)
  })
})

describe('Idempotency-Key', () => {
  it('a retry never shows or rotates a password again', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const headers = { 'Idempotency-Key': 'reset-bob-2026-11-22' }
    const first = await reset(bob.id, admin.accessToken, { mode: 'generate' }, headers)
    expect(first.status).toBe(201)
    const retry = await reset(bob.id, admin.accessToken, { mode: 'generate' }, headers)
    expect(retry.status).toBe(409)
    expect(retry.json).toMatchObject({ code: 'RESET_ALREADY_ISSUED', resetId: first.json.resetId })
    expect(retry.text).not.toContain(first.json.temporaryPassword)
    expect(retry.json).not.toHaveProperty('temporaryPassword')
    // Not rotated: the first password still works.
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: first.json.temporaryPassword }))
        .json.status,
    ).toBe('password_change_required')
    const other = await reset(
      bob.id,
      admin.accessToken,
      { mode: 'custom', password: 'a different request body' },
      headers,
    )
    expect(other.status).toBe(422)
    expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED')
  })

  it('is namespaced per admin, expires after 24 hours, and must be well-formed', async () => {
    const admin = await t.seedTenant()
    const admin2 = await t.seedUser(admin.accessToken, 'global_admin', 'admin2@example.com')
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const headers = { 'Idempotency-Key': 'shared-key' }
    expect((await reset(bob.id, admin.accessToken, { mode: 'generate' }, headers)).status).toBe(201)
    expect((await reset(bob.id, admin2.accessToken, { mode: 'generate' }, headers)).status).toBe(
      201,
    )
    t.clock.advance(24 * 3600 * 1000 + 1)
    const fresh = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(
      (await reset(bob.id, fresh.json.accessToken, { mode: 'generate' }, headers)).status,
    ).toBe(201)
    for (const key of ['', 'has space', 'x'.repeat(256), 'tab\there']) {
      const res = await reset(
        bob.id,
        fresh.json.accessToken,
        { mode: 'generate' },
        { 'Idempotency-Key': key },
      )
      expect(res.status, JSON.stringify(key)).toBe(400)
      expect(res.json.code).toBe('INVALID_IDEMPOTENCY_KEY')
    }
  })

  it('two concurrent requests with one key: one password, one 409', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const headers = { 'Idempotency-Key': 'double-click' }
    const results = await Promise.all([
      reset(bob.id, admin.accessToken, { mode: 'generate' }, headers),
      reset(bob.id, admin.accessToken, { mode: 'generate' }, headers),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
  })
})

describe('rate limits', () => {
  it('limits resets per target per minute', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    for (let i = 0; i < 5; i++) expect((await reset(bob.id, admin.accessToken)).status).toBe(201)
    const limited = await reset(bob.id, admin.accessToken)
    expect(limited.status).toBe(429)
    expect(limited.json.code).toBe('RATE_LIMITED')
    expect(limited.headers.get('retry-after')).toBe('60')
    t.clock.advance(60_001)
    expect((await reset(bob.id, admin.accessToken)).status).toBe(201)
  })

  it('limits resets per admin per minute across targets, before any hashing, without touching the target', async () => {
    await useApp({ settings: { resetRateLimit: { perAdminPerMinute: 3, perTargetPerMinute: 5 } } })
    const admin = await t.seedTenant()
    const otherAdmin = await t.seedUser(admin.accessToken, 'global_admin', 'other@example.com')
    const targets = []
    for (const name of ['amy', 'ben', 'cat', 'dan']) {
      targets.push(await t.seedUser(admin.accessToken, 'user', `${name}@example.com`))
    }
    for (const target of targets.slice(0, 3)) {
      expect((await reset(target.id, admin.accessToken)).status).toBe(201)
    }
    const dan = targets[3]!
    const danRow = () => t.rows('select * from users where id = ?', dan.id)
    const before = await danRow()
    const hashes = t.hashCalls.hash

    for (const body of [
      { mode: 'generate' },
      { mode: 'custom', password: 'a chosen passphrase here' },
    ]) {
      const limited = await reset(dan.id, admin.accessToken, body)
      expectUncacheable(`limited ${body.mode}`, limited, 429, 'problem')
      expect(limited.json).toEqual({
        type: 'about:blank',
        title: expect.any(String),
        status: 429,
        code: 'RATE_LIMITED',
      })
      expect(limited.headers.get('retry-after')).toBe('60')
    }
    // Refused before any argon2 work, and nothing of Dan's changed: row, session, password.
    expect(t.hashCalls.hash).toBe(hashes)
    expect(await danRow()).toEqual(before)
    expect(
      await t.rows(
        "select id from audit_events where event = 'password_reset_issued' and target_id = ?",
        dan.id,
      ),
    ).toEqual([])
    expect((await t.get('me', dan.accessToken)).status).toBe(200)
    expect(
      (await t.post('auth/sign-in', { email: dan.email, password: dan.password })).json.status,
    ).toBe('signed_in')
    const denied = (await t.get(`audit-events?userId=${dan.id}`, admin.accessToken)).json.items
    // Both refusals are one kind (actor, target, reason): audited once per window.
    expect(denied.filter((e: { event: string }) => e.event === 'password_reset_denied')).toEqual([
      expect.objectContaining({ actorId: admin.id, outcome: 'denied', reason: 'RATE_LIMITED' }),
    ])

    // The limit is this admin's own: another admin of the tenant is not held back by it.
    expect((await reset(targets[0]!.id, otherAdmin.accessToken)).status).toBe(201)

    // A sliding minute: still refused a millisecond before it has passed, free after.
    t.clock.advance(60_000 - 1)
    expect((await reset(dan.id, admin.accessToken)).status).toBe(429)
    t.clock.advance(1)
    const freed = await reset(dan.id, admin.accessToken)
    expect(freed.status).toBe(201)
    expect(
      (await t.post('auth/sign-in', { email: dan.email, password: freed.json.temporaryPassword }))
        .json.status,
    ).toBe('password_change_required')
  })
})

describe('users, status and audit', () => {
  it('creates a user with a first temporary password shown once, and refuses a taken email', async () => {
    const admin = await t.seedTenant()
    const res = await t.post(
      'users',
      { email: 'Carol@Example.com', displayName: 'Carol', role: 'user' },
      { token: admin.accessToken },
    )
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.json.user).toMatchObject({
      email: 'carol@example.com',
      role: 'user',
      passwordState: { mustChange: true },
    })
    const status = await t.get(`users/${res.json.user.id}/password-reset`, admin.accessToken)
    expect(status.json.status).toBe('pending')
    const dup = await t.post(
      'users',
      { email: 'CAROL@example.com', displayName: 'C', role: 'user' },
      { token: admin.accessToken },
    )
    expect(dup.status).toBe(409)
    expect(dup.json.code).toBe('EMAIL_TAKEN')
    const bad = await t.post(
      'users',
      { email: 'not-an-email', displayName: 'C', role: 'user' },
      { token: admin.accessToken },
    )
    expect(bad.status).toBe(400)
    const badRole = await t.post(
      'users',
      { email: 'x@example.com', displayName: 'C', role: 'root' },
      { token: admin.accessToken },
    )
    expect(badRole.status).toBe(400)
  })

  it('lists users with search and cursor pagination', async () => {
    const admin = await t.seedTenant()
    for (const name of ['amy', 'ben', 'cat', 'dan', 'eve']) {
      await t.post(
        'users',
        { email: `${name}@example.com`, displayName: name.toUpperCase(), role: 'user' },
        { token: admin.accessToken },
      )
    }
    const page1 = await t.get('users?limit=2', admin.accessToken)
    expect(page1.json.items.map((u: { email: string }) => u.email)).toEqual([
      'admin-acme@example.com',
      'amy@example.com',
    ])
    const page2 = await t.get(`users?limit=2&cursor=${page1.json.nextCursor}`, admin.accessToken)
    expect(page2.json.items.map((u: { email: string }) => u.email)).toEqual([
      'ben@example.com',
      'cat@example.com',
    ])
    const search = await t.get('users?search=EV', admin.accessToken)
    expect(search.json.items.map((u: { email: string }) => u.email)).toEqual(['eve@example.com'])
    expect((await t.get('users?limit=0', admin.accessToken)).status).toBe(400)
    expect((await t.get('users?limit=abc', admin.accessToken)).status).toBe(400)
    expect((await t.get('users?search=%25', admin.accessToken)).json.items).toEqual([])
  })

  it('audits denied resets with their reason, and never a secret', async () => {
    const admin = await t.seedTenant()
    const pa = await t.seedUser(admin.accessToken, 'password_admin', 'pa@example.com')
    await reset(admin.id, pa.accessToken)
    const events = (await t.get(`audit-events?userId=${admin.id}`, admin.accessToken)).json.items
    const denied = events.find((e: { event: string }) => e.event === 'password_reset_denied')
    expect(denied).toMatchObject({
      actorId: pa.id,
      actorRole: 'password_admin',
      targetId: admin.id,
      outcome: 'denied',
      reason: 'FORBIDDEN_ROLE',
    })
    expect(denied.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(denied.requestId).toMatch(/^[\w-]{16}$/)
  })

  it('forgot-password: always 202, queued for admins, closed by the next reset', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const unknown = await t.post('auth/forgot-password', { email: 'nobody@example.com' })
    const known = await t.post('auth/forgot-password', { email: 'BOB@example.com' })
    await t.post('auth/forgot-password', { email: 'bob@example.com' })
    // The request is queued after the answer has left.
    await t.settled()
    expect(unknown.status).toBe(202)
    expect(known.status).toBe(202)
    expect(unknown.text).toBe(known.text)
    const queue = await t.get('password-reset-requests', admin.accessToken)
    expect(queue.json.items).toHaveLength(1)
    expect(queue.json.items[0]).toMatchObject({ userId: bob.id, email: bob.email })
    await reset(bob.id, admin.accessToken)
    expect((await t.get('password-reset-requests', admin.accessToken)).json.items).toEqual([])
  })
})

describe('no-store', () => {
  it('every response that carries a password, token or challenge, and every error of those endpoints, is uncacheable', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const seen: [string, { status: number; headers: Headers }, number, 'json' | 'problem'][] = []
    const check = async <R extends { status: number; headers: Headers }>(
      label: string,
      response: Promise<R>,
      status: number,
      kind: 'json' | 'problem' = status < 400 ? 'json' : 'problem',
    ) => {
      const res = await response
      seen.push([label, res, status, kind])
      return res
    }

    // POST /users
    const created = await check(
      'create user',
      t.post(
        'users',
        { email: 'carol@example.com', displayName: 'Carol', role: 'user' },
        { token: admin.accessToken },
      ),
      201,
    )
    await check(
      'create user: email taken',
      t.post(
        'users',
        { email: 'carol@example.com', displayName: 'C', role: 'user' },
        { token: admin.accessToken },
      ),
      409,
    )
    await check(
      'create user: invalid',
      t.post(
        'users',
        { email: 'nope', displayName: 'C', role: 'user' },
        { token: admin.accessToken },
      ),
      400,
    )
    await check(
      'create user: not an admin',
      t.post(
        'users',
        { email: 'dave@example.com', displayName: 'D', role: 'user' },
        { token: bob.accessToken },
      ),
      403,
    )
    await check(
      'create user: no token',
      t.post('users', { email: 'dave@example.com', displayName: 'D', role: 'user' }),
      401,
    )

    // POST /users/{id}/password-reset
    const key = { 'Idempotency-Key': 'no-store-check' }
    const issued = await check(
      'reset',
      reset(bob.id, admin.accessToken, { mode: 'generate' }, key),
      201,
    )
    await check(
      'reset: retried key',
      reset(bob.id, admin.accessToken, { mode: 'generate' }, key),
      409,
    )
    await check(
      'reset: key reused for another body',
      reset(
        bob.id,
        admin.accessToken,
        { mode: 'custom', password: 'a chosen passphrase here' },
        key,
      ),
      422,
    )
    await check(
      'reset: malformed key',
      reset(bob.id, admin.accessToken, { mode: 'generate' }, { 'Idempotency-Key': 'has space' }),
      400,
    )
    await check(
      'reset: policy',
      reset(bob.id, admin.accessToken, { mode: 'custom', password: 'short' }),
      422,
    )
    await check(
      'reset: permanent not allowed',
      reset(bob.id, admin.accessToken, { mode: 'generate', requireChange: false }),
      422,
    )
    await check('reset: self', reset(admin.id, admin.accessToken), 403)
    await check('reset: missing user', reset('no-such-user', admin.accessToken), 404)
    await check(
      'reset: no token',
      t.post(`users/${bob.id}/password-reset`, { mode: 'generate' }),
      401,
    )

    // POST /auth/sign-in
    const challenge = await check(
      'sign-in: password_change_required',
      t.post('auth/sign-in', { email: bob.email, password: issued.json.temporaryPassword }),
      200,
    )
    expect(challenge.json.status).toBe('password_change_required')
    const signedIn = await check(
      'sign-in: signed_in',
      t.post('auth/sign-in', { email: admin.email, password: admin.password }),
      200,
    )
    expect(signedIn.json.status).toBe('signed_in')
    await check(
      'sign-in: wrong password',
      t.post('auth/sign-in', { email: admin.email, password: 'not the password' }),
      401,
    )
    await check('sign-in: invalid body', t.post('auth/sign-in', { email: admin.email }), 400)
    await check(
      'sign-in: not JSON',
      t.post('auth/sign-in', 'email=x', { headers: { 'Content-Type': 'text/plain' } }),
      415,
    )

    // POST /auth/password-change
    await check(
      'password-change: policy',
      t.post('auth/password-change', {
        challengeToken: challenge.json.challengeToken,
        newPassword: 'short',
      }),
      422,
    )
    await check(
      'password-change: not a challenge',
      t.post('auth/password-change', {
        challengeToken: signedIn.json.accessToken,
        newPassword: 'Robert picked a fresh one',
      }),
      401,
    )
    const changed = await check(
      'password-change',
      t.post('auth/password-change', {
        challengeToken: challenge.json.challengeToken,
        newPassword: 'Robert picked a fresh one',
      }),
      200,
    )

    // POST /auth/refresh
    const refreshed = await check(
      'refresh',
      t.post('auth/refresh', { refreshToken: changed.json.refreshToken }),
      200,
    )
    expect(refreshed.json.refreshToken).not.toBe(changed.json.refreshToken)
    await check(
      'refresh: reused token',
      t.post('auth/refresh', { refreshToken: changed.json.refreshToken }),
      401,
    )
    await check(
      'refresh: unknown token',
      t.post('auth/refresh', { refreshToken: 'x'.repeat(43) }),
      401,
    )
    await check('refresh: invalid body', t.post('auth/refresh', {}), 400)

    // The throttled and the expired answers of sign-in.
    for (let i = 0; i < 5; i++) {
      await t.post('auth/sign-in', { email: bob.email, password: `wrong password ${i}` })
    }
    await check(
      'sign-in: throttled',
      t.post('auth/sign-in', { email: bob.email, password: 'Robert picked a fresh one' }),
      429,
    )
    const dave = await t.post(
      'users',
      { email: 'dave@example.com', displayName: 'Dave', role: 'user' },
      { token: admin.accessToken },
    )
    t.clock.advance(24 * 3600 * 1000)
    await check(
      'sign-in: temporary password expired',
      t.post('auth/sign-in', { email: 'dave@example.com', password: dave.json.temporaryPassword }),
      401,
    )

    expect(created.json.temporaryPassword).toEqual(expect.any(String))
    for (const [label, res, status, kind] of seen) expectUncacheable(label, res, status, kind)
  })
})
