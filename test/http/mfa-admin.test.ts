import { afterEach, describe, expect, it } from 'vitest'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
afterEach(() => t.close())

const auditRows = (event: string, targetId: string) =>
  t.rows<{ outcome: string; reason: string | null; actor_id: string | null }>(
    'select outcome, reason, actor_id from audit_events where event = ? and target_id = ? order by at, rowid',
    event,
    targetId,
  )

describe('POST /users/{id}/mfa-reset', () => {
  it('removes the factor and its recovery codes, ends every session, and is audited', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await enrollTotp(t, user.accessToken, user.password)
    nextStep(t)

    const reset = await t.post(`users/${user.id}/mfa-reset`, undefined, {
      token: admin.accessToken,
    })
    expect(reset.status).toBe(204)
    expect((await t.get('me', user.accessToken)).status).toBe(401)
    expect((await t.get(`users/${user.id}`, admin.accessToken)).json.mfaEnrolled).toBe(false)
    expect(await t.rows('select * from recovery_codes where user_id = ?', user.id)).toHaveLength(0)
    const [event] = await auditRows('mfa_reset', user.id)
    expect(event).toEqual({ outcome: 'success', reason: 'FACTOR_REMOVED', actor_id: admin.id })
    // The sessions it ended, audited as a revocation: the one the user had.
    expect(
      await t.rows(
        `select reason, actor_id, json_extract(details, '$.sessionsRevoked') as ended
         from audit_events where event = 'authn_token_revoked' and target_id = ?`,
        user.id,
      ),
    ).toEqual([{ reason: 'MFA_RESET', actor_id: admin.id, ended: 1 }])
    // The password alone signs in again, and the user may enroll anew.
    const signedIn = await t.post('auth/sign-in', { email: user.email, password: user.password })
    expect(signedIn.json.status).toBe('signed_in')
  })

  it('follows the password reset role matrix, never on oneself, and tenant isolation', async () => {
    t = await createTestApp()
    const global = await t.seedTenant()
    const globalTwo = await t.seedUser(global.accessToken, 'global_admin', 'g2@example.com')
    const pwAdmin = await t.seedUser(global.accessToken, 'password_admin', 'pa@example.com')
    const pwAdminTwo = await t.seedUser(global.accessToken, 'password_admin', 'pa2@example.com')
    const user = await t.seedUser(global.accessToken, 'user', 'u@example.com')
    const userTwo = await t.seedUser(global.accessToken, 'user', 'u2@example.com')
    const other = await t.seedTenant('Other')
    const outsider = await t.seedUser(other.accessToken, 'user', 'x@example.com')

    const attempt = async (actor: { accessToken: string }, targetId: string) => {
      const response = await t.post(`users/${targetId}/mfa-reset`, undefined, {
        token: actor.accessToken,
      })
      return response.status === 204 ? 204 : response.json.code
    }
    expect(await attempt(global, globalTwo.id)).toBe(204)
    expect(await attempt(global, pwAdmin.id)).toBe(204)
    expect(await attempt(global, user.id)).toBe(204)
    expect(await attempt(global, global.id)).toBe('CANNOT_RESET_SELF')
    expect(await attempt(pwAdminTwo, global.id)).toBe('FORBIDDEN_ROLE')
    expect(await attempt(pwAdminTwo, userTwo.id)).toBe(204)
    expect(await attempt(pwAdminTwo, pwAdminTwo.id)).toBe('CANNOT_RESET_SELF')
    const plain = await t.seedUser(global.accessToken, 'user', 'plain@example.com')
    // A user gets the same 403 whether or not the target exists.
    expect(await attempt(plain, plain.id)).toBe('FORBIDDEN_ROLE')
    expect(await attempt(plain, 'no-such-user')).toBe('FORBIDDEN_ROLE')
    // Another tenant's user does not exist for this admin.
    expect(await attempt(global, outsider.id)).toBe('NOT_FOUND')
    expect(await attempt(global, 'no-such-user')).toBe('NOT_FOUND')
    // A refusal repeated in a loop is refused every time and recorded once per window.
    for (let i = 0; i < 5; i++) expect(await attempt(plain, plain.id)).toBe('FORBIDDEN_ROLE')
    const denied = await t.rows<{ reason: string }>(
      "select reason from audit_events where event = 'mfa_reset_denied' order by at, rowid",
    )
    expect(denied.map((row) => row.reason)).toEqual([
      'CANNOT_RESET_SELF',
      'FORBIDDEN_ROLE',
      'CANNOT_RESET_SELF',
      'FORBIDDEN_ROLE',
      'FORBIDDEN_ROLE',
      'NOT_FOUND',
      'NOT_FOUND',
    ])
  })
})

describe('ONCEPASS_REQUIRE_ADMIN_MFA', () => {
  it('an admin resets or adds nobody before enrolling, and only within 15 minutes of a verification', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    // The operator turns the setting on for a tenant that has users (a restart with it set).
    t.deps.settings.requireAdminMfa = true
    let token = admin.accessToken
    const reset = () => t.post(`users/${user.id}/password-reset`, { mode: 'generate' }, { token })
    const mfaReset = () => t.post(`users/${user.id}/mfa-reset`, undefined, { token })
    let added = 0
    const addUser = () =>
      t.post(
        'users',
        { email: `new-${++added}@example.com`, displayName: 'New', role: 'global_admin' },
        { token },
      )

    // Signing in still works without a factor; resetting, or adding a user (whose first password
    // is a credential issued just the same), does not.
    const first = await reset()
    expect(first.status).toBe(403)
    expect(first.json.code).toBe('MFA_ENROLLMENT_REQUIRED')
    expect((await mfaReset()).json.code).toBe('MFA_ENROLLMENT_REQUIRED')
    const refusedAdd = await addUser()
    expect(refusedAdd.status).toBe(403)
    expect(refusedAdd.json.code).toBe('MFA_ENROLLMENT_REQUIRED')
    expect(await auditRows('password_reset_denied', user.id)).toEqual([
      { outcome: 'denied', reason: 'MFA_ENROLLMENT_REQUIRED', actor_id: admin.id },
    ])

    // Confirming the enrollment is itself a verification of this session.
    const { secret } = await enrollTotp(t, admin.accessToken, admin.password)
    expect((await reset()).status).toBe(201)
    expect((await addUser()).status).toBe(201)

    // The same session 15 minutes on (its access token refreshed): no longer fresh enough.
    t.clock.advance(15 * 60_000 + 1000)
    const refreshed = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    token = refreshed.json.accessToken
    const stale = await reset()
    expect(stale.status).toBe(403)
    expect(stale.json.code).toBe('STEP_UP_REQUIRED')
    expect(stale.json.next).toEqual({ method: 'POST', href: '/api/v1/me/mfa/verify' })
    expect((await addUser()).json.code).toBe('STEP_UP_REQUIRED')

    const wrong = await t.post('me/mfa/verify', { code: '000000' }, { token })
    expect(wrong.json.code).toBe('INVALID_MFA_CODE')
    const verified = await t.post(
      'me/mfa/verify',
      { code: totpCode(secret, t.clock.now()) },
      { token },
    )
    expect(verified.status).toBe(204)
    expect((await reset()).status).toBe(201)
    expect((await mfaReset()).status).toBe(204)
  })

  it('a stolen admin session cannot enroll its own authenticator to satisfy the step-up', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    t.deps.settings.requireAdminMfa = true
    // The thief holds the admin's session, not the password.
    const token = admin.accessToken
    expect((await t.post('me/mfa/totp', undefined, { token })).status).toBe(400)
    const guessed = await t.post('me/mfa/totp', { currentPassword: 'a guess' }, { token })
    expect(guessed.status).toBe(401)
    expect(guessed.json.code).toBe('INVALID_CREDENTIALS')
    const confirm = await t.post('me/mfa/totp/confirm', { code: '123456' }, { token })
    expect(confirm.json.code).toBe('MFA_ENROLLMENT_NOT_PENDING')
    const reset = await t.post(`users/${user.id}/password-reset`, { mode: 'generate' }, { token })
    expect(reset.json.code).toBe('MFA_ENROLLMENT_REQUIRED')
    // The real admin's next sign-in asks for no one else's code.
    const signedIn = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(signedIn.json.status).toBe('signed_in')
  })

  it('a session opened with a code counts as verified; one opened by a password alone does not', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    t.deps.settings.requireAdminMfa = true
    const { secret } = await enrollTotp(t, admin.accessToken, admin.password)
    nextStep(t)
    const step = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    const signedIn = await t.post('auth/mfa', {
      mfaToken: step.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    const reset = await t.post(
      `users/${user.id}/password-reset`,
      { mode: 'generate' },
      { token: signedIn.json.accessToken },
    )
    expect(reset.status).toBe(201)
  })
})
