import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLIENT_IP_HEADER, createTestApp, runtime, type TestApp } from '../helpers/test-app.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import type { AuditEventRow } from '../helpers/audit-rows.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

/** Every header but the request id, which differs per request by design. */
const comparable = (r: { status: number; text: string; headers: Headers }) => ({
  status: r.status,
  body: r.text,
  headers: [...r.headers.entries()].filter(([name]) => name !== 'x-request-id'),
})

describe('POST /auth/sign-in', () => {
  it('signs a user in with the right password (email case-insensitive)', async () => {
    const admin = await t.seedTenant()
    const res = await t.post('auth/sign-in', {
      email: admin.email.toUpperCase(),
      password: admin.password,
    })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ status: 'signed_in', tokenType: 'Bearer', expiresIn: 600 })
    expect(res.headers.get('cache-control')).toBe('no-store')
    const me = await t.get('me', res.json.accessToken)
    expect(me.json).toMatchObject({ id: admin.id, email: admin.email, role: 'global_admin' })
  })

  it('answers an unknown email and a wrong password byte-identically, with one argon2 verify each', async () => {
    const admin = await t.seedTenant()
    t.hashCalls.verify = 0
    const unknown = await t.post('auth/sign-in', {
      email: 'nobody@example.com',
      password: 'whatever password 1',
    })
    expect(t.hashCalls.verify).toBe(1)
    const wrong = await t.post('auth/sign-in', {
      email: admin.email,
      password: 'whatever password 1',
    })
    expect(t.hashCalls.verify).toBe(2)
    expect(unknown.status).toBe(401)
    expect(unknown.json).toEqual({
      type: 'about:blank',
      title: 'The email or password is incorrect',
      status: 401,
      code: 'INVALID_CREDENTIALS',
    })
    expect(comparable(wrong)).toEqual(comparable(unknown))
  })

  it('locks an account after 5 failures; 4 failures and the right password still succeed', async () => {
    const admin = await t.seedTenant()
    for (let i = 0; i < 4; i++)
      await t.post('auth/sign-in', { email: admin.email, password: `wrong password ${i}` })
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)

    // The success cleared the counter; five fresh failures lock (fresh passwords too: the same
    // wrong one again within minutes would not count).
    for (let i = 0; i < 5; i++)
      await t.post('auth/sign-in', { email: admin.email, password: `another wrong one ${i}` })
    const verifies = t.hashCalls.verify
    const locked = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(locked.status).toBe(429)
    expect(locked.json.code).toBe('TOO_MANY_ATTEMPTS')
    expect(locked.headers.get('retry-after')).toBe('30')
    expect(t.hashCalls.verify).toBe(verifies) // refused before argon2

    // Attempts during the lock do not extend it; after it, the right password works.
    t.clock.advance(20_000)
    await t.post('auth/sign-in', { email: admin.email, password: 'wrong again 12345' })
    t.clock.advance(10_001)
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
  })

  it('audits every failure, known account or not, and the start of a lock once', async () => {
    const admin = await t.seedTenant()
    for (let i = 0; i < 5; i++)
      await t.post('auth/sign-in', { email: admin.email, password: `wrong password ${i}` })
    await t.post('auth/sign-in', { email: 'ghost@example.com', password: 'wrong password 0' })
    const rows = await t.rows<{ event: string; tenantId: string | null; reason: string }>(
      "select event, tenant_id as tenantId, reason from audit_events where event like 'authn_login_%' order by rowid",
    )
    expect(rows.map((r) => r.event)).toEqual([
      ...Array(5).fill('authn_login_fail'),
      'authn_login_lock',
      'authn_login_fail',
    ])
    expect(rows.at(-1)).toEqual({
      event: 'authn_login_fail',
      tenantId: null,
      reason: 'UNKNOWN_ACCOUNT',
    })
  })

  it('doubles the lock with each further failure', async () => {
    const admin = await t.seedTenant()
    for (let i = 0; i < 5; i++)
      await t.post('auth/sign-in', { email: admin.email, password: `wrong password ${i}` })
    t.clock.advance(30_001)
    await t.post('auth/sign-in', { email: admin.email, password: 'sixth wrong password' })
    const res = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(res.headers.get('retry-after')).toBe('60')
  })

  it('throttles unknown emails exactly like known ones, sharing one counter across letter case', async () => {
    for (let i = 0; i < 5; i++) {
      const email = i % 2 ? 'Ghost@Example.com' : 'ghost@example.com'
      const password = `wrong password ${i}`
      expect((await t.post('auth/sign-in', { email, password })).status).toBe(401)
    }
    const res = await t.post('auth/sign-in', {
      email: 'GHOST@example.com',
      password: 'wrong password 123',
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
  })

  it('limits one client IP spraying many accounts, before hashing', async () => {
    const t2 = await createTestApp({
      settings: {
        signInThrottle: {
          ...defaultSettings.signInThrottle,
          accountLockThreshold: 5,
          ipLockThreshold: 10,
          baseLockSeconds: 30,
          maxLockSeconds: 900,
        },
      },
    })
    try {
      const headers = { [CLIENT_IP_HEADER]: '203.0.113.9' }
      for (let i = 0; i < 10; i++) {
        await t2.post(
          'auth/sign-in',
          { email: `victim${i}@example.com`, password: 'Spring2026!Spring' },
          { headers },
        )
      }
      const verifies = t2.hashCalls.verify
      const res = await t2.post(
        'auth/sign-in',
        { email: 'victim99@example.com', password: 'x' },
        { headers },
      )
      expect(res.status).toBe(429)
      expect(t2.hashCalls.verify).toBe(verifies)
      // Another IP is unaffected.
      const other = await t2.post(
        'auth/sign-in',
        { email: 'victim99@example.com', password: 'x' },
        { headers: { [CLIENT_IP_HEADER]: '198.51.100.1' } },
      )
      expect(other.status).toBe(401)
    } finally {
      await t2.close()
    }
  })

  it('counts an IPv6 client by its /64: rotating addresses within it does not escape the limit', async () => {
    const t2 = await createTestApp({
      settings: { signInThrottle: { ...defaultSettings.signInThrottle, ipLockThreshold: 10 } },
    })
    try {
      const from = (ip: string, i: number) =>
        t2.post(
          'auth/sign-in',
          { email: `victim${i}@example.com`, password: 'Spring2026!Spring' },
          { headers: { [CLIENT_IP_HEADER]: ip } },
        )
      for (let i = 0; i < 10; i++) await from(`2001:db8:7:9::${(i + 1).toString(16)}`, i)
      expect((await from('2001:db8:7:9:ffff:1:2:3', 99)).status).toBe(429)
      // The next /64 is another client.
      expect((await from('2001:db8:7:a::1', 99)).status).toBe(401)
    } finally {
      await t2.close()
    }
  })

  it('refuses a password over 1024 bytes without hashing it', async () => {
    const verifies = t.hashCalls.verify
    const res = await t.post('auth/sign-in', { email: 'a@example.com', password: 'x'.repeat(1025) })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('VALIDATION_FAILED')
    expect(t.hashCalls.verify).toBe(verifies)
  })

  it('measures the 1024-byte cap after NFKC too: a short input that expands is never hashed', async () => {
    await t.seedTenant()
    // U+FDFA is 3 bytes but 18 characters under NFKC: 1,023 bytes in, over 6 KB normalised.
    const expanding = '\uFDFA'.repeat(341)
    const verifies = t.hashCalls.verify
    const res = await t.post('auth/sign-in', {
      email: 'admin-acme@example.com',
      password: expanding,
    })
    expect(res.status).toBe(401)
    expect(res.json.code).toBe('INVALID_CREDENTIALS')
    expect(t.hashCalls.verify).toBe(verifies)
  })

  it('accepts long passwords and verifies NFC and NFD forms alike', async () => {
    const admin = await t.seedTenant()
    const long = `${'Long passphrase '.repeat(8)}Amélie`
    const change = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: long },
      { token: admin.accessToken },
    )
    expect(change.status).toBe(204)
    const nfd = long.normalize('NFD')
    expect(nfd).not.toBe(long)
    expect((await t.post('auth/sign-in', { email: admin.email, password: nfd })).status).toBe(200)
  })

  it('rehashes a hash with weaker parameters at the next successful sign-in', async () => {
    const admin = await t.seedTenant()
    await t.run(
      'update users set password_hash = ? where id = ?',
      await t.weakHash(admin.password),
      admin.id,
    )
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
    const [stored] = await t.rows<{ h: string }>(
      'select password_hash as h from users where id = ?',
      admin.id,
    )
    expect(stored!.h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
  })
})

describe('what a sign-in records', () => {
  type AuditRow = Pick<
    AuditEventRow,
    'tenant_id' | 'actor_id' | 'actor_role' | 'target_id' | 'outcome' | 'reason'
  >
  const auditOf = (event: string) =>
    t.rows<AuditRow>(
      'select tenant_id, actor_id, actor_role, target_id, outcome, reason from audit_events where event = ? order by rowid',
      event,
    )
  /** An admin's reset of the user, and the temporary password it shows. */
  const temporaryPasswordOf = async (userId: string, adminToken: string) =>
    (await t.post(`users/${userId}/password-reset`, { mode: 'generate' }, { token: adminToken }))
      .json.temporaryPassword as string
  const tenantOf = async (userId: string) =>
    (await t.rows<{ id: string }>('select tenant_id as id from users where id = ?', userId))[0]!.id

  it('a failure names the account, its tenant and role when the email is known, nobody when not', async () => {
    const admin = await t.seedTenant()
    await t.post('auth/sign-in', { email: admin.email, password: 'not the password at all' })
    await t.post('auth/sign-in', { email: 'ghost@example.com', password: 'not the password' })
    expect(await auditOf('authn_login_fail')).toEqual([
      {
        tenant_id: await tenantOf(admin.id),
        actor_id: admin.id,
        actor_role: 'global_admin',
        target_id: admin.id,
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      },
      {
        tenant_id: null,
        actor_id: null,
        actor_role: null,
        target_id: null,
        outcome: 'failure',
        reason: 'UNKNOWN_ACCOUNT',
      },
    ])
  })

  it('the start of a lock is logged for operators, with the account', async () => {
    const admin = await t.seedTenant()
    for (let i = 0; i < 5; i++)
      await t.post('auth/sign-in', { email: admin.email, password: `wrong password ${i}` })
    const locks = t.logLines.filter((line) => line.includes('"event":"authn_login_lock"'))
    expect(locks).toHaveLength(1)
    expect(JSON.parse(locks[0]!)).toMatchObject({ level: 'warn', userId: admin.id })
  })

  it('a success, a change owed and a code owed are each audited as the user, with their outcome', async () => {
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const asUser = (id: string, role: string) => ({
      tenant_id: expect.any(String),
      actor_id: id,
      actor_role: role,
      target_id: id,
      outcome: 'success',
      reason: null,
    })
    const before = (await auditOf('authn_login_success')).length
    await t.post('auth/sign-in', { email: ann.email, password: ann.password })
    expect((await auditOf('authn_login_success')).slice(before)).toEqual([asUser(ann.id, 'user')])

    const owed = await t.post('auth/sign-in', {
      email: ann.email,
      password: await temporaryPasswordOf(ann.id, admin.accessToken),
    })
    expect(owed.json.next).toEqual({ method: 'POST', href: '/api/v1/auth/password-change' })
    expect((await auditOf('authn_password_change_required')).at(-1)).toEqual(asUser(ann.id, 'user'))

    await enrollTotp(t, admin.accessToken, admin.password)
    await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(await auditOf('authn_mfa_required')).toEqual([asUser(admin.id, 'global_admin')])
  })

  it('an expired temporary password is audited as its user trying it', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const temporaryPassword = await temporaryPasswordOf(bob.id, admin.accessToken)
    t.clock.advance(24 * 3600_000)
    await t.post('auth/sign-in', { email: bob.email, password: temporaryPassword })
    expect(await auditOf('password_reset_expired_use')).toEqual([
      {
        tenant_id: await tenantOf(bob.id),
        actor_id: bob.id,
        actor_role: 'user',
        target_id: bob.id,
        outcome: 'failure',
        reason: 'TEMPORARY_PASSWORD_EXPIRED',
      },
    ])
  })

  it('the MFA token itself ends with its step: a right code past it (and 5 s of tolerance) is refused', async () => {
    const admin = await t.seedTenant()
    const { secret } = await enrollTotp(t, admin.accessToken, admin.password)
    nextStep(t)
    const step = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    t.clock.advance(Date.parse(step.json.expiresAt) - t.clock.now() + 6000)
    const late = await t.post('auth/mfa', {
      mfaToken: step.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    expect(late.status).toBe(401)
  })

  it('a hash with the current parameters is left as it is', async () => {
    const admin = await t.seedTenant()
    const stored = async () =>
      (
        await t.rows<{ h: string }>('select password_hash as h from users where id = ?', admin.id)
      )[0]!.h
    const before = await stored()
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
    expect(await stored()).toBe(before)
  })
})

describe('hash scheduling', () => {
  // On Workers argon2 runs synchronously on the isolate's one thread, so concurrent requests wait
  // in workerd's own queue and never pile up in the scheduler; the shedding is a Node behaviour.
  it.skipIf(runtime === 'workers')(
    'answers 503 SERVICE_BUSY with Retry-After when the hash queue is full, and recovers',
    async () => {
      const t2 = await createTestApp({ hashing: { maxInFlight: 1, maxQueue: 1 } })
      try {
        const admin = await t2.seedTenant()
        const attempts = await Promise.all(
          Array.from({ length: 6 }, () =>
            t2.post('auth/sign-in', { email: admin.email, password: admin.password }),
          ),
        )
        const statuses = attempts.map((r) => r.status)
        expect(statuses).toContain(200)
        expect(statuses).toContain(503)
        const busy = attempts.find((r) => r.status === 503)!
        expect(busy.json.code).toBe('SERVICE_BUSY')
        expect(busy.headers.get('retry-after')).toBe('1')
        expect(
          (await t2.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
        ).toBe(200)
      } finally {
        await t2.close()
      }
    },
  )
})
