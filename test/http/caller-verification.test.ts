import { afterEach, describe, expect, it } from 'vitest'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import { createTestApp, recordingMailer, type TestApp } from '../helpers/test-app.ts'

// The helpdesk's first guard: an admin verifies who is calling before a reset, with a code from
// the user's authenticator app or a code mailed to the address on file.

let t: TestApp
afterEach(() => t.close())

const REQUIRED = { requireCallerVerification: true }
const TEN_MINUTES = 10 * 60_000
const FIFTEEN_MINUTES = 15 * 60_000

type Token = { accessToken: string }

const start = (admin: Token, userId: string, method: 'totp' | 'email') =>
  t.post(`users/${userId}/verifications`, { method }, { token: admin.accessToken })

const enter = (admin: Token, verificationId: string, code: string) =>
  t.post(`verifications/${verificationId}`, { code }, { token: admin.accessToken })

const reset = (admin: Token, userId: string, body: Record<string, unknown> = {}) =>
  t.post(
    `users/${userId}/password-reset`,
    { mode: 'generate', ...body },
    { token: admin.accessToken },
  )

const mfaReset = (admin: Token, userId: string, body?: Record<string, unknown>) =>
  t.post(`users/${userId}/mfa-reset`, body, { token: admin.accessToken })

/**
 * The 6-digit code in the last code mail sent to `to`. A notice queued earlier (the new account's,
 * say) may be delivered after it, so the last mail of all is not always the code.
 */
function mailedCode(sent: { to: string; text: string }[], to: string): string {
  const codes = sent.filter((m) => m.to === to).map((m) => /^(\d{6})$/m.exec(m.text)?.[1])
  const code = codes.filter((found) => found !== undefined).at(-1)
  if (!code) throw new Error(`no code mailed to ${to}`)
  return code
}

/** An admin verifies `userId` by a mailed code; returns the code. */
async function verifyByMail(
  admin: Token,
  userId: string,
  email: string,
  sent: { to: string; text: string }[],
) {
  const started = await start(admin, userId, 'email')
  expect(started.status).toBe(201)
  const code = mailedCode(sent, email)
  expect((await enter(admin, started.json.verificationId, code)).status).toBe(200)
  return code
}

const outbox = (recipient: string) =>
  t.rows<{ kind: string; payload: string }>(
    'select kind, payload from outbox where recipient = ? order by created_at, rowid',
    recipient,
  )

const audit = (event: string) =>
  t.rows<{ actor_id: string; target_id: string; outcome: string; reason: string; details: string }>(
    'select actor_id, target_id, outcome, reason, details from audit_events where event = ? order by at, rowid',
    event,
  )

describe('verify the caller', () => {
  it('an app code read out by the caller verifies them for 15 minutes; the user is told twice; the reset status says how', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { secret } = await enrollTotp(t, user.accessToken, user.password)
    nextStep(t)

    const started = await start(admin, user.id, 'totp')
    expect(started.status).toBe(201)
    expect(started.json).toEqual({
      verificationId: expect.any(String),
      method: 'totp',
      expiresAt: new Date(t.clock.now() + TEN_MINUTES).toISOString(),
    })
    const verifiedAt = t.clock.now()
    const passed = await enter(admin, started.json.verificationId, totpCode(secret, verifiedAt))
    expect(passed.status).toBe(200)
    expect(passed.json).toEqual({
      status: 'verified',
      validUntil: new Date(verifiedAt + FIFTEEN_MINUTES).toISOString(),
    })
    expect((await outbox(user.email)).map((row) => row.kind)).toEqual(
      expect.arrayContaining(['caller_verification_started', 'caller_verification_succeeded']),
    )

    expect((await reset(admin, user.id)).status).toBe(201)
    const status = await t.get(`users/${user.id}/password-reset`, admin.accessToken)
    expect(status.json.verification).toEqual({
      method: 'totp',
      verifiedAt: new Date(verifiedAt).toISOString(),
      verifiedBy: admin.id,
    })
    expect(status.json.override).toBeNull()
    expect((await audit('caller_verification_used')).map((row) => row.reason)).toEqual([
      'TOTP_CODE',
    ])
  })

  it('is off by default: resets need no verification and an override reason changes nothing', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    expect((await reset(admin, user.id)).status).toBe(201)
    expect((await reset(admin, user.id, { overrideReason: 'caller in a hurry' })).status).toBe(201)
    expect((await mfaReset(admin, user.id)).status).toBe(204)
    expect(await t.rows('select * from caller_verifications')).toEqual([])
    const status = await t.get(`users/${user.id}/password-reset`, admin.accessToken)
    expect(status.json).toMatchObject({ verification: null, override: null, approval: null })
  })

  it('ONCEPASS_REQUIRE_CALLER_VERIFICATION: a reset or an MFA reset without one is 403 VERIFICATION_REQUIRED, audited', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')

    const refused = await reset(admin, user.id)
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('VERIFICATION_REQUIRED')
    expect((await mfaReset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
    expect((await audit('password_reset_denied')).map((row) => row.reason)).toEqual([
      'VERIFICATION_REQUIRED',
    ])
    expect((await audit('mfa_reset_denied')).map((row) => row.reason)).toEqual([
      'VERIFICATION_REQUIRED',
    ])

    await verifyByMail(admin, user.id, user.email, mail.sent)
    expect((await reset(admin, user.id)).status).toBe(201)
    await verifyByMail(admin, user.id, user.email, mail.sent)
    expect((await mfaReset(admin, user.id)).status).toBe(204)
  })

  it('an override with a reason of 10 characters or more goes through, audited with the reason; every other global admin is told', async () => {
    t = await createTestApp({ settings: REQUIRED })
    const admin = await t.seedTenant()
    const second = await t.seedUser(admin.accessToken, 'global_admin', 'grace@example.com')
    const helpdesk = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')

    const short = await reset(admin, user.id, { overrideReason: 'too short' })
    expect(short.status).toBe(400)
    expect(short.json.code).toBe('VALIDATION_FAILED')
    const reason = 'CEO locked out before the board meeting, ticket 4711'
    expect((await reset(admin, user.id, { overrideReason: reason })).status).toBe(201)

    const [overridden] = await audit('caller_verification_overridden')
    expect(overridden).toMatchObject({ actor_id: admin.id, target_id: user.id, outcome: 'success' })
    expect(JSON.parse(overridden!.details)).toMatchObject({
      action: 'password_reset',
      overrideReason: reason,
    })
    const told = await outbox(second.email)
    expect(told.map((row) => row.kind)).toContain('caller_verification_overridden')
    expect(JSON.parse(told.at(-1)!.payload)).toMatchObject({ reason, accountEmail: user.email })
    // Not the admin who did it, not a password admin.
    for (const email of [admin.email, helpdesk.email]) {
      expect((await outbox(email)).map((row) => row.kind)).not.toContain(
        'caller_verification_overridden',
      )
    }
    const status = await t.get(`users/${user.id}/password-reset`, admin.accessToken)
    expect(status.json.verification).toBeNull()
    expect(status.json.override).toEqual({
      reason,
      by: admin.id,
      at: new Date(t.clock.now()).toISOString(),
    })

    // The MFA reset takes the same override, in a body of its own.
    const mfa = await mfaReset(helpdesk, user.id, {
      overrideReason: 'lost phone, manager confirmed',
    })
    expect(mfa.status).toBe(204)
    expect(await audit('caller_verification_overridden')).toHaveLength(2)
  })

  it('follows the reset role matrix, offers only the methods the user has, and limits starts per user', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const helpdesk = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const code = async (response: Promise<{ status: number; json: any }>) => {
      const answer = await response
      return answer.status === 201 ? 201 : answer.json.code
    }
    expect(await code(start(helpdesk, admin.id, 'totp'))).toBe('FORBIDDEN_ROLE')
    expect(await code(start(admin, admin.id, 'totp'))).toBe('CANNOT_RESET_SELF')
    expect(await code(start(user, helpdesk.id, 'totp'))).toBe('FORBIDDEN_ROLE')
    expect(await code(start(admin, user.id, 'totp'))).toBe('MFA_NOT_ENROLLED')
    expect(await code(start(admin, user.id, 'email'))).toBe('MAIL_NOT_CONFIGURED')
    await enrollTotp(t, user.accessToken, user.password)
    for (let i = 0; i < 10; i++) expect(await code(start(admin, user.id, 'totp'))).toBe(201)
    const limited = await start(helpdesk, user.id, 'totp')
    expect(limited.status).toBe(429)
    // Until the hour that began with the first start is over.
    expect(limited.headers.get('retry-after')).toBe('3600')
  })

  it('refuses a plain user typing a code, audited as any admin refusal', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const typed = await t.post(
      'verifications/any-verification-id',
      { code: '123456' },
      { token: user.accessToken },
    )
    expect(typed.status).toBe(403)
    expect(typed.json.code).toBe('FORBIDDEN_ROLE')
    const rows = await t.rows<{ actor_id: string; reason: string; details: string }>(
      "select actor_id, reason, details from audit_events where event = 'access_denied'",
    )
    expect(rows).toEqual([
      { actor_id: user.id, reason: 'FORBIDDEN_ROLE', details: '{"action":"verifications.check"}' },
    ])
  })
})

describe('a mailed code that cannot be sent', () => {
  it('closes its verification and answers 503 MAIL_SEND_FAILED, audited with the mail server’s reason', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    mail.failFor.add(user.email)
    const failed = await start(admin, user.id, 'email')
    expect(failed.status).toBe(503)
    expect(failed.json.code).toBe('MAIL_SEND_FAILED')
    expect(await t.rows('select closed_reason from caller_verifications')).toEqual([
      { closed_reason: 'send_failed' },
    ])
    expect((await audit('caller_verification_failed')).map((row) => row.reason)).toEqual([
      'SMTP_550',
    ])
  })
})

describe('rules a careful attacker would try', () => {
  it('a verification is bound to its admin: another admin can neither use it nor enter its code', async () => {
    t = await createTestApp({ settings: REQUIRED })
    const admin = await t.seedTenant()
    const other = await t.seedUser(admin.accessToken, 'global_admin', 'grace@example.com')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { secret } = await enrollTotp(t, user.accessToken, user.password)
    nextStep(t)
    const started = await start(admin, user.id, 'totp')
    const code = totpCode(secret, t.clock.now())
    expect((await enter(other, started.json.verificationId, code)).status).toBe(404)
    expect((await enter(admin, started.json.verificationId, code)).status).toBe(200)
    expect((await reset(other, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
    expect((await reset(admin, user.id)).status).toBe(201)
  })

  it('a verification is bound to its user: checking one user covers no reset of another', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    await verifyByMail(admin, ann.id, ann.email, mail.sent)
    expect((await reset(admin, bob.id)).json.code).toBe('VERIFICATION_REQUIRED')
    expect((await mfaReset(admin, bob.id)).json.code).toBe('VERIFICATION_REQUIRED')
    expect((await reset(admin, ann.id)).status).toBe(201)
  })

  it('a verification is bound to its tenant: another tenant sees neither it nor the user', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const outsider = await t.seedTenant('Other')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const started = await start(admin, user.id, 'email')
    const code = mailedCode(mail.sent, user.email)
    expect((await enter(outsider, started.json.verificationId, code)).status).toBe(404)
    expect((await start(outsider, user.id, 'email')).status).toBe(404)
    expect((await enter(admin, started.json.verificationId, code)).status).toBe(200)
  })

  it('a verification is used up by the first reset or MFA reset it covers', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await verifyByMail(admin, user.id, user.email, mail.sent)
    expect((await reset(admin, user.id)).status).toBe(201)
    expect((await reset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
    expect((await mfaReset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')

    await verifyByMail(admin, user.id, user.email, mail.sent)
    expect((await mfaReset(admin, user.id)).status).toBe(204)
    expect((await reset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')

    // Two resets at once on one verification: exactly one goes through.
    await verifyByMail(admin, user.id, user.email, mail.sent)
    const both = await Promise.all([reset(admin, user.id), reset(admin, user.id)])
    expect(both.map((answer) => answer.status).sort()).toEqual([201, 403])
  })

  it('a verification lasts 15 minutes', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await verifyByMail(admin, user.id, user.email, mail.sent)
    t.clock.advance(FIFTEEN_MINUTES)
    const refreshed = await t.post('auth/refresh', { refreshToken: admin.refreshToken })
    expect((await reset(refreshed.json, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
  })

  it('the mailed code is 6 digits, stored only as a keyed digest, and expires after 10 minutes', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const started = await start(admin, user.id, 'email')
    const code = mailedCode(mail.sent, user.email)
    expect(code).toMatch(/^\d{6}$/)
    const [row] = await t.rows<{ code_digest: string }>(
      'select code_digest from caller_verifications where id = ?',
      started.json.verificationId,
    )
    expect(row!.code_digest).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(row!.code_digest).not.toContain(code)
    const sha256 = [
      ...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code))),
    ]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
    expect(JSON.stringify(await t.rows('select * from caller_verifications'))).not.toContain(sha256)

    t.clock.advance(TEN_MINUTES)
    const late = await enter(admin, started.json.verificationId, code)
    expect(late.status).toBe(410)
    expect(late.json.code).toBe('VERIFICATION_GONE')
    expect((await audit('caller_verification_expired')).map((r) => r.reason)).toEqual([
      'CODE_EXPIRED',
    ])
  })

  it('5 wrong codes burn a verification: 422 with the tries left, then 410 even for the right code', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const started = await start(admin, user.id, 'email')
    const code = mailedCode(mail.sent, user.email)
    const wrong = code === '000000' ? '111111' : '000000'
    const id = started.json.verificationId
    for (const left of [4, 3, 2, 1]) {
      const answer = await enter(admin, id, wrong)
      expect(answer.status).toBe(422)
      expect(answer.json).toMatchObject({ code: 'VERIFICATION_FAILED', attemptsLeft: left })
    }
    expect((await enter(admin, id, wrong)).json.code).toBe('VERIFICATION_GONE')
    expect((await enter(admin, id, code)).status).toBe(410)
    expect(await audit('caller_verification_failed')).toHaveLength(5)
    expect((await audit('caller_verification_expired')).map((r) => r.reason)).toEqual([
      'CODE_ATTEMPTS',
    ])
    expect((await reset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
  })

  it('an app code is checked like a sign-in code: once, one step of drift, and counted toward the user’s lock', async () => {
    t = await createTestApp({ settings: REQUIRED })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { secret } = await enrollTotp(t, user.accessToken, user.password)
    t.clock.advance(5 * 30_000)

    const first = (await start(admin, user.id, 'totp')).json.verificationId
    // Two steps old: outside the window.
    const stale = await enter(admin, first, totpCode(secret, t.clock.now() - 60_000))
    expect(stale.json.code).toBe('VERIFICATION_FAILED')
    // One step old: inside it.
    const oneStepOld = totpCode(secret, t.clock.now() - 30_000)
    expect((await enter(admin, first, oneStepOld)).status).toBe(200)
    // The same code again, on a new verification: a replay, refused and audited as one.
    const second = (await start(admin, user.id, 'totp')).json.verificationId
    expect((await enter(admin, second, oneStepOld)).json.code).toBe('VERIFICATION_FAILED')
    const reuse = await t.rows<{ actor_id: string }>(
      "select actor_id from audit_events where event = 'authn_token_reuse' and target_id = ?",
      user.id,
    )
    expect(reuse).toEqual([{ actor_id: admin.id }])
    // Two failures so far; three more lock the user's sign-in, exactly as wrong sign-in codes do.
    for (let i = 0; i < 3; i++) {
      expect((await enter(admin, second, '000000')).status).toBeGreaterThanOrEqual(410)
    }
    const signIn = await t.post('auth/sign-in', { email: user.email, password: user.password })
    expect(signIn.status).toBe(429)
    expect((await enter(admin, second, totpCode(secret, t.clock.now()))).status).toBe(429)
  })

  it('the mailed code goes only to the user’s own address on file, never to one the admin names', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    for (const extra of [{ email: 'attacker@evil.example' }, { to: 'attacker@evil.example' }]) {
      const smuggled = await t.post(
        `users/${user.id}/verifications`,
        { method: 'email', ...extra },
        { token: admin.accessToken },
      )
      expect(smuggled.status).toBe(400)
    }
    expect((await start(admin, user.id, 'email')).status).toBe(201)
    const codeMails = mail.sent.filter((m) => /^\d{6}$/m.test(m.text))
    expect(codeMails.map((m) => m.to)).toEqual([user.email])
  })

  it('changing a user’s email does not carry a verification over', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await verifyByMail(admin, user.id, user.email, mail.sent)
    const pending = await start(admin, user.id, 'email')
    const code = mailedCode(mail.sent, user.email)
    await t.run('update users set email = ? where id = ?', 'ann.new@example.com', user.id)
    expect((await reset(admin, user.id)).json.code).toBe('VERIFICATION_REQUIRED')
    const late = await enter(admin, pending.json.verificationId, code)
    expect(late.json.code).toBe('VERIFICATION_GONE')
    expect((await audit('caller_verification_expired')).map((r) => r.reason)).toEqual([
      'EMAIL_CHANGED',
    ])
  })

  it('no code or password in any audit row, outbox row or helpdesk row', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ settings: REQUIRED, mailer: mail.mailer })
    const admin = await t.seedTenant()
    await t.seedUser(admin.accessToken, 'global_admin', 'grace@example.com')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const code = await verifyByMail(admin, user.id, user.email, mail.sent)
    const first = (await reset(admin, user.id)).json.temporaryPassword
    const second = (
      await reset(admin, user.id, { overrideReason: 'caller verified by their manager on Teams' })
    ).json.temporaryPassword
    await t.settled()
    const stored = JSON.stringify([
      await t.rows('select * from audit_events'),
      await t.rows('select * from outbox'),
      await t.rows('select * from caller_verifications'),
      await t.rows('select * from reset_approvals'),
    ])
    for (const secret of [code, first, second]) expect(stored).not.toContain(secret)
    // The code went out in its own mail, and in no notice.
    const withCode = mail.sent.filter((m) => m.text.includes(code))
    expect(withCode).toHaveLength(1)
  })
})
