import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { operatorResetPassword } from '../../src/services/tenants.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The CLI's break-glass reset, as a service on the real database (the CLI itself is tested as a
// process in test/runtime).

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({
    settings: { resetRateLimit: { perAdminPerMinute: 2, perTargetPerMinute: 2 } },
  })
})
afterEach(() => t.close())

describe('operatorResetPassword', () => {
  it('resets any role, is not held to the admins rate limits, and is audited as the operator', async () => {
    const admin = await t.seedTenant()
    const issued = []
    for (let i = 0; i < 4; i++) issued.push(await operatorResetPassword(t.deps, admin.email))

    const latest = issued.at(-1)!
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(401)
    const challenge = await t.post('auth/sign-in', {
      email: admin.email,
      password: latest.temporaryPassword,
    })
    expect(challenge.json.status).toBe('password_change_required')
    expect((await t.get('me', admin.accessToken)).status).toBe(401)

    const rows = await t.rows<{ actor_id: string | null; actor_role: string; request_id: string }>(
      "select actor_id, actor_role, request_id from audit_events where event = 'password_reset_issued' and target_id = ?",
      admin.id,
    )
    expect(rows).toHaveLength(4)
    expect(rows.every((row) => row.actor_id === null && row.actor_role === 'operator')).toBe(true)
    // Each run is its own request in the trail.
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(4)
    const [user] = await t.rows<{ last_reset_by: string | null }>(
      'select last_reset_by from users where id = ?',
      admin.id,
    )
    expect(user!.last_reset_by).toBeNull()
    const resets = await t.rows<{ issued_by: string | null; status: string }>(
      'select issued_by, status from password_resets where user_id = ? order by issued_at, rowid',
      admin.id,
    )
    expect(resets.at(-1)).toEqual({ issued_by: null, status: 'pending' })
  })

  it('refuses an unknown email with NOT_FOUND', async () => {
    await expect(operatorResetPassword(t.deps, 'nobody@example.com')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
