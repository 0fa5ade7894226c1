import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyring } from '../../src/core/secret-box.ts'
import { enrollTotp, nextStep, seedSpellings, totpCode } from '../helpers/mfa.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const auditRows = (event: string, userId: string) =>
  t.rows<{ outcome: string; reason: string | null }>(
    'select outcome, reason from audit_events where event = ? and target_id = ? order by at, rowid',
    event,
    userId,
  )

async function enrolledUser() {
  const admin = await t.seedTenant()
  const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
  const factor = await enrollTotp(t, user.accessToken, user.password)
  nextStep(t)
  return { admin, user, ...factor }
}

const sealedSeed = async (userId: string) =>
  (await t.rows<{ s: string }>('select totp_secret as s from users where id = ?', userId))[0]!.s

const signIn = (email: string, password: string) => t.post('auth/sign-in', { email, password })

describe('enrollment', () => {
  it('shows the secret, URI and QR code once, pending until a code confirms it', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const started = await t.post(
      'me/mfa/totp',
      { currentPassword: user.password },
      { token: user.accessToken },
    )
    expect(started.status).toBe(201)
    expect(started.headers.get('cache-control')).toBe('no-store')
    const { secret, otpauthUri, qrSvg, expiresAt } = started.json
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(otpauthUri).toBe(
      `otpauth://totp/oncepass-test:ann%40example.com?issuer=oncepass-test&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    )
    expect(qrSvg).toMatch(/^<svg[^>]*>.*<path/s)
    expect(Date.parse(expiresAt)).toBe(t.clock.now() + 10 * 60_000)

    // Pending: sign-in and GET /me are unchanged.
    expect((await t.get('me', user.accessToken)).json.mfa).toEqual({ totp: false })
    expect((await signIn(user.email, user.password)).json.status).toBe('signed_in')

    const wrong = await t.post(
      'me/mfa/totp/confirm',
      { code: '000000' },
      { token: user.accessToken },
    )
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe('INVALID_MFA_CODE')

    const confirmed = await t.post(
      'me/mfa/totp/confirm',
      { code: totpCode(secret, t.clock.now()) },
      { token: user.accessToken },
    )
    expect(confirmed.status).toBe(200)
    expect(confirmed.headers.get('cache-control')).toBe('no-store')
    const codes = confirmed.json.recoveryCodes as string[]
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$/)

    expect((await t.get('me', user.accessToken)).json.mfa).toEqual({ totp: true })
    expect((await t.get(`users/${user.id}`, admin.accessToken)).json.mfaEnrolled).toBe(true)
    expect((await t.get(`users/${admin.id}`, admin.accessToken)).json.mfaEnrolled).toBe(false)
    const again = await t.post(
      'me/mfa/totp',
      { currentPassword: user.password },
      { token: user.accessToken },
    )
    expect(again.json.code).toBe('MFA_ALREADY_ENROLLED')
    // The recovery codes are stored as keyed hashes only.
    const stored = await t.rows<{ code_hash: string }>('select code_hash from recovery_codes')
    expect(stored).toHaveLength(10)
    for (const { code_hash } of stored) {
      for (const code of codes) expect(code_hash).not.toContain(code.replace(/-/g, ''))
    }
  })

  it('starts only with the current password re-entered: a session alone cannot add a factor', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const start = (body?: unknown) => t.post('me/mfa/totp', body, { token: user.accessToken })
    const pendingSeed = async () =>
      (
        await t.rows<{ s: string | null }>(
          'select totp_secret as s from users where id = ?',
          user.id,
        )
      )[0]!.s

    expect((await start()).status).toBe(400)
    expect((await start({})).status).toBe(400)
    const wrong = await start({ currentPassword: 'not my password at all' })
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe('INVALID_CREDENTIALS')
    expect(wrong.json.secret).toBeUndefined()
    expect(await pendingSeed()).toBeNull()
    expect(await auditRows('authn_mfa_fail', user.id)).toEqual([
      { outcome: 'failure', reason: 'INVALID_CURRENT_PASSWORD' },
    ])
    expect(await auditRows('mfa_enrollment_started', user.id)).toEqual([])
    // A wrong password is not a sign-out: the session carries on.
    expect((await t.get('me', user.accessToken)).status).toBe(200)

    const started = await start({ currentPassword: user.password })
    expect(started.status).toBe(201)
    expect(started.json.secret).toMatch(/^[A-Z2-7]{32}$/)
  })

  it('counts a wrong current password toward the account lock, like a wrong sign-in', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const start = (currentPassword: string) =>
      t.post('me/mfa/totp', { currentPassword }, { token: user.accessToken })
    for (let i = 0; i < 5; i++) expect((await start(`wrong guess number ${i}`)).status).toBe(401)
    const locked = await start(user.password)
    expect(locked.status).toBe(429)
    expect(locked.json.code).toBe('TOO_MANY_ATTEMPTS')
    expect((await signIn(user.email, user.password)).status).toBe(429)
  })

  it('an enrollment not confirmed in time lapses', async () => {
    const admin = await t.seedTenant()
    const started = await t.post(
      'me/mfa/totp',
      { currentPassword: admin.password },
      { token: admin.accessToken },
    )
    t.clock.advance(10 * 60_000)
    const late = await t.post(
      'me/mfa/totp/confirm',
      { code: totpCode(started.json.secret, t.clock.now()) },
      { token: admin.accessToken },
    )
    expect(late.status).toBe(409)
    expect(late.json.code).toBe('MFA_ENROLLMENT_NOT_PENDING')
  })

  it('the database holds the seed only sealed', async () => {
    const { user, secret } = await enrolledUser()
    const rows = await t.rows<Record<string, unknown>>('select * from users')
    const text = JSON.stringify(rows)
    for (const spelling of seedSpellings(secret)) expect(text).not.toContain(spelling)
    const [row] = rows.filter((r) => r.id === user.id)
    expect(String(row!.totp_secret)).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+$/)
  })
})

describe('sign-in with TOTP', () => {
  it('asks for a code before anything else; the MFA token opens nothing else', async () => {
    const { user, secret } = await enrolledUser()
    const first = await signIn(user.email, user.password)
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    expect(first.json).toEqual({
      status: 'mfa_required',
      mfaToken: expect.any(String),
      expiresAt: new Date(t.clock.now() + 5 * 60_000).toISOString(),
      next: { method: 'POST', href: '/api/v1/auth/mfa' },
    })
    expect(first.json.accessToken).toBeUndefined()
    expect((await t.get('me', first.json.mfaToken)).status).toBe(401)
    const asChallenge = await t.post('auth/password-change', {
      challengeToken: first.json.mfaToken,
      newPassword: 'a new passphrase for ann',
    })
    expect(asChallenge.json.code).toBe('INVALID_CHALLENGE')

    const done = await t.post('auth/mfa', {
      mfaToken: first.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    expect(done.status).toBe(200)
    expect(done.json.status).toBe('signed_in')
    expect((await t.get('me', done.json.accessToken)).json.email).toBe(user.email)
  })

  it('accepts a code once: a replay is 401 INVALID_MFA_CODE and audited as reuse', async () => {
    const { user, secret } = await enrolledUser()
    const code = totpCode(secret, t.clock.now())
    const first = await signIn(user.email, user.password)
    expect((await t.post('auth/mfa', { mfaToken: first.json.mfaToken, code })).status).toBe(200)
    const second = await signIn(user.email, user.password)
    const replay = await t.post('auth/mfa', { mfaToken: second.json.mfaToken, code })
    expect(replay.status).toBe(401)
    expect(replay.json.code).toBe('INVALID_MFA_CODE')
    expect(await auditRows('authn_token_reuse', user.id)).toEqual([
      { outcome: 'failure', reason: 'MFA_CODE_REPLAYED' },
    ])
    // An older step's code (still inside the window) is refused too once a later one was taken.
    const older = totpCode(secret, t.clock.now() - 30_000)
    const refused = await t.post('auth/mfa', { mfaToken: second.json.mfaToken, code: older })
    expect(refused.json.code).toBe('INVALID_MFA_CODE')
    nextStep(t)
    const fresh = await t.post('auth/mfa', {
      mfaToken: second.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    expect(fresh.json.status).toBe('signed_in')
  })

  it('the same code submitted in parallel signs in exactly once', async () => {
    const { user, secret } = await enrolledUser()
    const { mfaToken } = (await signIn(user.email, user.password)).json
    const code = totpCode(secret, t.clock.now())
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.post('auth/mfa', { mfaToken, code })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401])
    const sessions = await t.rows('select id from sessions where user_id = ?', user.id)
    // The one from seedUser and the one from this sign-in.
    expect(sessions).toHaveLength(2)
  })

  it('a recovery code works once', async () => {
    const { user, recoveryCodes } = await enrolledUser()
    const first = await signIn(user.email, user.password)
    const used = await t.post('auth/mfa', {
      mfaToken: first.json.mfaToken,
      recoveryCode: recoveryCodes[3]!.toLowerCase(),
    })
    expect(used.json.status).toBe('signed_in')
    const second = await signIn(user.email, user.password)
    const again = await t.post('auth/mfa', {
      mfaToken: second.json.mfaToken,
      recoveryCode: recoveryCodes[3],
    })
    expect(again.status).toBe(401)
    expect(again.json.code).toBe('INVALID_MFA_CODE')
    expect(await auditRows('authn_token_reuse', user.id)).toHaveLength(1)
    const other = await t.post('auth/mfa', {
      mfaToken: second.json.mfaToken,
      recoveryCode: recoveryCodes[4],
    })
    expect(other.json.status).toBe('signed_in')
  })

  it('wrong codes count toward the account lock, across sign-ins; a locked account checks no code', async () => {
    const { user, secret } = await enrolledUser()
    let { mfaToken } = (await signIn(user.email, user.password)).json
    for (let i = 0; i < 3; i++) {
      const wrong = await t.post('auth/mfa', { mfaToken, code: '000000' })
      expect(wrong.json.code).toBe('INVALID_MFA_CODE')
    }
    // A correct password again does not wipe the count: no fresh guesses per sign-in.
    ;({ mfaToken } = (await signIn(user.email, user.password)).json)
    await t.post('auth/mfa', { mfaToken, code: '000001' })
    await t.post('auth/mfa', { mfaToken, recoveryCode: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' })
    const locked = await t.post('auth/mfa', { mfaToken, code: totpCode(secret, t.clock.now()) })
    expect(locked.status).toBe(429)
    expect(locked.json.code).toBe('TOO_MANY_ATTEMPTS')
    expect(await auditRows('authn_login_lock', user.id)).toHaveLength(1)
    expect(await auditRows('authn_mfa_fail', user.id)).toHaveLength(5)
    // After the lock, the code works and the count starts over.
    t.clock.advance(60_000)
    const after = await t.post('auth/mfa', { mfaToken, code: totpCode(secret, t.clock.now()) })
    expect(after.json.status).toBe('signed_in')
  })

  it('a newer sign-in voids the earlier MFA token', async () => {
    const { user, secret } = await enrolledUser()
    const older = (await signIn(user.email, user.password)).json.mfaToken
    await signIn(user.email, user.password)
    const refused = await t.post('auth/mfa', {
      mfaToken: older,
      code: totpCode(secret, t.clock.now()),
    })
    expect(refused.status).toBe(401)
    expect(refused.json.code).toBe('INVALID_MFA_TOKEN')
  })
})

describe('MFA before the forced change, and resets that keep it', () => {
  it('a temporary password leads to the code first, then the change', async () => {
    const { admin, user, secret } = await enrolledUser()
    const reset = await t.post(
      `users/${user.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    expect(reset.status).toBe(201)
    expect((await t.get(`users/${user.id}`, admin.accessToken)).json.mfaEnrolled).toBe(true)

    const first = await signIn(user.email, reset.json.temporaryPassword)
    expect(first.json.status).toBe('mfa_required')
    expect(first.json.challengeToken).toBeUndefined()
    const second = await t.post('auth/mfa', {
      mfaToken: first.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    expect(second.json.status).toBe('password_change_required')
    const changed = await t.post('auth/password-change', {
      challengeToken: second.json.challengeToken,
      newPassword: 'my completely fresh passphrase 42',
    })
    expect(changed.json.status).toBe('signed_in')
    // The session the change opens remembers the code came first (an app's `amr` says `mfa`).
    const [opened] = await t.rows<{ at: number | null }>(
      'select mfa_verified_at as at from sessions where user_id = ? and revoked_at is null',
      user.id,
    )
    expect(opened?.at).toBe(t.clock.now())
    // And the factor is still there for the next sign-in.
    expect((await signIn(user.email, 'my completely fresh passphrase 42')).json.status).toBe(
      'mfa_required',
    )
  })
})

describe('key rotation', () => {
  it('old seeds and recovery codes still work under a new current key; a used seed moves to it', async () => {
    const { user, secret, recoveryCodes } = await enrolledUser()
    const sealedBefore = await sealedSeed(user.id)
    const oldKey = t.deps.encryption!.keys.get(t.deps.encryption!.currentId)!
    t.deps.encryption = createKeyring([crypto.getRandomValues(new Uint8Array(32)), oldKey])
    const step = await signIn(user.email, user.password)
    const done = await t.post('auth/mfa', {
      mfaToken: step.json.mfaToken,
      code: totpCode(secret, t.clock.now()),
    })
    expect(done.json.status).toBe('signed_in')
    const sealedAfter = await sealedSeed(user.id)
    expect(sealedAfter.split('.')[1]).toBe(t.deps.encryption.currentId)
    expect(sealedAfter.split('.')[1]).not.toBe(sealedBefore.split('.')[1])
    const again = await signIn(user.email, user.password)
    const recovered = await t.post('auth/mfa', {
      mfaToken: again.json.mfaToken,
      recoveryCode: recoveryCodes[0],
    })
    expect(recovered.json.status).toBe('signed_in')
  })
})

describe('turning it off', () => {
  it('needs the current password and a current code', async () => {
    const { user, secret } = await enrolledUser()
    const token = user.accessToken
    const del = (body: unknown) => t.call('DELETE', 'me/mfa/totp', { token, body })
    const badPassword = await del({
      currentPassword: 'nope',
      code: totpCode(secret, t.clock.now()),
    })
    expect(badPassword.json.code).toBe('INVALID_CURRENT_PASSWORD')
    const badCode = await del({ currentPassword: user.password, code: '123456' })
    expect(badCode.json.code).toBe('INVALID_MFA_CODE')
    const ok = await del({ currentPassword: user.password, code: totpCode(secret, t.clock.now()) })
    expect(ok.status).toBe(204)
    expect((await t.get('me', token)).json.mfa).toEqual({ totp: false })
    expect(await t.rows('select * from recovery_codes')).toHaveLength(0)
    expect((await signIn(user.email, user.password)).json.status).toBe('signed_in')
  })
})

describe('the audit trail of a factor', () => {
  it('records each step of its life as the user, with the reasons of what was refused', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const token = user.accessToken
    const { secret } = await enrollTotp(t, token, user.password)
    nextStep(t)
    await t.post('auth/mfa', {
      mfaToken: (await signIn(user.email, user.password)).json.mfaToken,
      code: '000000',
    })
    const used = totpCode(secret, t.clock.now())
    await t.call('DELETE', 'me/mfa/totp', {
      token,
      body: { currentPassword: 'not the password', code: used },
    })
    expect(
      (
        await t.call('DELETE', 'me/mfa/totp', {
          token,
          body: { currentPassword: user.password, code: used },
        })
      ).status,
    ).toBe(204)
    const rows = await t.rows<{
      event: string
      actor_id: string
      outcome: string
      reason: string | null
    }>(
      `select event, actor_id, outcome, reason from audit_events
       where target_id = ? and (event like 'mfa_%' or event like 'authn_mfa_%') order by at, rowid`,
      user.id,
    )
    expect(rows).toEqual(
      [
        ['mfa_enrollment_started', 'success', null],
        ['mfa_enrolled', 'success', null],
        ['authn_mfa_required', 'success', null],
        ['authn_mfa_fail', 'failure', 'INVALID_MFA_CODE'],
        ['authn_mfa_fail', 'failure', 'INVALID_CURRENT_PASSWORD'],
        ['mfa_disabled', 'success', null],
      ].map(([event, outcome, reason]) => ({ event, actor_id: user.id, outcome, reason })),
    )
  })

  it('a replayed code is logged for operators as a token reuse, naming the user', async () => {
    const { user, secret } = await enrolledUser()
    const code = totpCode(secret, t.clock.now())
    for (let i = 0; i < 2; i++) {
      await t.post('auth/mfa', {
        mfaToken: (await signIn(user.email, user.password)).json.mfaToken,
        code,
      })
    }
    const reuse = t.logLines.filter((line) => line.includes('"event":"authn_token_reuse"'))
    expect(reuse.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', userId: user.id, kind: 'mfa' }),
    ])
  })
})

describe('notices of second-factor changes', () => {
  const notices = (userId: string) =>
    t.rows<{ kind: string; recipient: string; language: string }>(
      `select kind, recipient, json_extract(payload, '$.language') as language from outbox
       where kind like 'mfa_%' and recipient = (select email from users where id = ?)
       order by created_at, rowid`,
      userId,
    )

  it('tell the user, with no secret, when TOTP is turned on or off, a used code comes again, or an admin removes it', async () => {
    const { admin, user, secret, recoveryCodes } = await enrolledUser()
    const code = totpCode(secret, t.clock.now())
    const first = await signIn(user.email, user.password)
    await t.post('auth/mfa', { mfaToken: first.json.mfaToken, code })
    // From now on the user reads Danish, whatever the language of whoever causes a notice.
    await t.call('PATCH', 'me', { token: user.accessToken, body: { language: 'da' } })
    const second = await signIn(user.email, user.password)
    const replay = await t.post(
      'auth/mfa',
      { mfaToken: second.json.mfaToken, code },
      { headers: { 'Accept-Language': 'nl' } },
    )
    expect(replay.status).toBe(401)
    nextStep(t)
    const off = await t.call('DELETE', 'me/mfa/totp', {
      token: user.accessToken,
      body: { currentPassword: user.password, code: totpCode(secret, t.clock.now()) },
    })
    expect(off.status).toBe(204)
    // An admin's reset of a user with no factor left removes nothing, and says nothing.
    expect(
      (await t.post(`users/${user.id}/mfa-reset`, undefined, { token: admin.accessToken })).status,
    ).toBe(204)
    // That reset still ended the user's sessions: a new one enrolls again.
    const again = await signIn(user.email, user.password)
    await enrollTotp(t, again.json.accessToken, user.password)
    const reset = await t.post(`users/${user.id}/mfa-reset`, undefined, {
      token: admin.accessToken,
      headers: { 'Accept-Language': 'sv' },
    })
    expect(reset.status).toBe(204)

    expect(await notices(user.id)).toEqual([
      { kind: 'mfa_enrolled', recipient: user.email, language: 'en' },
      { kind: 'mfa_code_replayed', recipient: user.email, language: 'da' },
      { kind: 'mfa_disabled', recipient: user.email, language: 'da' },
      { kind: 'mfa_enrolled', recipient: user.email, language: 'da' },
      { kind: 'mfa_reset_by_admin', recipient: user.email, language: 'da' },
    ])
    const payloads = JSON.stringify(await t.rows('select payload from outbox'))
    for (const secretText of [...seedSpellings(secret), ...recoveryCodes, code]) {
      expect(payloads).not.toContain(secretText)
    }
  })
})
