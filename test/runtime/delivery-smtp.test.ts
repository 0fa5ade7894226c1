import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { keyCheckOf, openSealed } from '../../src/core/reveal-crypto.ts'
import { createSmtpMailer } from '../../src/runtime/node/smtp-mailer.ts'
import { deliverOutbox, REQUEST_DIGEST } from '../../src/services/outbox.ts'
import { startSmtpInbox } from '../helpers/smtp-inbox.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let inbox: Awaited<ReturnType<typeof startSmtpInbox>>
let mailer: ReturnType<typeof createSmtpMailer>
let t: TestApp
beforeEach(async () => {
  inbox = await startSmtpInbox()
  mailer = createSmtpMailer({ url: inbox.url, from: 'oncepass <no-reply@acme.example>' })
  t = await createTestApp({ mailer })
})
afterEach(async () => {
  mailer.close()
  await inbox.close()
  await t.close()
})

const LINK = /(http:\/\/localhost\/reveal\/([A-Za-z0-9_-]+))#([A-Za-z0-9_-]{43})/

describe('a one-time link over real SMTP', () => {
  it('reaches the recipient, reveals the password once, and signs the user in to the forced change', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@acme.example')
    // Ann reads Swedish (her browser's at sign-in); the admin asks in English.
    await t.post(
      'auth/sign-in',
      { email: user.email, password: user.password },
      { headers: { 'Accept-Language': 'sv-SE,sv;q=0.9' } },
    )
    const res = await t.post(
      `users/${user.id}/password-reset`,
      { mode: 'generate', delivery: { method: 'link', recipients: ['ann@acme.example'] } },
      { token: admin.accessToken, headers: { 'Accept-Language': 'en' } },
    )
    expect(res.status).toBe(201)
    const mail = inbox.mails.find((m) => LINK.test(m.text))!
    expect(mail.envelopeTo).toEqual(['ann@acme.example'])
    expect(mail.subject).toBe('Ditt nya tillfälliga lösenord')
    expect(mail.html).toContain('<a href="http://localhost/reveal/')
    const [, page, revealId, key] = LINK.exec(mail.text)!

    const html = await t.call('GET', new URL(page!).pathname)
    expect(html.status).toBe(200)
    expect(html.text).not.toContain(key!)

    const asked = { email: 'ann@acme.example', keyCheck: await keyCheckOf(key!) }
    const sealed = await t.post(`reveal/${revealId}`, asked)
    expect(sealed.status).toBe(200)
    const password = await openSealed(key!, sealed.json)
    const signedIn = await t.completeFirstSignIn(
      user.email,
      password,
      'a fresh phrase she picked herself',
    )
    expect(signedIn.accessToken).toBeTruthy()
    expect((await t.post(`reveal/${revealId}`, asked)).status).toBe(410)

    // The notices went out after commit, in Ann's language: the admin's reset and her own change.
    await deliverOutbox(t.deps)
    await vi.waitFor(() =>
      expect(inbox.mails.map((m) => m.subject)).toEqual(
        expect.arrayContaining([
          'Ditt lösenord har återställts av en administratör',
          'Ditt lösenord har ändrats',
        ]),
      ),
    )
    const notices = inbox.mails.filter((m) => !LINK.test(m.text))
    for (const notice of notices) {
      expect(notice.text).not.toContain(password)
      expect(notice.text).not.toContain(key!)
    }

    // Neither the password nor the key is anywhere on disk (database, WAL) or in the logs.
    const dir = dirname(t.databasePath)
    const files = readdirSync(dir).map((name) => join(dir, name))
    expect(files.some((file) => file.endsWith('-wal'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1')
      expect(bytes.includes(password), file).toBe(false)
      expect(bytes.includes(key!), file).toBe(false)
    }
    const logs = t.logLines.join('\n')
    expect(logs).not.toContain(password)
    expect(logs).not.toContain(key!)
    expect(logs).not.toContain(revealId! + '#')
  })

  it('retries a notice the server refused, and sends it once', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bo@acme.example')
    inbox.failNext()
    await t.post('auth/forgot-password', { email: user.email })
    await t.settled()
    // The admins' digest gathers requests for a minute before its first try.
    t.clock.advance(REQUEST_DIGEST.gatherMs)
    await deliverOutbox(t.deps)
    await vi.waitFor(async () => {
      const [row] = await t.rows<{ attempts: number; sent_at: number | null; last_error: string }>(
        "select attempts, sent_at, last_error from outbox where kind = 'forgot_password_request'",
      )
      expect(row).toEqual({ attempts: 1, sent_at: null, last_error: 'SMTP_550' })
    })
    inbox.failNext(false)
    await deliverOutbox(t.deps)
    expect(
      inbox.mails.filter((m) => m.subject.includes('asked for a password reset')),
    ).toHaveLength(0)
    t.clock.advance(2 * 60_000)
    await deliverOutbox(t.deps)
    await deliverOutbox(t.deps)
    const requests = inbox.mails.filter((m) => m.subject === 'A user asked for a password reset')
    expect(requests).toHaveLength(1)
    expect(requests[0]!.envelopeTo).toEqual([admin.email])
    expect(requests[0]!.text).toContain(user.email)
  })
})
