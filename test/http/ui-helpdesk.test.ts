import { afterEach, describe, expect, it } from 'vitest'
import { formBrowser, formToken, temporaryPassword } from '../helpers/form-browser.ts'
import { enrollTotp, nextStep, totpCode } from '../helpers/mfa.ts'
import { createTestApp, recordingMailer, type TestApp } from '../helpers/test-app.ts'

// The helpdesk's screens through the browser surface: Verify identity on the user page and in the
// reset pane, the override where a check is required, and Approvals. Forms in, HTML out.
let t: TestApp
afterEach(() => t.close())

const { open, submit, signInAs } = formBrowser(() => t.app)

/** The verification the code page posts to, from its form's action. */
const codeAction = (html: string) => /action="(\/admin\/verifications\/[^"]+)"/.exec(html)?.[1]

const inputTag = (html: string, id: string) =>
  new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? ''

describe('Verify identity in the screens', () => {
  it('offers the methods this user has, takes the caller’s code, then says by whom, how and for how long', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { secret } = await enrollTotp(t, user.accessToken, user.password)
    nextStep(t)
    const browser = await signInAs(admin.email, admin.password)

    const page = await open(browser, `/admin/users/${user.id}`)
    expect(page.html).toContain('<h2 id="verify-identity-heading">Verify identity</h2>')
    expect(page.html).toContain('<p class="status">Not verified</p>')
    expect(page.html).toContain(
      '<label for="verify-totp">Code from their authenticator app</label>',
    )
    expect(inputTag(page.html, 'verify-totp')).not.toContain('disabled')
    // No mail transport: the email choice is there, disabled, with why.
    expect(inputTag(page.html, 'verify-email')).toContain('disabled')
    expect(page.html).toContain('Sending a code needs a mail transport')

    const started = await submit(browser, `/admin/users/${user.id}/verifications`, {
      method: 'totp',
      next: `/admin/users/${user.id}`,
    })
    expect(started.response.status).toBe(200)
    expect(started.html).toContain('<label for="code">Verification code</label>')
    expect(started.html).toContain('Check code</button>')
    const action = codeAction(started.html)!

    const wrong = await submit(browser, action, { code: '000000', next: `/admin/users/${user.id}` })
    expect(wrong.response.status).toBe(422)
    expect(wrong.html).toContain('That code is not right. 4 tries left.')

    const right = await submit(browser, action, {
      code: totpCode(secret, t.clock.now()),
      next: 'https://evil.example/',
    })
    expect(right.response.status).toBe(303)
    // Never anywhere but this user's own pages.
    expect(right.response.headers.get('location')).toBe(`/admin/users/${user.id}#verify-identity`)
    const after = await open(browser, `/admin/users/${user.id}`)
    expect(after.html).toMatch(
      /Identity verified by you at [^<]+ UTC, authenticator app \(15 minutes left\)/,
    )
    expect(after.html).not.toContain('Verify identity</button>')
  })

  it('says when a check has ended, and offers to start again', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const started = await submit(browser, `/admin/users/${user.id}/verifications`, {
      method: 'email',
      next: `/admin/users/${user.id}/reset`,
    })
    expect(started.html).toContain('A 6-digit code was sent to ann@example.com.')
    t.clock.advance(10 * 60_000)
    const late = await submit(browser, codeAction(started.html)!, {
      code: '123456',
      next: `/admin/users/${user.id}/reset`,
    })
    expect(late.response.status).toBe(410)
    expect(late.html).toContain('This check has ended')
    expect(late.html).not.toContain('<label for="code">')
    expect(late.html).toContain(`href="/admin/users/${user.id}/reset#verify-identity"`)
  })
})

describe('the reset pane with ONCEPASS_REQUIRE_CALLER_VERIFICATION', () => {
  it('shows the requirement before anything is filled in, and takes an override with its reason', async () => {
    t = await createTestApp({ settings: { requireCallerVerification: true } })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const browser = await signInAs(admin.email, admin.password)

    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    const requirement = pane.html.indexOf('This organisation requires a verified caller')
    expect(requirement).toBeGreaterThan(0)
    expect(requirement).toBeLessThan(pane.html.indexOf('How to set the password'))
    expect(pane.html).toContain(
      '<label for="override-reason">Reason to reset without verifying</label>',
    )

    const refused = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: formToken(pane.html),
      mode: 'generate',
    })
    expect(refused.response.status).toBe(403)
    expect(refused.html).toContain('Verify the caller’s identity first')
    expect(temporaryPassword(refused.html)).toBeUndefined()

    const short = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: formToken(refused.html),
      mode: 'generate',
      overrideReason: 'hurry',
    })
    expect(short.response.status).toBe(422)
    expect(short.html).toContain('At least 10 characters.')

    const done = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: formToken(short.html),
      mode: 'generate',
      overrideReason: 'manager vouched for her on the phone',
    })
    expect(done.response.status).toBe(200)
    expect(temporaryPassword(done.html)).toBeDefined()
    const status = await open(browser, `/admin/users/${user.id}`)
    expect(status.html).toContain('<dt>Identity check</dt>')
    expect(status.html).toContain(
      'Not verified: you gave the reason “manager vouched for her on the phone”',
    )
  })

  it('offers no reason field where a check is not required', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    expect(pane.html).not.toContain('override-reason')
    expect(pane.html).not.toContain('This organisation requires')
  })
})

describe('Approvals in the screens', () => {
  it('asks, shows the request to the other global admins with a count, approves, and shows the password to the requester alone', async () => {
    t = await createTestApp({ settings: { requireApprovalForAdminResets: true } })
    const admin = await t.seedTenant()
    const second = await t.seedUser(admin.accessToken, 'global_admin', 'grace@example.com')
    const helpdesk = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    const requester = await signInAs(admin.email, admin.password)
    const approver = await signInAs(second.email, second.password)

    const pane = await open(requester, `/admin/users/${helpdesk.id}/reset`)
    expect(pane.html).toContain('Resetting an admin needs the approval of another global admin.')
    expect(inputTag(pane.html, 'mode-custom')).toContain('disabled')
    const asked = await submit(requester, `/admin/users/${helpdesk.id}/reset`, {
      formToken: formToken(pane.html),
      mode: 'generate',
    })
    expect(asked.response.status).toBe(200)
    expect(asked.html).toContain('<h1>Waiting for approval</h1>')
    expect(temporaryPassword(asked.html)).toBeUndefined()
    const requestPath = /href="(\/admin\/approvals\/[^"]+)"/.exec(asked.html)![1]!

    const users = await open(approver, '/admin/users')
    expect(users.html).toMatch(
      /<a href="\/admin\/approvals"[^>]*>Approvals <span class="count" aria-hidden="true">1<\/span><span class="visually-hidden">1 waiting<\/span><\/a>/,
    )
    const list = await open(approver, '/admin/approvals')
    expect(list.html).toContain('aria-label="Request for pat@example.com"')
    const request = await open(approver, requestPath)
    expect(request.html).toContain('Approve</button>')
    expect(request.html).toContain('<label for="deny-reason">Reason for denying</label>')
    expect(request.html).toContain('Shown once on screen, to the admin who asked')
    const own = await open(requester, requestPath)
    expect(own.html).not.toContain('Approve</button>')
    expect(own.html).toContain('Cancel request</button>')

    const approved = await submit(approver, `${requestPath}/approve`, {})
    expect(approved.response.status).toBe(303)
    const after = await open(approver, approved.response.headers.get('location')!)
    expect(after.html).toContain('Approved. The admin who asked has been told')
    expect(after.html).not.toContain('Show the new password</button>')

    const ready = await open(requester, requestPath)
    expect(ready.html).toContain('Show the new password</button>')
    const shown = await submit(requester, `${requestPath}/execute`, {})
    expect(shown.response.headers.get('cache-control')).toBe('no-store')
    const password = temporaryPassword(shown.html)!
    expect(password).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}/)
    const again = await submit(requester, `${requestPath}/execute`, {})
    expect(again.response.status).toBe(409)
    expect(temporaryPassword(again.html)).toBeUndefined()
    for (const html of [approved.html, after.html, (await open(approver, requestPath)).html]) {
      expect(html).not.toContain(password)
    }
  })

  it('denies with a reason, refuses a decision from another site, and hides Approvals while off', async () => {
    t = await createTestApp({ settings: { requireApprovalForAdminResets: true } })
    const admin = await t.seedTenant()
    const second = await t.seedUser(admin.accessToken, 'global_admin', 'grace@example.com')
    const helpdesk = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    const asked = await t.post(
      `users/${helpdesk.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    const path = `/admin/approvals/${asked.json.approvalId}`
    const approver = await signInAs(second.email, second.password)

    const forged = await submit(approver, `${path}/approve`, {}, { Origin: 'https://evil.example' })
    expect(forged.response.status).toBe(403)
    const empty = await submit(approver, `${path}/deny`, { reason: '' })
    expect(empty.response.status).toBe(400)
    const denied = await submit(approver, `${path}/deny`, { reason: 'Pat is here with me' })
    expect(denied.response.status).toBe(303)
    const page = await open(approver, denied.response.headers.get('location')!)
    expect(page.html).toContain('Denied. The admin who asked has been told.')
    expect(page.html).toContain('<dd>Pat is here with me</dd>')

    t.deps.settings.requireApprovalForAdminResets = false
    expect((await open(approver, '/admin/users')).html).not.toContain('href="/admin/approvals"')
  })
})
