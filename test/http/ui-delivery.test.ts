import { afterEach, describe, expect, it } from 'vitest'
import { keyCheckOf, openSealed } from '../../src/core/reveal-crypto.ts'
import { formBrowser, formToken, temporaryPassword } from '../helpers/form-browser.ts'
import { createTestApp, recordingMailer, type TestApp } from '../helpers/test-app.ts'

// The reset pane's one-time link choice through the browser surface: forms in, HTML out.
let t: TestApp
afterEach(() => t.close())

const { open, submit, signInAs } = formBrowser(() => t.app)

const LINK = /http:\/\/localhost\/reveal\/([A-Za-z0-9_-]+)#([A-Za-z0-9_-]{43})/

describe('the reset pane with a mail transport', () => {
  it('sends one-time links, confirms where they went without the password, shows when opened', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ mailer: mail.mailer })
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(admin.email, admin.password)

    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    expect(pane.html).toMatch(/<input[^>]*id="delivery-link"[^>]*>/)
    expect(/<input[^>]*id="delivery-link"[^>]*>/.exec(pane.html)![0]).not.toContain('disabled')
    expect(pane.html).toMatch(
      /id="recipients"[^>]*value="bob@example.com"|value="bob@example.com"[^>]*id="recipients"/,
    )

    const token = formToken(pane.html)
    const bad = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: token,
      mode: 'generate',
      delivery: 'link',
      recipients: 'a@x.example, b@x.example, c@x.example, d@x.example, e@x.example, f@x.example',
    })
    expect(bad.response.status).toBe(422)
    expect(bad.html).toContain('Enter one to five valid email addresses')

    const sent = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: token,
      mode: 'generate',
      delivery: 'link',
      recipients: 'bob@example.com, helpdesk@example.com',
    })
    expect(sent.response.status).toBe(200)
    expect(sent.html).toContain('<h1>Password has been reset</h1>')
    expect(sent.html).toContain('A one-time link was sent to')
    expect(sent.html).toContain('<li>helpdesk@example.com</li>')
    expect(sent.html).not.toContain('id="temporary-password"')
    expect(temporaryPassword(sent.html)).toBeUndefined()

    const links = mail.sent.filter((m) => LINK.test(m.text))
    expect(links.map((m) => m.to)).toEqual(['bob@example.com', 'helpdesk@example.com'])
    const [, id, key] = LINK.exec(links[0]!.text)!
    const password = await openSealed(
      key!,
      (await t.post(`reveal/${id}`, { email: user.email, keyCheck: await keyCheckOf(key!) })).json,
    )
    expect(sent.html).not.toContain(password)

    const detail = await open(browser, `/admin/users/${user.id}`)
    expect(detail.html).toContain('Link opened')
    expect(detail.html).not.toContain('not opened yet')
    expect(detail.html).not.toContain(password)

    // "Send a new link": after a confirmation naming the recipients, a new reset that voids the
    // old links, to the same recipients.
    expect(detail.html).toContain(
      `<a class="button" href="/admin/users/${user.id}/confirm/new-link">Send a new link</a>`,
    )
    const confirm = await open(browser, `/admin/users/${user.id}/confirm/new-link`)
    expect(confirm.html).toContain('<h1>Send a new link?</h1>')
    expect(confirm.html).toContain('<li>helpdesk@example.com</li>')
    const newLink = /<form method="post" action="[^"]*\/reset" class="actions">(.*?)<\/form>/s.exec(
      confirm.html,
    )
    expect(newLink?.[1]).toContain('Send a new link')
    const fields = Object.fromEntries(
      [...newLink![1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
        ([, name, value]) => [name!, value!],
      ),
    )
    expect(fields.recipients).toBe('bob@example.com, helpdesk@example.com')
    const before = mail.sent.length
    const resent = await submit(browser, `/admin/users/${user.id}/reset`, fields)
    expect(resent.response.status).toBe(200)
    expect(resent.html).toContain('A one-time link was sent to')
    expect(mail.sent.slice(before).filter((m) => LINK.test(m.text))).toHaveLength(2)
    // The same click again (Back, resubmit) sends nothing more.
    const again = await submit(browser, `/admin/users/${user.id}/reset`, fields)
    expect(again.response.status).toBe(409)
    expect(mail.sent.slice(before).filter((m) => LINK.test(m.text))).toHaveLength(2)
  })

  it('without a transport the link choice is not offered, says how to enable it, and a forged one is refused', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    // No choice that cannot be made, and no empty Recipients field: how to set mail up instead.
    expect(pane.html).not.toContain('name="delivery"')
    expect(pane.html).not.toContain('id="recipients"')
    expect(pane.html).not.toContain('Send a one-time link')
    expect(pane.html).toContain('ONCEPASS_SMTP_URL')
    const forged = await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: formToken(pane.html),
      mode: 'generate',
      delivery: 'link',
      recipients: 'bob@example.com',
    })
    expect(forged.response.status).toBe(422)
    expect(forged.html).toContain('needs a mail transport')

    // The notices wait for the admins to read them, with no secret among them.
    const outbox = await open(browser, '/admin/outbox')
    expect(outbox.response.status).toBe(200)
    expect(outbox.html).toContain('<h1>Notifications</h1>')
    expect(outbox.html).toContain('No mail transport is configured')
    expect(outbox.html).toContain('The password was changed')
    expect(outbox.html).toContain('">bob@example.com</td>')
    expect(outbox.html).not.toContain('Last attempt')
    // A notice a mail server refused (recorded as the sender records it) says why, in words.
    await t.run(
      "update outbox set attempts = 2, last_error = 'SMTP_550' where recipient = ?",
      user.email,
    )
    const refused = await open(browser, '/admin/outbox')
    expect(refused.html).toContain(
      '<div class="muted">Last attempt: The mail server refused the message (reply 550).</div>',
    )
    expect(refused.html).not.toContain('SMTP_550')
    const user2 = await signInAs(user.email, user.password)
    expect((await open(user2, '/admin/outbox')).response.status).toBe(403)
  })
})
