import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/database.ts'
import { createApp } from '../../src/http/app.ts'
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.ts'

// Resets under concurrency and failure, on the real database of each runtime: parallel resets,
// resets interleaved with sign-ins and forced changes in scheduler-chosen orders, and a failure
// injected at every statement of each shape of the reset's atomic write.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

async function useApp(options: TestAppOptions) {
  t.close()
  t = await createTestApp(options)
}

type HeaderMap = Record<string, string>

const reset = (userId: string, token: string, body: unknown = { mode: 'generate' }, headers = {}) =>
  t.post(`users/${userId}/password-reset`, body, { token, headers })

/** The same request as `t.post`, through another app built on (some of) the test's deps. */
async function postVia(
  app: ReturnType<typeof createApp>,
  path: string,
  body: unknown,
  token?: string,
  headers: HeaderMap = {},
) {
  const response = await app.request(`/api/v1/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) }
}

const credentialVersion = async (userId: string) =>
  (
    await t.rows<{ v: number }>('select credential_version as v from users where id = ?', userId)
  )[0]!.v

const auditCount = async (event: string, userId: string) =>
  (
    await t.rows<{ n: number }>(
      'select count(*) as n from audit_events where event = ? and target_id = ?',
      event,
      userId,
    )
  )[0]!.n

/** Sessions of the user that would still let a token through: unrevoked, at today's version. */
const liveSessions = (userId: string) =>
  t.rows(
    `select s.id from sessions s join users u on u.id = s.user_id
     where s.user_id = ? and s.revoked_at is null and s.credential_version = u.credential_version`,
    userId,
  )

async function expectTokensDead(
  label: string,
  tokens: { accessToken: string; refreshToken: string },
) {
  expect((await t.get('me', tokens.accessToken)).status, `${label}: access token`).toBe(401)
  expect(
    (await t.post('auth/refresh', { refreshToken: tokens.refreshToken })).status,
    `${label}: refresh token`,
  ).toBe(401)
}

describe('parallel resets of one user', () => {
  it('one temporary password works, every earlier session ends, and versions, audit and reset rows add up', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const sessions = [bob]
    for (let i = 0; i < 2; i++) {
      sessions.push(
        (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).json,
      )
    }
    for (const session of sessions)
      expect((await t.get('me', session.accessToken)).status).toBe(200)
    const versionBefore = await credentialVersion(bob.id)

    const keys = [undefined, 'parallel-a', undefined, 'parallel-b', undefined]
    const results = await Promise.all(
      keys.map((key) =>
        reset(
          bob.id,
          admin.accessToken,
          { mode: 'generate' },
          key ? { 'Idempotency-Key': key } : {},
        ),
      ),
    )
    const issued = results.filter((r) => r.status === 201)
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201])

    // Each earlier session ended once, by whichever reset committed first.
    expect(issued.reduce((n, r) => n + (r.json.sessionsRevoked as number), 0)).toBe(3)
    for (const [i, session] of sessions.entries()) await expectTokensDead(`session ${i}`, session)
    expect(
      await t.rows(
        "select id from sessions where user_id = ? and (revoked_at is null or revoke_reason not like 'password_reset:%')",
        bob.id,
      ),
    ).toEqual([])
    expect(await liveSessions(bob.id)).toEqual([])

    expect(await credentialVersion(bob.id)).toBe(versionBefore + issued.length)
    expect(await auditCount('password_reset_issued', bob.id)).toBe(issued.length)
    expect(await auditCount('authn_token_revoked', bob.id)).toBe(issued.length)

    // Exactly one of the temporary passwords opens the forced change; the rest are plain wrong.
    const outcomes = []
    for (const r of issued) {
      const res = await t.post('auth/sign-in', {
        email: bob.email,
        password: r.json.temporaryPassword,
      })
      outcomes.push(res.status === 200 ? res.json.status : res.json.code)
    }
    expect(outcomes.filter((o) => o === 'password_change_required')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'INVALID_CREDENTIALS')).toHaveLength(issued.length - 1)
    const winner = issued[outcomes.indexOf('password_change_required')]!.json.resetId
    const statuses = await t.rows<{ id: string; status: string }>(
      `select id, status from password_resets where id in (${issued.map(() => '?').join(', ')})`,
      ...issued.map((r) => r.json.resetId),
    )
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual(
      Object.fromEntries(
        issued.map((r) => [r.json.resetId, r.json.resetId === winner ? 'pending' : 'superseded']),
      ),
    )

    // Each key remembers its own reset.
    const remembered = await t.rows<{ resetId: string }>(
      'select reset_id as resetId from idempotency_keys where actor_id = ? order by reset_id',
      admin.id,
    )
    expect(remembered.map((r) => r.resetId)).toEqual(
      [results[1]!.json.resetId, results[3]!.json.resetId].sort(),
    )
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).json.code,
    ).toBe('INVALID_CREDENTIALS')
  })
})

describe('a failure at any statement of the atomic write', () => {
  const tables = [
    'users',
    'sessions',
    'refresh_tokens',
    'password_resets',
    'password_reset_requests',
    'idempotency_keys',
    'sign_in_throttle',
    'audit_events',
    'password_history',
  ]
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        tables.map(async (table) => [table, await t.rows(`select * from ${table} order by rowid`)]),
      ),
    ) as Record<string, unknown[]>

  /**
   * The real database port, but with a statement that fails spliced into the batch before
   * statement `k` (k = the batch's length: after its last statement, just before the commit).
   */
  const failingBefore = (k: number, seen: (size: number) => void): Database => ({
    db: t.deps.database.db,
    writeAtomically: (statements) => {
      seen(statements.length)
      return t.deps.database.writeAtomically([
        ...statements.slice(0, k),
        sql`select no_such_function()`,
        ...statements.slice(k),
      ])
    },
  })

  const shapes = [
    {
      name: 'generate, no Idempotency-Key, over a pending temporary password',
      body: { mode: 'generate' },
      before: 'pending temporary password' as const,
    },
    {
      name: 'generate with an Idempotency-Key whose expired record it replaces',
      body: { mode: 'generate' },
      idempotencyKey: 'reset-bob-again',
      before: 'own password' as const,
    },
    {
      name: 'requireChange: false',
      settings: { allowPermanentAdminPasswords: true },
      body: { mode: 'generate', requireChange: false },
      before: 'own password' as const,
    },
  ]

  for (const shape of shapes) {
    it(`${shape.name}: 500 without a password, every table as it was, the old password still works`, async () => {
      if (shape.settings) await useApp({ settings: shape.settings })
      let admin = await t.seedTenant()
      const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
      const headers: HeaderMap = shape.idempotencyKey
        ? { 'Idempotency-Key': shape.idempotencyKey }
        : {}

      // Bring Bob to a state in which each statement of the batch has something to change.
      let oldPassword = bob.password
      let sessions: { accessToken: string; refreshToken: string }[] = []
      if (shape.before === 'pending temporary password') {
        const pending = await reset(bob.id, admin.accessToken)
        oldPassword = pending.json.temporaryPassword
      } else {
        sessions.push(bob)
        if (shape.idempotencyKey) {
          sessions = []
          const earlier = await reset(bob.id, admin.accessToken, shape.body, headers)
          oldPassword = 'Robert set this one himself'
          await t.completeFirstSignIn(bob.email, earlier.json.temporaryPassword, oldPassword)
          t.clock.advance(24 * 3600 * 1000 + 1)
          admin = {
            ...admin,
            ...(await t.post('auth/sign-in', { email: admin.email, password: admin.password }))
              .json,
          }
        }
        for (let i = 0; i < 2; i++) {
          sessions.push(
            (await t.post('auth/sign-in', { email: bob.email, password: oldPassword })).json,
          )
        }
      }
      expect((await t.post('auth/forgot-password', { email: bob.email })).status).toBe(202)
      const expected = shape.before === 'own password' ? 'signed_in' : 'password_change_required'

      let size = Number.POSITIVE_INFINITY
      for (let k = 0; k <= size; k++) {
        const at = `failure before statement ${k}`
        // A failed sign-in: the throttle row the reset would clear.
        await t.post('auth/sign-in', { email: bob.email, password: 'not the password at all' })
        const before = await snapshot()
        expect(before.sign_in_throttle).toHaveLength(1)
        const logsBefore = t.logLines.length
        const app = createApp({ ...t.deps, database: failingBefore(k, (n) => (size = n)) })
        const res = await postVia(
          app,
          `users/${bob.id}/password-reset`,
          shape.body,
          admin.accessToken,
          headers,
        )
        expect(res.status, at).toBe(500)
        expect(res.json, at).toEqual({
          type: 'about:blank',
          title: expect.any(String),
          status: 500,
          code: 'INTERNAL_ERROR',
          requestId: res.headers.get('x-request-id'),
        })
        expect(res.headers.get('cache-control'), at).toBe('no-store')
        expect(await snapshot(), at).toEqual(before)
        // Not even the server's own log holds a password hash.
        expect(t.logLines.slice(logsBefore).join('\n'), at).not.toContain('$argon2')

        for (const [i, session] of sessions.entries()) {
          expect((await t.get('me', session.accessToken)).status, `${at}: session ${i}`).toBe(200)
        }
        const signIn = await t.post('auth/sign-in', { email: bob.email, password: oldPassword })
        expect(signIn.json.status, at).toBe(expected)
        if (signIn.json.status === 'signed_in') sessions.push(signIn.json)
      }
      expect(size).toBeGreaterThanOrEqual(7)

      // The control: without the failure, the same request changes every one of those things.
      await t.post('auth/sign-in', { email: bob.email, password: 'not the password at all' })
      const unrevoked = await t.rows(
        'select id from sessions where user_id = ? and revoked_at is null',
        bob.id,
      )
      const res = await reset(bob.id, admin.accessToken, shape.body, headers)
      expect(res.status).toBe(201)
      expect(await t.rows('select key from sign_in_throttle')).toEqual([])
      expect(
        await t.rows('select id from password_reset_requests where closed_at is null'),
      ).toEqual([])
      expect(
        (await t.post('auth/sign-in', { email: bob.email, password: oldPassword })).json.code,
      ).toBe('INVALID_CREDENTIALS')
      if (shape.before === 'pending temporary password') {
        expect(
          await t.rows(
            "select id from password_resets where user_id = ? and status = 'pending'",
            bob.id,
          ),
        ).toEqual([{ id: res.json.resetId }])
      } else {
        expect(unrevoked.length).toBeGreaterThanOrEqual(sessions.length)
        expect(res.json.sessionsRevoked).toBe(unrevoked.length)
        for (const [i, session] of sessions.entries())
          await expectTokensDead(`session ${i}`, session)
      }
      if (shape.idempotencyKey) {
        expect(
          await t.rows<{ resetId: string }>(
            'select reset_id as resetId from idempotency_keys where actor_id = ?',
            admin.id,
          ),
        ).toEqual([{ resetId: res.json.resetId }])
      }
    })
  }
})
