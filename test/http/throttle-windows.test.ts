import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultSettings } from '../../src/services/settings.ts'
import { operatorResetPassword } from '../../src/services/tenants.ts'
import {
  signInFailureStatements,
  throttleKeys,
  throttleRowKey,
} from '../../src/services/sign-in-throttle.ts'
import { CLIENT_IP_HEADER, createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const MINUTE = 60_000
const policy = defaultSettings.signInThrottle
const signIn = (email: string, password: string, ip = '198.51.100.7') =>
  t.post('auth/sign-in', { email, password }, { headers: { [CLIENT_IP_HEADER]: ip } })

describe('sign-in throttle windows', () => {
  it("a shared IP's failures are counted per window: occasional typos never lock it", async () => {
    await t.close()
    const ipLockThreshold = 5
    t = await createTestApp({ settings: { signInThrottle: { ...policy, ipLockThreshold } } })
    const admin = await t.seedTenant()
    // Just under the IP threshold in every window, for several windows, across many accounts.
    for (let window = 0; window < 3; window++) {
      for (let i = 0; i < ipLockThreshold - 1; i++) {
        const res = await signIn(`someone${window}-${i}@example.com`, 'a typo of a password')
        expect(res.status).toBe(401)
      }
      t.clock.advance(policy.ipWindowSeconds * 1000)
    }
    expect((await signIn(admin.email, admin.password)).status).toBe(200)
  })

  it('the account count restarts after 15 quiet minutes; without the quiet it locks', async () => {
    const admin = await t.seedTenant()
    const fail = () => signIn(admin.email, 'not the password', '198.51.100.8')
    for (let i = 0; i < policy.accountLockThreshold - 1; i++)
      expect((await fail()).status).toBe(401)
    t.clock.advance(policy.accountQuietSeconds * 1000)
    for (let i = 0; i < policy.accountLockThreshold - 1; i++)
      expect((await fail()).status).toBe(401)
    expect((await signIn(admin.email, admin.password)).status).toBe(200)

    // The same failures 14 minutes apart keep counting.
    for (let i = 0; i < policy.accountLockThreshold - 1; i++)
      expect((await fail()).status).toBe(401)
    t.clock.advance(policy.accountQuietSeconds * 1000 - MINUTE)
    expect((await fail()).status).toBe(401)
    expect((await signIn(admin.email, admin.password)).status).toBe(429)
  })

  it('a lock is not a quiet period: the count goes on after the lock ends', async () => {
    const admin = await t.seedTenant()
    const fail = () => signIn(admin.email, 'not the password')
    for (let i = 0; i < policy.accountLockThreshold; i++) await fail()
    // Locked for 30 s; just after it ends, one more failure locks for 60 s.
    t.clock.advance(policy.baseLockSeconds * 1000)
    expect((await fail()).status).toBe(401)
    const locked = await signIn(admin.email, admin.password)
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe(String(policy.baseLockSeconds * 2))
  })

  it('stops an account for good at 100 consecutive failures: the 101st is never evaluated', async () => {
    const admin = await t.seedTenant()
    const keys = throttleKeys(admin.email, null)
    // 99 failures spread over days (each after a long quiet), written as sign-in would write them.
    for (let i = 0; i < policy.accountHardStopFailures - 1; i++) {
      await t.deps.database.writeAtomically(signInFailureStatements(t.deps, keys))
      t.clock.advance(policy.accountQuietSeconds * 1000 + policy.maxLockSeconds * 1000)
    }
    t.hashCalls.verify = 0
    expect((await signIn(admin.email, 'failure number 100')).status).toBe(401)
    expect(t.hashCalls.verify).toBe(1)
    const events = await t.rows<{ event: string }>(
      "select event from audit_events where event = 'authn_login_lock' and target_id = ?",
      admin.id,
    )
    expect(events).toHaveLength(1)

    // No amount of waiting lifts it, and the right password is not even verified.
    t.clock.advance(7 * 24 * 60 * MINUTE)
    const refused = await signIn(admin.email, admin.password)
    expect(refused.status).toBe(429)
    expect(refused.json.code).toBe('TOO_MANY_ATTEMPTS')
    expect(refused.headers.get('retry-after')).toBeNull()
    expect(t.hashCalls.verify).toBe(1)

    // A reset lifts it (here the operator's, the same atomic reset an admin's is).
    const reset = await operatorResetPassword(t.deps, admin.email)
    const temporary = await signIn(admin.email, reset.temporaryPassword)
    expect(temporary.json.status).toBe('password_change_required')
  })

  it('stores neither the typed email nor the IP, and prunes rows nobody needs any more', async () => {
    const typed = [
      'Hunter2-Secret@example.com',
      'my password is hunter2',
      'ghost1@x.test',
      'ghost2@x.test',
    ]
    for (const email of typed) await signIn(email, 'whatever', '203.0.113.77')
    const rows = await t.rows<Record<string, unknown>>('select * from sign_in_throttle')
    expect(rows).toHaveLength(typed.length + 1)
    const dump = JSON.stringify(rows).toLowerCase()
    for (const text of [...typed.map((e) => e.toLowerCase()), '203.0.113.77', 'hunter2']) {
      expect(dump).not.toContain(text)
    }
    expect(rows.map((row) => row.key)).toContain(
      throttleRowKey(t.deps, throttleKeys('ghost1@x.test', null).account),
    )

    // A day later, the next failures sweep away the forgotten rows as they write their own.
    t.clock.advance(policy.accountMemorySeconds * 1000)
    await signIn('late1@x.test', 'whatever', '203.0.113.78')
    expect((await t.rows('select key from sign_in_throttle')).length).toBeLessThanOrEqual(2)
  })
})
