import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultSettings } from '../../src/services/settings.ts'
import { CLIENT_IP_HEADER, createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const limit = defaultSettings.forgotPasswordLimit
const count = async (table: string, where = '1 = 1') =>
  (await t.rows<{ n: number }>(`select count(*) as n from ${table} where ${where}`))[0]!.n
const forgot = (email: string, ip: string) =>
  t.post('auth/forgot-password', { email }, { headers: { [CLIENT_IP_HEADER]: ip } })

describe('POST /auth/forgot-password limits', () => {
  it('500 requests from one IP (one email, known and unknown ones) write a bounded few rows', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const auditBefore = await count('audit_events')
    const statuses = new Set<number>()
    for (let i = 0; i < 500; i++) {
      const email =
        i % 3 === 0 ? bob.email : i % 3 === 1 ? 'ghost@example.com' : `ghost${i}@example.com`
      statuses.add((await forgot(email, '192.0.2.50')).status)
    }
    expect([...statuses]).toEqual([202])
    const requests = await count('password_reset_requests')
    const audits = (await count('audit_events')) - auditBefore
    const counters = await count('rate_limits')
    console.info(
      `forgot-password, 500 requests from one IP: ${requests} request rows, ${audits} audit rows, ${counters} limiter rows`,
    )
    expect(requests).toBe(1)
    expect(audits).toBeLessThanOrEqual(limit.perIp)
    expect(counters).toBeLessThanOrEqual(limit.perIp + 1)
  })

  it('a second request for a user with an open request writes nothing new, from any IP', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const rows = async () => [
      await count('password_reset_requests'),
      await count('audit_events', "event = 'password_reset_requested'"),
    ]
    expect((await forgot(bob.email, '192.0.2.1')).status).toBe(202)
    expect(await rows()).toEqual([1, 1])
    expect((await forgot(bob.email, '192.0.2.2')).status).toBe(202)
    expect((await forgot('BOB@example.com', '192.0.2.3')).status).toBe(202)
    expect(await rows()).toEqual([1, 1])
  })

  it('limits per email across IPs, and per IP across emails, within the window', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const unknownAudits = () =>
      count('audit_events', "event = 'password_reset_requested' and reason = 'UNKNOWN_ACCOUNT'")
    // An unknown email: one audit row per window, however many IPs ask.
    for (let i = 0; i < 20; i++) await forgot('ghost@example.com', `198.51.100.${i}`)
    expect(await unknownAudits()).toBe(1)
    // One IP, many unknown emails: at most perIp recorded.
    for (let i = 0; i < 30; i++) await forgot(`ghost${i}@example.com`, '203.0.113.1')
    expect(await unknownAudits()).toBe(1 + limit.perIp)
    // The IP is over its limit: even a known user's first request from it is not queued...
    await forgot(bob.email, '203.0.113.1')
    expect(await count('password_reset_requests')).toBe(0)
    // ...until the window has passed.
    t.clock.advance(limit.windowSeconds * 1000)
    await forgot(bob.email, '203.0.113.1')
    expect(await count('password_reset_requests')).toBe(1)
    // Expired counters are pruned by later writes.
    t.clock.advance(limit.windowSeconds * 1000)
    for (let i = 0; i < 5; i++) await forgot(`later${i}@example.com`, `192.0.2.${i}`)
    expect(await count('rate_limits')).toBeLessThanOrEqual(10)
  })

  it('answers alike for known and unknown emails: status, body and headers', async () => {
    const admin = await t.seedTenant()
    await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const known = await forgot('bob@example.com', '192.0.2.9')
    const unknown = await forgot('nobody@example.com', '192.0.2.9')
    const limited = await forgot('bob@example.com', '192.0.2.9')
    const shape = (r: { status: number; text: string; headers: Headers }) => ({
      status: r.status,
      body: r.text,
      headers: [...r.headers.entries()].filter(([name]) => name !== 'x-request-id'),
    })
    expect(shape(unknown)).toEqual(shape(known))
    expect(shape(limited)).toEqual(shape(known))
  })
})
