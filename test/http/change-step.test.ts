import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PasswordHasher } from '../../src/core/password-hasher.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'
import { throttleRowKey } from '../../src/services/sign-in-throttle.ts'

// The steps where a password is set — the forced change and the self-service change — are
// guarded like sign-in: their refusals that compared hashes count as failed attempts, a locked
// account hashes nothing more, and a challenge never outlives its temporary password.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const DAY = 24 * 60 * 60 * 1000
const MINUTE = 60 * 1000

async function newUser(email = 'ann@example.com') {
  const admin = await t.seedTenant()
  const created = await t.post(
    'users',
    { email, displayName: 'Ann', role: 'user' },
    { token: admin.accessToken },
  )
  return {
    admin,
    email,
    id: created.json.user.id as string,
    temporary: created.json.temporaryPassword as string,
  }
}

const challengeFor = async (email: string, password: string) =>
  (await t.post('auth/sign-in', { email, password })).json.challengeToken as string

const auditRows = (event: string, userId: string) =>
  t.rows<{ outcome: string; reason: string | null }>(
    'select outcome, reason from audit_events where event = ? and target_id = ? order by at, rowid',
    event,
    userId,
  )

describe('the challenge and the temporary password', () => {
  it('a challenge ends when its temporary password expires, even if taken just before', async () => {
    const user = await newUser()
    t.clock.advance(DAY - 2 * MINUTE)
    const challenge = await t.post('auth/sign-in', { email: user.email, password: user.temporary })
    expect(challenge.json.status).toBe('password_change_required')
    // Not the usual 10 minutes: the challenge ends with the temporary password, 2 minutes away.
    expect(Date.parse(challenge.json.expiresAt)).toBeLessThanOrEqual(t.clock.now() + 2 * MINUTE)

    t.clock.advance(3 * MINUTE)
    const late = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: 'a brand new passphrase of hers',
    })
    expect(late.status).toBe(401)
    expect(late.json.code).toBe('INVALID_CHALLENGE')
    const again = await t.post('auth/sign-in', { email: user.email, password: user.temporary })
    expect(again.json.code).toBe('TEMPORARY_PASSWORD_EXPIRED')
    const [row] = await t.rows<{ must_change_password: number }>(
      'select must_change_password from users where id = ?',
      user.id,
    )
    expect(row!.must_change_password).toBe(1)
  })
})

describe('refusals that compared hashes count as failed attempts', () => {
  it('at the forced change: five refusals lock the account, and a locked account hashes nothing', async () => {
    const user = await newUser()
    const challengeToken = await challengeFor(user.email, user.temporary)
    for (let i = 0; i < 5; i++) {
      const refused = await t.post('auth/password-change', {
        challengeToken,
        newPassword: user.temporary,
      })
      expect(refused.status).toBe(422)
      expect(refused.json.violations.map((v: { code: string }) => v.code)).toEqual([
        'SAME_AS_TEMPORARY',
      ])
    }
    const hashesBefore = { ...t.hashCalls }
    const locked = await t.post('auth/password-change', {
      challengeToken,
      newPassword: 'a brand new passphrase of hers',
    })
    expect(locked.status).toBe(429)
    expect(locked.json.code).toBe('TOO_MANY_ATTEMPTS')
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(t.hashCalls).toEqual(hashesBefore)
    // The lock is the account's: sign-in is refused too.
    expect(
      (await t.post('auth/sign-in', { email: user.email, password: user.temporary })).status,
    ).toBe(429)
    const failures = await auditRows('authn_password_change', user.id)
    expect(failures).toHaveLength(5)
    expect(failures.every((row) => row.outcome === 'failure')).toBe(true)
    expect(failures[0]!.reason).toBe('SAME_AS_TEMPORARY')

    // Once the lock has passed, the challenge (still current) completes the change.
    t.clock.advance(31 * 1000)
    const fresh = await challengeFor(user.email, user.temporary)
    const done = await t.post('auth/password-change', {
      challengeToken: fresh,
      newPassword: 'a brand new passphrase of hers',
    })
    expect(done.status).toBe(200)
  })

  it('a completed change clears the count its refusals left, as a successful sign-in does', async () => {
    const user = await newUser()
    const challengeToken = await challengeFor(user.email, user.temporary)
    for (let i = 0; i < 3; i++) {
      await t.post('auth/password-change', { challengeToken, newPassword: user.temporary })
    }
    const done = await t.post('auth/password-change', {
      challengeToken,
      newPassword: 'a brand new passphrase of hers',
    })
    expect(done.status).toBe(200)
    expect(
      await t.rows(
        'select key from sign_in_throttle where key = ?',
        throttleRowKey(t.deps, `account:${user.email}`),
      ),
    ).toEqual([])
  })

  it('refusals that need no stored hash (too short, common) do not count', async () => {
    const user = await newUser()
    const challengeToken = await challengeFor(user.email, user.temporary)
    for (let i = 0; i < 8; i++) {
      const refused = await t.post('auth/password-change', { challengeToken, newPassword: 'short' })
      expect(refused.json.code).toBe('PASSWORD_POLICY')
    }
    const done = await t.post('auth/password-change', {
      challengeToken,
      newPassword: 'a brand new passphrase of hers',
    })
    expect(done.status).toBe(200)
  })

  it('at POST /me/password: a stolen token cannot guess the current password without limit', async () => {
    const admin = await t.seedTenant()
    for (let i = 0; i < 5; i++) {
      const wrong = await t.post(
        'me/password',
        { currentPassword: `wrong guess number ${i}`, newPassword: 'a brand new admin passphrase' },
        { token: admin.accessToken },
      )
      expect(wrong.json.code).toBe('INVALID_CURRENT_PASSWORD')
    }
    const hashesBefore = { ...t.hashCalls }
    const locked = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: 'a brand new admin passphrase' },
      { token: admin.accessToken },
    )
    expect(locked.status).toBe(429)
    expect(t.hashCalls).toEqual(hashesBefore)
    const failures = await auditRows('authn_password_change', admin.id)
    expect(failures.filter((row) => row.reason === 'INVALID_CURRENT_PASSWORD')).toHaveLength(5)
  })

  it('at POST /me/password: reusing a recent password counts too', async () => {
    const admin = await t.seedTenant()
    const reused = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: admin.password },
      { token: admin.accessToken },
    )
    expect(reused.json.violations.map((v: { code: string }) => v.code)).toEqual(['RECENTLY_USED'])
    const [row] = await t.rows<{ failures: number }>(
      'select failures from sign_in_throttle where key = ?',
      throttleRowKey(t.deps, `account:${admin.email}`),
    )
    expect(row!.failures).toBe(1)
  })
})

describe('a sign-in that loses a race to a reset changes nothing', () => {
  /** Lets `between` run after the password was verified and before the sign-in writes. */
  function interleave(between: () => Promise<void>) {
    const inner = t.deps.hasher
    const hasher: PasswordHasher = {
      hash: (password) => inner.hash(password),
      verify: async (hash, password) => {
        const ok = await inner.verify(hash, password)
        await between()
        return ok
      },
    }
    t.deps.hasher = hasher
    return () => {
      t.deps.hasher = inner
    }
  }
  const replaceCredential = (userId: string) =>
    t.run(
      "update users set credential_id = 'replaced', credential_version = credential_version + 1 where id = ?",
      userId,
    )

  it('a normal sign-in: 401, no session, no success audit', async () => {
    const admin = await t.seedTenant()
    const sessionsBefore = await t.rows('select id from sessions where user_id = ?', admin.id)
    const restore = interleave(() => replaceCredential(admin.id))
    const raced = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    restore()
    expect(raced.status).toBe(401)
    expect(raced.json.code).toBe('INVALID_CREDENTIALS')
    expect(await t.rows('select id from sessions where user_id = ?', admin.id)).toHaveLength(
      sessionsBefore.length,
    )
    const successes = await auditRows('authn_login_success', admin.id)
    expect(successes).toHaveLength(0)
  })

  it('a sign-in with a temporary password: 401, no challenge, the lock counter untouched', async () => {
    const user = await newUser()
    await t.post('auth/sign-in', { email: user.email, password: 'a wrong password entirely' })
    const restore = interleave(() => replaceCredential(user.id))
    const raced = await t.post('auth/sign-in', { email: user.email, password: user.temporary })
    restore()
    expect(raced.json.code).toBe('INVALID_CREDENTIALS')
    expect(await auditRows('authn_password_change_required', user.id)).toHaveLength(0)
    const [row] = await t.rows<{ failures: number }>(
      'select failures from sign_in_throttle where key = ?',
      throttleRowKey(t.deps, `account:${user.email}`),
    )
    expect(row!.failures).toBe(1)
  })
})

describe('what a change records', () => {
  const changeRows = (userId: string) =>
    t.rows<{ actor_id: string; outcome: string; reason: string }>(
      "select actor_id, outcome, reason from audit_events where event = 'authn_password_change' and target_id = ? order by at, rowid",
      userId,
    )
  const noticeKinds = (email: string) =>
    t.rows<{ kind: string }>(
      "select kind from outbox where recipient = ? and kind = 'password_changed'",
      email,
    )

  it('the forced change and the self-service change are each audited as the user, and told to them', async () => {
    const { email, id, temporary } = await newUser()
    const changed = await t.post('auth/password-change', {
      challengeToken: await challengeFor(email, temporary),
      newPassword: 'the passphrase she chose',
    })
    expect(changed.status).toBe(200)
    await t.post(
      'me/password',
      { currentPassword: 'the passphrase she chose', newPassword: 'and then another one' },
      { token: changed.json.accessToken },
    )
    expect(await changeRows(id)).toEqual([
      { actor_id: id, outcome: 'success', reason: 'FORCED_CHANGE' },
      { actor_id: id, outcome: 'success', reason: 'SELF_SERVICE' },
    ])
    expect(await noticeKinds(email)).toHaveLength(2)
  })
})
