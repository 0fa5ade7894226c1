import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEventRow } from '../helpers/audit-rows.ts'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import { CLIENT_IP_HEADER, createTestApp, type TestApp } from '../helpers/test-app.ts'

// What the audit trail holds: who did what to whom, from where, in which request, and never a
// secret (SECURITY H1, and the audit's part of "secrets are never stored or logged").

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const allRows = () => t.rows<AuditEventRow>('select * from audit_events order by at, rowid')

describe('a successful reset is recorded whole', () => {
  it('names the actor and their role, the target, the client address and the request', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const reset = await t.post(
      `users/${bob.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken, headers: { [CLIENT_IP_HEADER]: '198.51.100.23' } },
    )
    expect(reset.status).toBe(201)
    const [row] = (await allRows()).filter((r) => r.event === 'password_reset_issued')
    expect(row).toMatchObject({
      tenant_id: admin.tenantId,
      actor_id: admin.id,
      actor_role: 'global_admin',
      target_id: bob.id,
      outcome: 'success',
      reason: 'TEMPORARY',
      ip: '198.51.100.23',
      request_id: reset.headers.get('x-request-id'),
    })
    expect(row!.request_id).toMatch(/^\S{8,}$/)
    expect(row!.at).toBe(t.clock.now())
  })
})

describe('no audit row holds a secret', () => {
  it('after a journey through every kind of secret, a scan of every column finds none', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const secrets: string[] = [admin.password, bob.password]
    secrets.push(admin.accessToken, admin.refreshToken, bob.accessToken, bob.refreshToken)

    // A custom reset, a failed and a successful sign-in, the forced change.
    const custom = 'an admin chosen passphrase 4821'
    const reset = await t.post(
      `users/${bob.id}/password-reset`,
      { mode: 'custom', password: custom },
      { token: admin.accessToken },
    )
    expect(reset.status).toBe(201)
    secrets.push(custom)
    const wrong = 'a wrong password someone typed 77'
    expect((await t.post('auth/sign-in', { email: bob.email, password: wrong })).status).toBe(401)
    secrets.push(wrong)
    const challenge = await t.post('auth/sign-in', { email: bob.email, password: custom })
    secrets.push(challenge.json.challengeToken)
    const chosen = 'lantern meadow quartz river 4821'
    const changed = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: chosen,
    })
    expect(changed.status).toBe(200)
    secrets.push(chosen, changed.json.accessToken, changed.json.refreshToken)

    // A generated reset's temporary password, a refresh and a replayed refresh token.
    const generated = await t.post(
      `users/${admin.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    expect(generated.status).toBe(403) // never on oneself: refused, and audited
    const carol = await t.seedUser(admin.accessToken, 'user', 'carol@example.com')
    const temporary = await t.post(
      `users/${carol.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    secrets.push(temporary.json.temporaryPassword, carol.password)
    const refreshed = await t.post('auth/refresh', { refreshToken: changed.json.refreshToken })
    secrets.push(refreshed.json.accessToken, refreshed.json.refreshToken)
    await t.post('auth/refresh', { refreshToken: changed.json.refreshToken })

    // Two-step verification: its seed, a code, recovery codes; and a sign-in through it.
    const signedIn = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    const factor = await enrollTotp(t, signedIn.json.accessToken, admin.password)
    secrets.push(factor.secret, ...factor.recoveryCodes)
    nextStep(t)
    const step = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    secrets.push(step.json.mfaToken)
    const code = totpCode(factor.secret, t.clock.now())
    const viaCode = await t.post('auth/mfa', { mfaToken: step.json.mfaToken, code })
    expect(viaCode.json.status).toBe('signed_in')
    secrets.push(viaCode.json.accessToken, viaCode.json.refreshToken)

    // An app and its client secret.
    const app = await t.post(
      'clients',
      { name: 'Timesheets', redirectUris: ['https://timesheets.example/callback'] },
      { token: viaCode.json.accessToken },
    )
    if (app.status === 201) secrets.push(app.json.clientSecret)

    // Forgot password, for a known and an unknown email.
    await t.post('auth/forgot-password', { email: carol.email })
    await t.post('auth/forgot-password', { email: 'nobody@example.com' })
    await t.settled()

    const hashes = await t.rows<{ h: string }>('select password_hash as h from users')
    secrets.push(...hashes.map((row) => row.h))
    const rows = await allRows()
    expect(rows.length).toBeGreaterThan(15)
    const cells = rows.flatMap((row) => Object.values(row).filter((v) => typeof v === 'string'))
    const found = secrets
      .filter((secret) => secret && secret.length >= 6)
      .filter((secret) => cells.some((cell) => (cell as string).includes(secret)))
    expect(found).toEqual([])
    // Nor anything shaped like one: an argon2 hash, a JWT, a 6-digit code alone in details.
    for (const cell of cells as string[]) {
      expect(cell).not.toMatch(/\$argon2/)
      expect(cell).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)
    }
    console.info(`audit scan: ${rows.length} rows, ${secrets.length} secrets looked for, 0 found`)
  })
})
