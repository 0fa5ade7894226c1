import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Statement } from '../../src/db/database.ts'
import { requestPasswordReset } from '../../src/services/forgot-password.ts'
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
/** A forgot-password request, and the follow-up that runs after its answer has left. */
async function forgot(email: string, ip: string) {
  const answer = await t.post(
    'auth/forgot-password',
    { email },
    { headers: { [CLIENT_IP_HEADER]: ip } },
  )
  await t.settled()
  return answer
}

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

const dialect = new SQLiteSyncDialect()
const sqlText = (statement: Statement) => dialect.sqlToQuery(statement.getSQL()).sql

/**
 * Every atomic write through the database port from now on: each statement's SQL (parameters
 * aside) and the rows each one changed.
 */
function recordWrites(app: TestApp) {
  const database = app.deps.database
  const write = database.writeAtomically.bind(database)
  const writes: { statements: string[]; changes: number[] }[] = []
  database.writeAtomically = async (statements) => {
    const changes = await write(statements)
    writes.push({ statements: statements.map(sqlText), changes })
    return changes
  }
  return writes
}

describe('POST /auth/forgot-password timing', () => {
  it('does the same work before answering, known email or not: the same writes, of the same size', async () => {
    const admin = await t.seedTenant()
    await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const meta = (ip: string) => ({ requestId: `req-${ip}`, ip, language: 'en' })
    const writes = recordWrites(t)
    const known = await requestPasswordReset(t.deps, 'bob@example.com', meta('192.0.2.1'))
    const knownWrites = writes.splice(0)
    const unknown = await requestPasswordReset(t.deps, 'nobody@example.com', meta('192.0.2.2'))
    const unknownWrites = writes.splice(0)
    expect(knownWrites).toHaveLength(1)
    expect(unknownWrites).toEqual(knownWrites)
    // Nothing that depends on the email has happened yet...
    expect(await count('password_reset_requests')).toBe(0)
    expect(await count('audit_events', "event = 'password_reset_requested'")).toBe(0)
    expect(await count('outbox', "kind = 'forgot_password_request'")).toBe(0)

    // ...until the follow-up the caller runs after the answer has left.
    await known!()
    await unknown!()
    expect(await count('password_reset_requests')).toBe(1)
    expect(await count('outbox', "kind = 'forgot_password_request'")).toBe(1)
    const audited = await t.rows<{ reason: string | null }>(
      'select reason from audit_events where event = ? order by reason',
      'password_reset_requested',
    )
    expect(audited).toEqual([{ reason: null }, { reason: 'UNKNOWN_ACCOUNT' }])
  })

  it('queues the request after the answer, on the page as in the API', async () => {
    const admin = await t.seedTenant()
    await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    expect((await forgot('bob@example.com', '192.0.2.7')).status).toBe(202)
    await t.settled()
    expect(await count('password_reset_requests')).toBe(1)
    const page = await t.app.request('/forgot-password', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'http://localhost',
        [CLIENT_IP_HEADER]: '192.0.2.8',
      },
      body: new URLSearchParams({ email: 'nobody@example.com' }).toString(),
    })
    expect(page.status).toBe(200)
    await t.settled()
    expect(await count('audit_events', "reason = 'UNKNOWN_ACCOUNT'")).toBe(1)
  })
})
