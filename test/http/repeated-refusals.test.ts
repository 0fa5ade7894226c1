import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REFUSALS_PER_ACTOR } from '../../src/services/repeated-refusals.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { formBrowser } from '../helpers/form-browser.ts'
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
/** The refusals the rows of `event` stand for: each row counts its repeats (`details.count`). */
const refusalsCounted = async (event: string) => {
  const rows = await t.rows<{ details: string | null }>(
    'select details from audit_events where event = ?',
    event,
  )
  return rows.reduce(
    (sum, row) => sum + ((JSON.parse(row.details ?? '{}').count as number) ?? 1),
    0,
  )
}
const logCount = (event: string) => t.logLines.filter((line) => line.includes(`"${event}"`)).length

describe('repeated refusals are counted on one row per window', () => {
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
    // The row still tells how many there were, from the first to the last.
    const [row] = await t.rows<{ at: number; details: string }>(
      "select at, details from audit_events where event = 'authn_token_reuse'",
    )
    expect(JSON.parse(row!.details)).toMatchObject({ count: 200, lastAt: t.clock.now() })
    expect(await refusalsCounted('authn_token_reuse')).toBe(200)
    // And the audit log says so in words.
    const { open, signInAs } = formBrowser(() => t.app)
    const page = await open(await signInAs(admin.email, admin.password), '/admin/audit')
    expect(page.html).toContain('200 times in all, the last at')
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
    // A replay after that is counted on the new window's row.
    await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    expect(await refusalsCounted('authn_token_reuse')).toBeGreaterThan(201)
    expect(await refusalsCounted('authn_token_reuse')).toBeLessThanOrEqual(221)
  })

  it('a plain user posting resets: one row per target and reason, a cap per actor, every one counted', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const post = (target: string) =>
      t.post(`users/${target}/password-reset`, { mode: 'generate' }, { token: bob.accessToken })
    for (let i = 0; i < 100; i++) expect((await post(admin.id)).status).toBe(403)
    expect(await auditCount('password_reset_denied')).toBe(1)
    expect(await refusalsCounted('password_reset_denied')).toBe(100)
    for (let i = 0; i < 100; i++) expect((await post(`made-up-id-${i}`)).status).toBe(403)
    const rows = await auditCount('password_reset_denied')
    const counted = await refusalsCounted('password_reset_denied')
    console.info(`200 refused resets by one plain user: ${rows} audit rows counting ${counted}`)
    // Bounded rows: one per kind up to the cap, and one overflow row counting the rest.
    expect(rows).toBe(REFUSALS_PER_ACTOR + 1)
    expect(counted).toBe(200)
    const overflow = await t.rows<{ details: string }>(
      "select details from audit_events where event = 'password_reset_denied' and json_extract(details, '$.overflow') = 1",
    )
    expect(overflow).toHaveLength(1)
    expect(JSON.parse(overflow[0]!.details).count).toBe(100 - (REFUSALS_PER_ACTOR - 1))
    // Another actor is not held back by Bob's cap.
    expect((await post(admin.id)).status).toBe(403)
    const carol = await t.seedUser(admin.accessToken, 'user', 'carol@example.com')
    const carols = await t.post(
      `users/${admin.id}/password-reset`,
      { mode: 'generate' },
      { token: carol.accessToken },
    )
    expect(carols.status).toBe(403)
    expect(await auditCount('password_reset_denied')).toBe(REFUSALS_PER_ACTOR + 2)
  })
})
