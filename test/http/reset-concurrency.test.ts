import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PasswordHasher } from '../../src/core/password-hasher.ts'
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
  await t.close()
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

const auditCount = async (event: string, userId: string, reason = '%') =>
  (
    await t.rows<{ n: number }>(
      "select count(*) as n from audit_events where event = ? and target_id = ? and coalesce(reason, '') like ?",
      event,
      userId,
      reason,
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
    expect(await auditCount('authn_token_revoked', bob.id, 'PASSWORD_RESET')).toBe(issued.length)

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

describe('a reset that loses every race', () => {
  it('gives up with 409 CONFLICT after a bounded number of tries, changes nothing, and is audited', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    // Another writer moves Bob to a newer credential just before each of this app's writes.
    const racing: Database = {
      db: t.deps.database.db,
      writeAtomically: async (statements) => {
        await t.run(
          'update users set credential_version = credential_version + 1 where id = ?',
          bob.id,
        )
        return t.deps.database.writeAtomically(statements)
      },
    }
    const resetRows = () => t.rows('select * from password_resets where user_id = ?', bob.id)
    const rowsBefore = await resetRows()
    const before = await credentialVersion(bob.id)
    const res = await postVia(
      createApp({ ...t.deps, database: racing }),
      `users/${bob.id}/password-reset`,
      { mode: 'generate' },
      admin.accessToken,
    )
    expect(res.status).toBe(409)
    expect(res.json.code).toBe('CONFLICT')
    expect(res.json.temporaryPassword).toBeUndefined()
    // Only the other writer's bumps: ten tries, one audit write.
    expect((await credentialVersion(bob.id)) - before).toBe(11)
    expect(await resetRows()).toEqual(rowsBefore)
    expect(
      await t.rows(
        "select reason from audit_events where event = 'password_reset_denied' and target_id = ?",
        bob.id,
      ),
    ).toEqual([{ reason: 'CONFLICT' }])
    expect(
      (await t.post('auth/sign-in', { email: bob.email, password: bob.password })).status,
    ).toBe(200)
  })
})

describe('rate limits under a burst of parallel resets', () => {
  const issuedCount = async (column: 'target_id' | 'actor_id', id: string) =>
    (
      await t.rows<{ n: number }>(
        `select count(*) as n from audit_events where event = 'password_reset_issued' and ${column} = ?`,
        id,
      )
    )[0]!.n

  it('per target: of 8 parallel resets exactly 5 commit, the rest are audited 429s', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const before = await credentialVersion(bob.id)
    const results = await Promise.all(
      Array.from({ length: 8 }, () => reset(bob.id, admin.accessToken)),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429, 429, 429])
    for (const refused of results.filter((r) => r.status === 429)) {
      expect(refused.json.code).toBe('RATE_LIMITED')
      expect(refused.headers.get('retry-after')).toBe('60')
      expect(refused.text).not.toContain('temporaryPassword')
    }
    expect(await issuedCount('target_id', bob.id)).toBe(5)
    expect(await credentialVersion(bob.id)).toBe(before + 5)
    // Three refusals of one kind (actor, target, reason) in one window: audited once.
    expect(await auditCount('password_reset_denied', bob.id, 'RATE_LIMITED')).toBe(1)
  })

  it('per admin: across targets, the limit holds too', async () => {
    await useApp({ settings: { resetRateLimit: { perAdminPerMinute: 3, perTargetPerMinute: 5 } } })
    const admin = await t.seedTenant()
    const targets = []
    for (let i = 0; i < 5; i++) {
      targets.push(await t.seedUser(admin.accessToken, 'user', `user${i}@example.com`))
    }
    const results = await Promise.all(targets.map((user) => reset(user.id, admin.accessToken)))
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429])
    expect(await issuedCount('actor_id', admin.id)).toBe(3)
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
    // A write that fails tells nobody: no notice waits to be sent.
    'outbox',
    'rate_limits',
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
      await t.settled()
      const expected = shape.before === 'own password' ? 'signed_in' : 'password_change_required'

      let size = Number.POSITIVE_INFINITY
      for (let k = 0; k <= size; k++) {
        const at = `failure before statement ${k}`
        // A failed sign-in: the throttle row the reset would clear. (A new wrong password each
        // time: the same one again within minutes would not count.)
        await t.post('auth/sign-in', { email: bob.email, password: `not the password ${k}` })
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
      await t.post('auth/sign-in', { email: bob.email, password: 'not the password either' })
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

/**
 * Lets fast-check's scheduler choose how concurrent requests interleave. Each request waits at its
 * start, after every hash (the long gap between a request's reads and its write) and before every
 * atomic write; the driver lets one waiting request through only once every other request is
 * waiting or done. So requests advance one at a time between gates, and the scheduler's choices
 * alone decide the order: a failing order replays from its seed.
 */
function createInterleaving(s: fc.Scheduler, total: number) {
  let waiting = 0
  let finished = 0
  let wake: (() => void) | undefined
  const settle = () => {
    if (wake && waiting + finished === total) {
      const resume = wake
      wake = undefined
      resume()
    }
  }
  const gate = <T>(value: T, label: string): Promise<T> => {
    waiting++
    const released = s.schedule(Promise.resolve(value), label)
    settle()
    return released
  }
  return {
    database: (real: Database): Database => ({
      db: real.db,
      writeAtomically: (statements) =>
        gate(statements, 'write').then((batch) => real.writeAtomically(batch)),
    }),
    hasher: (real: PasswordHasher): PasswordHasher => ({
      hash: async (password) => gate(await real.hash(password), 'hashed'),
      verify: async (hash, password) => gate(await real.verify(hash, password), 'verified'),
    }),
    start: <T>(label: string, request: () => Promise<T>): Promise<T> =>
      gate(label, label)
        .then(request)
        .finally(() => {
          finished++
          settle()
        }),
    /** Releases gates one by one, each after the system has come to rest, until all are done. */
    async drive() {
      for (;;) {
        await new Promise<void>((resolve) => {
          wake = resolve
          settle()
        })
        if (finished === total) return
        await s.waitNext(1)
        waiting--
      }
    },
  }
}

describe('resets interleaved with sign-ins and forced changes (scheduler-chosen orders)', () => {
  it('at most one temporary password verifies, no session outlives a later reset, versions and audit add up', async () => {
    await useApp({
      settings: { resetRateLimit: { perAdminPerMinute: 1000, perTargetPerMinute: 1000 } },
    })
    const admin = await t.seedTenant()
    let run = 0
    const plan = fc.record({
      // Idempotency keys: none, or one of two, so that some resets share a key.
      resets: fc.array(fc.constantFrom(null, 'key-a', 'key-b'), { minLength: 2, maxLength: 3 }),
      signIns: fc.array(fc.constantFrom('temporary' as const, 'changed' as const), {
        minLength: 1,
        maxLength: 2,
      }),
      changes: fc.integer({ min: 1, max: 2 }),
    })

    await fc.assert(
      fc.asyncProperty(fc.scheduler(), plan, async (s, { resets, signIns, changes }) => {
        // A fresh user per run, flagged with a first temporary password and holding a challenge.
        run++
        const email = `bob-${run}@example.com`
        const created = await t.post(
          'users',
          { email, displayName: 'Bob', role: 'user' },
          { token: admin.accessToken },
        )
        const bobId = created.json.user.id as string
        const firstPassword = created.json.temporaryPassword as string
        const challenge = await t.post('auth/sign-in', { email, password: firstPassword })
        const challengeToken = challenge.json.challengeToken as string
        const version = await credentialVersion(bobId)
        const newPasswords = Array.from(
          { length: changes },
          (_, i) => `Bob ${run} picks number ${i}`,
        )

        const total = resets.length + signIns.length + changes
        const interleaving = createInterleaving(s, total)
        const app = createApp({
          ...t.deps,
          database: interleaving.database(t.deps.database),
          hasher: interleaving.hasher(t.deps.hasher),
        })
        const requests = [
          ...resets.map((key, i) =>
            interleaving.start(`reset ${i} ${key ?? ''}`, () =>
              postVia(
                app,
                `users/${bobId}/password-reset`,
                { mode: 'generate' },
                admin.accessToken,
                key ? { 'Idempotency-Key': `${key}-${run}` } : {},
              ),
            ),
          ),
          ...signIns.map((which, i) =>
            interleaving.start(`sign-in ${i} ${which}`, () =>
              postVia(app, 'auth/sign-in', {
                email,
                password: which === 'temporary' ? firstPassword : newPasswords[0],
              }),
            ),
          ),
          ...newPasswords.map((newPassword, i) =>
            interleaving.start(`change ${i}`, () =>
              postVia(app, 'auth/password-change', { challengeToken, newPassword }),
            ),
          ),
        ]
        const [results] = await Promise.all([Promise.all(requests), interleaving.drive()])
        const resetResults = results.slice(0, resets.length)
        const signInResults = results.slice(resets.length, resets.length + signIns.length)
        const changeResults = results.slice(resets.length + signIns.length)

        // Resets: all issued, but a key shared by several issues once; the rest are told which.
        const issued = resetResults.filter((r) => r.status === 201)
        for (const key of new Set(resets)) {
          const same = resetResults.filter((_, i) => resets[i] === key)
          if (key === null) {
            expect(same.map((r) => r.status)).toEqual(same.map(() => 201))
            continue
          }
          const winners = same.filter((r) => r.status === 201)
          expect(winners).toHaveLength(1)
          for (const r of same.filter((r) => r.status !== 201)) {
            expect(r.status).toBe(409)
            expect(r.json).toMatchObject({
              code: 'RESET_ALREADY_ISSUED',
              resetId: winners[0]!.json.resetId,
            })
          }
        }
        for (const r of signInResults) {
          expect([200, 401]).toContain(r.status)
          if (r.status === 401) expect(r.json.code).toBe('INVALID_CREDENTIALS')
        }
        for (const r of changeResults) {
          expect([200, 401]).toContain(r.status)
          if (r.status === 401) expect(r.json.code).toBe('INVALID_CHALLENGE')
        }
        const changed = changeResults.filter((r) => r.status === 200)
        expect(changed.length).toBeLessThanOrEqual(1)

        // Every committed write shows in the version and the audit trail, nothing else does.
        expect(await credentialVersion(bobId)).toBe(version + issued.length + changed.length)
        expect(await auditCount('password_reset_issued', bobId)).toBe(issued.length)
        expect(await auditCount('authn_token_revoked', bobId, 'PASSWORD_RESET')).toBe(issued.length)

        // No session or challenge handed out during the race survives the resets that follow it.
        const sessions = [...signInResults, ...changeResults].filter(
          (r) => r.status === 200 && r.json.status === 'signed_in',
        )
        for (const [i, r] of sessions.entries()) await expectTokensDead(`session ${i}`, r.json)
        expect(await liveSessions(bobId)).toEqual([])
        const challenges = [
          challengeToken,
          ...signInResults
            .filter((r) => r.status === 200 && r.json.status === 'password_change_required')
            .map((r) => r.json.challengeToken as string),
        ]
        for (const token of challenges) {
          const res = await t.post('auth/password-change', {
            challengeToken: token,
            newPassword: `Bob ${run} tries a stale challenge`,
          })
          expect(res.json.code).toBe('INVALID_CHALLENGE')
        }

        // Exactly one password opens anything: the temporary one of the pending reset.
        const pending = await t.rows<{ id: string }>(
          "select id from password_resets where user_id = ? and status = 'pending'",
          bobId,
        )
        expect(pending).toHaveLength(1)
        const winner = issued.find((r) => r.json.resetId === pending[0]!.id)
        expect(winner).toBeDefined()
        const works = await t.post('auth/sign-in', {
          email,
          password: winner!.json.temporaryPassword,
        })
        expect(works.json.status).toBe('password_change_required')
        const others = [
          firstPassword,
          ...newPasswords,
          ...issued.filter((r) => r !== winner).map((r) => r.json.temporaryPassword as string),
        ]
        for (const password of others) {
          expect((await t.post('auth/sign-in', { email, password })).json.code).toBe(
            'INVALID_CREDENTIALS',
          )
        }
      }),
      { numRuns: 6, endOnFailure: true },
    )
  })
})
