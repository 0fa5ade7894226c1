import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REFUSALS_PER_ACTOR } from '../../src/services/repeated-refusals.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const window = defaultSettings.repeatedRefusalWindowSeconds * 1000
const auditCount = async (event: string) =>
  (await t.rows<{ n: number }>('select count(*) as n from audit_events where event = ?', event))[0]!
    .n
const logCount = (event: string) => t.logLines.filter((line) => line.includes(`"${event}"`)).length

describe('repeated refusals are recorded once per window', () => {
  it('200 replays of a rotated refresh token: one audit row, one warning, family revoked', async () => {
    const admin = await t.seedTenant()
    const rotated = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    expect(rotated.status).toBe(200)
    const logsBefore = logCount('refresh_token_reuse')
    for (let i = 0; i < 200; i++) {
      const replay = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
      expect(replay.status).toBe(401)
    }
    console.info(
      `200 refresh-token replays: ${await auditCount('authn_token_reuse')} audit rows, ${logCount('refresh_token_reuse') - logsBefore} warnings`,
    )
    expect(await auditCount('authn_token_reuse')).toBe(1)
    expect(logCount('refresh_token_reuse') - logsBefore).toBe(1)
    // The family is revoked all the same: the successor token is dead.
    const successor = await t.post('auth/refresh', { refreshToken: rotated.json.refreshToken })
    expect(successor.status).toBe(401)

    // Parallel replays write at most one row too, and a new window records again.
    t.clock.advance(window)
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.post('auth/refresh', { refreshToken: admin.refreshToken }),
      ),
    )
    expect(await auditCount('authn_token_reuse')).toBe(2)
  })

  it('a plain user posting resets: one row per target and reason, and a cap per actor', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const post = (target: string) =>
      t.post(`users/${target}/password-reset`, { mode: 'generate' }, { token: bob.accessToken })
    for (let i = 0; i < 100; i++) expect((await post(admin.id)).status).toBe(403)
    expect(await auditCount('password_reset_denied')).toBe(1)
    for (let i = 0; i < 100; i++) expect((await post(`made-up-id-${i}`)).status).toBe(403)
    const rows = await auditCount('password_reset_denied')
    console.info(`200 refused resets by one plain user: ${rows} audit rows`)
    expect(rows).toBe(REFUSALS_PER_ACTOR)
    // Another actor is not held back by Bob's cap.
    expect((await post(admin.id)).status).toBe(403)
    const carol = await t.seedUser(admin.accessToken, 'user', 'carol@example.com')
    const carols = await t.post(
      `users/${admin.id}/password-reset`,
      { mode: 'generate' },
      { token: carol.accessToken },
    )
    expect(carols.status).toBe(403)
    expect(await auditCount('password_reset_denied')).toBe(REFUSALS_PER_ACTOR + 1)
  })
})
