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
    let guesses = 0
    // Each a different wrong password: the same one again would not count (see below).
    const fail = () => signIn(admin.email, `not the password ${guesses++}`, '198.51.100.8')
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
    let guesses = 0
    const fail = () => signIn(admin.email, `not the password ${guesses++}`)
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

describe('the hard stop cannot be used to lock an account out for good', () => {
  /** One wrong password per lock, from a rotating pool of networks (no IP lock gets in the way). */
  async function attack(email: string, failures: number) {
    for (let i = 0; i < failures; i++) {
      const res = await signIn(email, `attacker guess ${i}`, `203.0.113.${i % 40}`)
      expect(res.status, `failure ${i + 1}`).toBe(401)
      t.clock.advance(policy.maxLockSeconds * 1000)
    }
  }

  it('an anonymous caller stops the only global admin for their own networks, not for the admin', async () => {
    const admin = await t.seedTenant()
    const office = '192.0.2.10'
    expect((await signIn(admin.email, admin.password, office)).status).toBe(200)
    t.clock.advance(3 * 24 * 60 * MINUTE)

    await attack(admin.email, policy.accountHardStopFailures)
    // From any network the admin never signed in from, the account is stopped, unevaluated.
    t.hashCalls.verify = 0
    for (const ip of ['203.0.113.1', '198.51.100.99', '2001:db8:9::1']) {
      const refused = await signIn(admin.email, admin.password, ip)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBeNull()
    }
    expect(t.hashCalls.verify).toBe(0)
    // From the office, where the admin signed in three days ago, the right password still works.
    expect((await signIn(admin.email, admin.password, office)).status).toBe(200)
    expect(t.hashCalls.verify).toBe(1)
  })

  it("a known network's own failures are bounded too: it stops counting as known at the ceiling", async () => {
    const admin = await t.seedTenant()
    const office = '192.0.2.10'
    expect((await signIn(admin.email, admin.password, office)).status).toBe(200)
    const keys = throttleKeys(admin.email, office)
    for (let i = 0; i < policy.accountHardStopFailures; i++) {
      await t.deps.database.writeAtomically(signInFailureStatements(t.deps, keys))
      t.clock.advance(policy.maxLockSeconds * 1000)
    }
    // A hundred failures from the office since its last success: the office is a network like
    // any other now, and the account's ceiling for those still has room.
    expect((await signIn(admin.email, admin.password, office)).status).toBe(200)
    for (let i = 0; i < policy.accountHardStopFailures; i++) {
      await t.deps.database.writeAtomically(signInFailureStatements(t.deps, keys))
      t.clock.advance(policy.maxLockSeconds * 1000)
    }
    await attack(admin.email, policy.accountHardStopFailures)
    expect((await signIn(admin.email, admin.password, office)).status).toBe(429)
  })

  it('forgets a network 30 days after its last successful sign-in, and keeps no IP', async () => {
    const admin = await t.seedTenant()
    const office = '192.0.2.10'
    expect((await signIn(admin.email, admin.password, office)).status).toBe(200)
    const rows = await t.rows<Record<string, unknown>>('select * from rate_limits')
    expect(JSON.stringify(rows)).not.toContain(office)
    t.clock.advance(policy.knownNetworkSeconds * 1000)
    await attack(admin.email, policy.accountHardStopFailures)
    expect((await signIn(admin.email, admin.password, office)).status).toBe(429)
  })
})

describe('the same wrong password again', () => {
  it('does not count again within its window; a different wrong password does', async () => {
    const admin = await t.seedTenant()
    const fail = (password: string) => signIn(admin.email, password)
    // A phone retrying an old password: once counted, however often it retries.
    for (let i = 0; i < 20; i++) expect((await fail('my old password, 2025')).status).toBe(401)
    for (let i = 0; i < policy.accountLockThreshold - 2; i++) {
      expect((await fail(`another wrong one ${i}`)).status).toBe(401)
    }
    expect((await signIn(admin.email, admin.password)).status).toBe(200)

    // Different wrong passwords each count: five lock the account.
    for (let i = 0; i < policy.accountLockThreshold; i++) await fail(`different guess ${i}`)
    expect((await signIn(admin.email, admin.password)).status).toBe(429)
  })

  it('counts it again once its window has passed, and no digest outlives its window', async () => {
    const admin = await t.seedTenant()
    const repeated = 'the same wrong password'
    await signIn(admin.email, repeated)
    const digests = () =>
      t.rows<{ key: string; expires_at: number }>(
        "select key, expires_at from rate_limits where key like 'wrong-password:%'",
      )
    const failures = async () =>
      (
        await t.rows<{ failures: number }>(
          'select failures from sign_in_throttle where key = ?',
          throttleRowKey(t.deps, throttleKeys(admin.email, null).account),
        )
      )[0]?.failures
    const [first] = await digests()
    expect(first!.expires_at).toBe(t.clock.now() + policy.repeatedPasswordSeconds * 1000)
    // Keyed digests only: neither the password nor the email is stored.
    const dump = JSON.stringify(await t.rows('select * from rate_limits')).toLowerCase()
    expect(dump).not.toContain(repeated)
    expect(dump).not.toContain(admin.email)

    // Repeats inside the window count once and do not stretch it.
    t.clock.advance(policy.repeatedPasswordSeconds * 1000 - MINUTE)
    await signIn(admin.email, repeated)
    expect(await digests()).toEqual([first])
    expect(await failures()).toBe(1)

    // Past the window the digest is gone (a later failure's write deletes it) and counts anew.
    t.clock.advance(MINUTE)
    await signIn(admin.email, 'some other wrong password')
    expect((await digests()).map((row) => row.key)).not.toContain(first!.key)
    const before = await failures()
    await signIn(admin.email, repeated)
    expect(await failures()).toBe(before! + 1)
  })

  it('applies to a wrong current password too, and still counts against the client network', async () => {
    await t.close()
    t = await createTestApp({ settings: { signInThrottle: { ...policy, ipLockThreshold: 10 } } })
    const admin = await t.seedTenant()
    const change = () =>
      t.post(
        'me/password',
        { currentPassword: 'not my password', newPassword: 'a brand new passphrase 77' },
        { token: admin.accessToken, headers: { [CLIENT_IP_HEADER]: '198.51.100.7' } },
      )
    for (let i = 0; i < 9; i++) expect((await change()).status).toBe(403)
    // The account is not locked (one failure), but the network reached its own limit.
    expect((await signIn(admin.email, admin.password, '192.0.2.44')).status).toBe(200)
    expect((await change()).status).toBe(403)
    expect((await signIn(admin.email, admin.password)).status).toBe(429)
  })
})
