import { afterEach, describe, expect, it } from 'vitest'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import {
  createTestApp,
  recordingMailer,
  type TestApp,
  type TestAppOptions,
} from '../helpers/test-app.ts'

// The helpdesk's second guard: with ONCEPASS_REQUIRE_APPROVAL_FOR_ADMIN_RESETS a password or MFA
// reset of an admin waits for another global admin, who never sees a password.

let t: TestApp
afterEach(() => t.close())

const APPROVALS = { requireApprovalForAdminResets: true }
const DAY = 24 * 3600_000

type Token = { accessToken: string }

/** A tenant with three global admins, two password admins and a user. */
async function seedAdmins(options: TestAppOptions = {}) {
  t = await createTestApp({ ...options, settings: { ...APPROVALS, ...options.settings } })
  const first = await t.seedTenant()
  const second = await t.seedUser(first.accessToken, 'global_admin', 'grace@example.com')
  const third = await t.seedUser(first.accessToken, 'global_admin', 'ada@example.com')
  const helpdesk = await t.seedUser(first.accessToken, 'password_admin', 'pat@example.com')
  const otherHelpdesk = await t.seedUser(first.accessToken, 'password_admin', 'sam@example.com')
  const user = await t.seedUser(first.accessToken, 'user', 'ann@example.com')
  return { first, second, third, helpdesk, otherHelpdesk, user }
}

const reset = (admin: Token, userId: string, body: Record<string, unknown> = {}) =>
  t.post(
    `users/${userId}/password-reset`,
    { mode: 'generate', ...body },
    { token: admin.accessToken },
  )

const decide = (admin: Token, approvalId: string, decision: string, body?: unknown) =>
  t.post(`approvals/${approvalId}/${decision}`, body, { token: admin.accessToken })

/** How a sign-in with this password ends: its status, or 'refused'. */
async function signsIn(email: string, password: string) {
  const answer = await t.post('auth/sign-in', { email, password })
  return answer.status === 200 ? (answer.json.status as string) : 'refused'
}

const audit = (event: string) =>
  t.rows<{ actor_id: string | null; reason: string; outcome: string }>(
    'select actor_id, reason, outcome from audit_events where event = ? order by at, rowid',
    event,
  )

const noticesTo = async (email: string, kind: string) =>
  (
    await t.rows<{ payload: string }>(
      'select payload from outbox where recipient = ? and kind = ? order by created_at, rowid',
      email,
      kind,
    )
  ).map((row) => JSON.parse(row.payload) as Record<string, unknown>)

describe('ask a second admin', () => {
  it('a reset of an admin answers 202 and waits; another global admin approves; the requester alone sees the password, once', async () => {
    const { first, second, third, helpdesk, otherHelpdesk, user } = await seedAdmins()
    const asked = await reset(first, helpdesk.id)
    expect(asked.status).toBe(202)
    expect(asked.json).toEqual({
      approvalId: expect.any(String),
      status: 'pending',
      expiresAt: new Date(t.clock.now() + DAY).toISOString(),
      alreadyPending: false,
    })
    const { approvalId } = asked.json
    // Nothing changed yet; every other global admin was told, nobody else.
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('signed_in')
    for (const admin of [second, third]) {
      expect(await noticesTo(admin.email, 'approval_requested')).toEqual([
        expect.objectContaining({ accountEmail: helpdesk.email, action: 'password_reset' }),
      ])
    }
    for (const email of [first.email, helpdesk.email, otherHelpdesk.email]) {
      expect(await noticesTo(email, 'approval_requested')).toEqual([])
    }
    // A plain user's reset does not wait.
    expect((await reset(first, user.id)).status).toBe(201)

    const waiting = await t.get('approvals?status=pending', second.accessToken)
    expect(waiting.json.items).toEqual([
      expect.objectContaining({
        approvalId,
        userId: helpdesk.id,
        action: 'password_reset',
        status: 'pending',
        requestedBy: first.id,
        parameters: { requireChange: true, delivery: { method: 'display' } },
      }),
    ])

    const approved = await decide(second, approvalId, 'approve')
    expect(approved.status).toBe(200)
    expect(approved.json).toMatchObject({
      status: 'approved',
      decidedBy: second.id,
      passwordAvailableUntil: new Date(t.clock.now() + 3600_000).toISOString(),
    })
    expect(approved.text).not.toMatch(/temporaryPassword/)
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('signed_in')
    expect(await noticesTo(first.email, 'approval_decided')).toEqual([
      expect.objectContaining({ decision: 'approved', showUntil: t.clock.now() + 3600_000 }),
    ])

    // Only the requester can run it, and only once.
    expect((await decide(second, approvalId, 'execute')).json.code).toBe('FORBIDDEN')
    const shown = await decide(first, approvalId, 'execute')
    expect(shown.status).toBe(201)
    expect(shown.headers.get('cache-control')).toBe('no-store')
    const password = shown.json.temporaryPassword as string
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('refused')
    expect(await signsIn(helpdesk.email, password)).toBe('password_change_required')
    expect((await decide(first, approvalId, 'execute')).json.code).toBe('APPROVAL_NOT_PENDING')

    const status = await t.get(`users/${helpdesk.id}/password-reset`, first.accessToken)
    expect(status.json).toMatchObject({
      status: 'pending',
      issuedBy: first.id,
      approval: { approvalId, requestedBy: first.id, approvedBy: second.id },
    })
    const done = await t.get(`approvals/${approvalId}`, second.accessToken)
    expect(done.json).toMatchObject({ status: 'executed', resetId: shown.json.resetId })
    expect(JSON.stringify(done.json)).not.toContain(password)
    expect((await audit('approval_executed')).map((row) => row.actor_id)).toEqual([first.id])
  })

  it('a link reset runs at approval, to the recipients asked for; the approver sees no password', async () => {
    const mail = recordingMailer()
    const { first, second, helpdesk } = await seedAdmins({ mailer: mail.mailer })
    const recipients = [helpdesk.email, 'manager@example.com']
    const asked = await reset(first, helpdesk.id, { delivery: { method: 'link', recipients } })
    expect(asked.status).toBe(202)
    const approved = await decide(second, asked.json.approvalId, 'approve')
    expect(approved.status).toBe(200)
    expect(approved.json).toMatchObject({
      status: 'executed',
      parameters: { delivery: { method: 'link', recipients } },
    })
    expect(approved.text).not.toMatch(/temporaryPassword/)
    const links = mail.sent.filter((m) => m.text.includes('/reveal/'))
    expect(links.map((m) => m.to).sort()).toEqual([...recipients].sort())
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('refused')
    expect(await noticesTo(first.email, 'approval_decided')).toEqual([
      expect.objectContaining({ decision: 'approved', showUntil: null }),
    ])
  })

  it('an MFA reset of an admin waits too, and runs at approval', async () => {
    const { first, second, helpdesk } = await seedAdmins()
    await enrollTotp(t, helpdesk.accessToken, helpdesk.password)
    const asked = await t.post(`users/${helpdesk.id}/mfa-reset`, undefined, {
      token: first.accessToken,
    })
    expect(asked.status).toBe(202)
    expect((await t.get(`users/${helpdesk.id}`, first.accessToken)).json.mfaEnrolled).toBe(true)
    const approved = await decide(second, asked.json.approvalId, 'approve')
    expect(approved.json).toMatchObject({ action: 'mfa_reset', status: 'executed' })
    expect((await t.get(`users/${helpdesk.id}`, first.accessToken)).json.mfaEnrolled).toBe(false)
  })

  it('a denial carries a reason the requester is told; the requester may cancel; both are final', async () => {
    const { first, second, helpdesk, otherHelpdesk } = await seedAdmins()
    const asked = (await reset(first, helpdesk.id)).json.approvalId
    expect((await decide(second, asked, 'deny', {})).status).toBe(400)
    const denied = await decide(second, asked, 'deny', { reason: 'Pat is at the desk next to me' })
    expect(denied.json).toMatchObject({
      status: 'denied',
      decisionReason: 'Pat is at the desk next to me',
    })
    expect(await noticesTo(first.email, 'approval_decided')).toEqual([
      expect.objectContaining({ decision: 'denied', reason: 'Pat is at the desk next to me' }),
    ])
    expect((await decide(second, asked, 'approve')).json.code).toBe('APPROVAL_NOT_PENDING')

    const again = (await reset(first, otherHelpdesk.id)).json.approvalId
    expect((await decide(second, again, 'cancel')).json.code).toBe('FORBIDDEN')
    expect((await decide(first, again, 'cancel')).json.status).toBe('cancelled')
    expect((await decide(second, again, 'approve')).json.code).toBe('APPROVAL_NOT_PENDING')
    expect(await signsIn(otherHelpdesk.email, otherHelpdesk.password)).toBe('signed_in')
    expect((await audit('approval_cancelled')).map((row) => row.actor_id)).toEqual([first.id])
  })

  it('each admin asks at most 10 times an hour, since every request mails the other global admins', async () => {
    const { first, second, helpdesk } = await seedAdmins()
    for (let i = 0; i < 10; i++) {
      const asked = await reset(first, helpdesk.id)
      expect(asked.status).toBe(202)
      expect((await decide(first, asked.json.approvalId, 'cancel')).status).toBe(200)
    }
    const limited = await reset(first, helpdesk.id)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3600')
    expect((await reset(second, helpdesk.id)).status).toBe(202)
  })

  it('no one eligible to approve is 409 NO_APPROVER, audited', async () => {
    t = await createTestApp({ settings: APPROVALS })
    const only = await t.seedTenant()
    const helpdesk = await t.seedUser(only.accessToken, 'password_admin', 'pat@example.com')
    const refused = await reset(only, helpdesk.id)
    expect(refused.status).toBe(409)
    expect(refused.json.code).toBe('NO_APPROVER')
    // The other global admin is the target: still nobody to ask.
    const second = await t.seedUser(only.accessToken, 'global_admin', 'grace@example.com')
    expect((await reset(only, second.id)).json.code).toBe('NO_APPROVER')
    expect((await audit('password_reset_denied')).map((row) => row.reason)).toEqual([
      'NO_APPROVER',
      'NO_APPROVER',
    ])
  })

  it('with both guards on, the caller’s check is asked first and used up by the request', async () => {
    const mail = recordingMailer()
    const { first, second, helpdesk } = await seedAdmins({
      mailer: mail.mailer,
      settings: { requireCallerVerification: true },
    })
    expect((await reset(first, helpdesk.id)).json.code).toBe('VERIFICATION_REQUIRED')
    const started = await t.post(
      `users/${helpdesk.id}/verifications`,
      { method: 'email' },
      { token: first.accessToken },
    )
    const code = /^(\d{6})$/m.exec(mail.sent.filter((m) => m.to === helpdesk.email).at(-1)!.text)!
    const checked = await t.post(
      `verifications/${started.json.verificationId}`,
      { code: code[1] },
      { token: first.accessToken },
    )
    expect(checked.status).toBe(200)
    const asked = await reset(first, helpdesk.id)
    expect(asked.status).toBe(202)
    const request = await t.get(`approvals/${asked.json.approvalId}`, second.accessToken)
    expect(request.json.verification).toMatchObject({ method: 'email', verifiedBy: first.id })
    expect((await reset(first, helpdesk.id)).json.code).toBe('VERIFICATION_REQUIRED')
  })
})

describe('rules a careful attacker would try', () => {
  it('an approval cannot be decided by the requester, the target, or a password admin', async () => {
    const { first, second, third, helpdesk, otherHelpdesk } = await seedAdmins()
    const forHelpdesk = (await reset(first, helpdesk.id)).json.approvalId
    for (const who of [first, helpdesk, otherHelpdesk]) {
      for (const decision of ['approve', 'deny']) {
        const body = decision === 'deny' ? { reason: 'no' } : undefined
        const refused = await decide(who, forHelpdesk, decision, body)
        expect(refused.status).toBe(403)
        expect(refused.json.code).toBe('APPROVER_NOT_ELIGIBLE')
      }
    }
    // A global admin who is the target may not approve their own reset either.
    const forSecond = (await reset(first, second.id)).json.approvalId
    expect((await decide(second, forSecond, 'approve')).json.code).toBe('APPROVER_NOT_ELIGIBLE')
    expect((await decide(third, forSecond, 'approve')).status).toBe(200)
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('signed_in')
    const refusals = await audit('approval_decision_refused')
    expect(new Set(refusals.map((row) => row.reason))).toEqual(new Set(['APPROVER_NOT_ELIGIBLE']))
    expect(refusals.length).toBeGreaterThanOrEqual(4)
  })

  it('the approved parameters are fixed when asked: a decision carries none, and an admin-chosen password cannot wait', async () => {
    const mail = recordingMailer()
    const { first, second, helpdesk } = await seedAdmins({ mailer: mail.mailer })
    const custom = await reset(first, helpdesk.id, {
      mode: 'custom',
      password: 'a long password the requester knows',
    })
    expect(custom.json.code).toBe('GENERATED_PASSWORD_REQUIRED')
    const asked = (
      await reset(first, helpdesk.id, {
        delivery: { method: 'link', recipients: [helpdesk.email] },
      })
    ).json.approvalId
    for (const body of [
      { delivery: { method: 'display' } },
      { mode: 'custom', password: 'a long password the approver knows' },
      { recipients: ['attacker@evil.example'] },
    ]) {
      expect((await decide(second, asked, 'approve', body)).status).toBe(400)
    }
    // The target's address changing meanwhile does not move the links either.
    await t.run('update users set email = ? where id = ?', 'pat.new@example.com', helpdesk.id)
    expect((await decide(second, asked, 'approve')).json.status).toBe('executed')
    const links = mail.sent.filter((m) => m.text.includes('/reveal/'))
    expect(links.map((m) => m.to)).toEqual([helpdesk.email])
  })

  it('two pending requests for one target are one', async () => {
    const { first, second, third, helpdesk } = await seedAdmins()
    const firstAsk = await reset(first, helpdesk.id)
    const secondAsk = await reset(second, helpdesk.id, { requireChange: true })
    expect(secondAsk.status).toBe(202)
    expect(secondAsk.json).toMatchObject({
      approvalId: firstAsk.json.approvalId,
      alreadyPending: true,
    })
    const mfaAsk = await t.post(`users/${helpdesk.id}/mfa-reset`, undefined, {
      token: third.accessToken,
    })
    expect(mfaAsk.json.approvalId).toBe(firstAsk.json.approvalId)
    // At once, for another target: still one.
    const otherTarget = await t.seedUser(first.accessToken, 'password_admin', 'kim@example.com')
    const together = await Promise.all([
      reset(first, otherTarget.id),
      reset(second, otherTarget.id),
    ])
    expect(new Set(together.map((answer) => answer.json.approvalId)).size).toBe(1)
    const pending = await t.rows(
      "select id from reset_approvals where status = 'pending' and user_id in (?, ?)",
      helpdesk.id,
      otherTarget.id,
    )
    expect(pending).toHaveLength(2)
    expect(await audit('approval_requested')).toHaveLength(2)
  })

  it('approving needs the approver’s fresh step-up when admin MFA is required', async () => {
    const { first, second, helpdesk } = await seedAdmins()
    const settings = t.deps.settings
    settings.requireAdminMfa = true
    await enrollTotp(t, first.accessToken, first.password)
    const { secret } = await enrollTotp(t, second.accessToken, second.password)
    const asked = (await reset(first, helpdesk.id)).json.approvalId
    t.clock.advance(16 * 60_000)
    const refreshed = await t.post('auth/refresh', { refreshToken: second.refreshToken })
    const approver = refreshed.json as { accessToken: string }
    const stale = await decide(approver, asked, 'approve')
    expect(stale.status).toBe(403)
    expect(stale.json.code).toBe('STEP_UP_REQUIRED')
    nextStep(t)
    const stepUp = await t.post(
      'me/mfa/verify',
      { code: totpCode(secret, t.clock.now()) },
      { token: approver.accessToken },
    )
    expect(stepUp.status).toBe(204)
    expect((await decide(approver, asked, 'approve')).json.status).toBe('approved')
  })

  it('an expired request does nothing when approved late, and an approved password is shown within the hour only', async () => {
    const { first, second, helpdesk, otherHelpdesk } = await seedAdmins()
    const late = (await reset(first, helpdesk.id)).json.approvalId
    t.clock.advance(DAY)
    const approver = await t.post('auth/sign-in', {
      email: second.email,
      password: second.password,
    })
    const requester = await t.post('auth/sign-in', { email: first.email, password: first.password })
    const refused = await decide(approver.json, late, 'approve')
    expect(refused.status).toBe(410)
    expect(refused.json.code).toBe('APPROVAL_GONE')
    expect(await signsIn(helpdesk.email, helpdesk.password)).toBe('signed_in')
    expect((await t.get(`approvals/${late}`, approver.json.accessToken)).json.status).toBe(
      'expired',
    )
    expect((await audit('approval_expired')).map((row) => row.actor_id)).toEqual([null])

    // A new request for the same user can be made once the old one expired.
    const fresh = (await reset(requester.json, otherHelpdesk.id)).json.approvalId
    expect((await decide(approver.json, fresh, 'approve')).json.status).toBe('approved')
    t.clock.advance(3600_000)
    const again = await t.post('auth/sign-in', { email: first.email, password: first.password })
    expect((await decide(again.json, fresh, 'execute')).json.code).toBe('APPROVAL_GONE')
    expect(await signsIn(otherHelpdesk.email, otherHelpdesk.password)).toBe('signed_in')
  })

  it('no password in any audit row, outbox row or helpdesk row, nor in any answer but the requester’s', async () => {
    const mail = recordingMailer()
    const { first, second, helpdesk } = await seedAdmins({ mailer: mail.mailer })
    const asked = (await reset(first, helpdesk.id)).json.approvalId
    const approved = await decide(second, asked, 'approve')
    const shown = await decide(first, asked, 'execute')
    const password = shown.json.temporaryPassword as string
    await t.settled()
    const answers = [
      approved.text,
      (await t.get('approvals', second.accessToken)).text,
      (await t.get(`approvals/${asked}`, first.accessToken)).text,
      (await t.get(`users/${helpdesk.id}/password-reset`, second.accessToken)).text,
    ]
    const stored = JSON.stringify([
      await t.rows('select * from audit_events'),
      await t.rows('select * from outbox'),
      await t.rows('select * from reset_approvals'),
      await t.rows('select * from caller_verifications'),
    ])
    for (const text of [...answers, stored, ...mail.sent.map((m) => m.text)]) {
      expect(text).not.toContain(password)
    }
  })
})
