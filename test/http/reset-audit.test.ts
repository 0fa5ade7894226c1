import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const deniedReasons = async (targetId: string) =>
  (
    await t.rows<{ reason: string }>(
      "select reason from audit_events where event = 'password_reset_denied' and target_id = ? order by at, rowid",
      targetId,
    )
  ).map((row) => row.reason)

describe('every refused reset is audited with its reason', () => {
  it('idempotent retries, reused keys and malformed keys', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const reset = (body: unknown, key: string) =>
      t.post(`users/${bob.id}/password-reset`, body, {
        token: admin.accessToken,
        headers: { 'Idempotency-Key': key },
      })

    const first = await reset({ mode: 'generate' }, 'key-1')
    expect(first.status).toBe(201)
    const retry = await reset({ mode: 'generate' }, 'key-1')
    expect(retry.status).toBe(409)
    expect(retry.json).toMatchObject({ code: 'RESET_ALREADY_ISSUED', resetId: first.json.resetId })
    const otherBody = await reset(
      { mode: 'custom', password: 'an admin chosen passphrase' },
      'key-1',
    )
    expect(otherBody.json.code).toBe('IDEMPOTENCY_KEY_REUSED')
    const malformed = await reset({ mode: 'generate' }, 'no spaces allowed')
    expect(malformed.json.code).toBe('INVALID_IDEMPOTENCY_KEY')

    expect(await deniedReasons(bob.id)).toEqual([
      'RESET_ALREADY_ISSUED',
      'IDEMPOTENCY_KEY_REUSED',
      'INVALID_IDEMPOTENCY_KEY',
    ])
    // The refused requests changed nothing: the first temporary password still works.
    const signIn = await t.post('auth/sign-in', {
      email: bob.email,
      password: first.json.temporaryPassword,
    })
    expect(signIn.json.status).toBe('password_change_required')
  })

  it('a non-admin learns nothing from a malformed key: the same 403 as always', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const refused = await t.post(
      `users/${admin.id}/password-reset`,
      { mode: 'generate' },
      { token: bob.accessToken, headers: { 'Idempotency-Key': 'not valid' } },
    )
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('FORBIDDEN_ROLE')
    expect(await deniedReasons(admin.id)).toEqual(['FORBIDDEN_ROLE'])
  })
})

describe('forgot-password', () => {
  it('costs one write for an unknown email as for a known one, and shows admins neither', async () => {
    const admin = await t.seedTenant()
    const count = async () =>
      (await t.rows<{ n: number }>('select count(*) as n from audit_events'))[0]!.n
    const before = await count()
    const unknown = await t.post('auth/forgot-password', { email: 'nobody@example.com' })
    expect(unknown.status).toBe(202)
    await t.settled()
    expect(await count()).toBe(before + 1)
    const [row] = await t.rows<{ tenant_id: string | null; reason: string }>(
      "select tenant_id, reason from audit_events where event = 'password_reset_requested'",
    )
    expect(row).toEqual({ tenant_id: null, reason: 'UNKNOWN_ACCOUNT' })
    const trail = await t.get('audit-events', admin.accessToken)
    expect(trail.json.items.map((e: { event: string }) => e.event)).not.toContain(
      'password_reset_requested',
    )
  })
})
