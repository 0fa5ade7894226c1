import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTemplates } from '../../src/core/mail.ts'
import { keyCheckOf, openSealed, sealWithFreshKey } from '../../src/core/reveal-crypto.ts'
import { createSmtpMailer } from '../../src/runtime/node/smtp-mailer.ts'
import { REVEAL_JS } from '../../src/ui/assets.ts'
import { renderNotice } from '../../src/ui/mail.ts'
import { startSmtpInbox } from '../helpers/smtp-inbox.ts'

let inbox: Awaited<ReturnType<typeof startSmtpInbox>>
beforeAll(async () => {
  inbox = await startSmtpInbox()
})
afterAll(() => inbox.close())

describe('the SMTP mailer', () => {
  it('delivers a reveal-link mail over a real SMTP conversation, text and HTML', async () => {
    const mailer = createSmtpMailer({ url: inbox.url, from: 'oncepass <no-reply@acme.example>' })
    const link = 'https://id.acme.example/reveal/abc#KEY-in-fragment'
    await withTemplates(mailer, renderNotice).send({
      kind: 'reveal_link',
      to: 'helpdesk@acme.example',
      language: 'en',
      link,
      accountEmail: 'ann@acme.example',
      expiresAt: Date.UTC(2026, 10, 23, 12, 0),
    })
    mailer.close()
    const mail = inbox.mails.at(-1)!
    expect(mail.parsed.from?.value).toEqual([
      { name: 'oncepass', address: 'no-reply@acme.example' },
    ])
    expect(mail.envelopeTo).toEqual(['helpdesk@acme.example'])
    expect(mail.to).toEqual(['helpdesk@acme.example'])
    expect(mail.subject).toBe('Your new temporary password')
    expect(mail.text).toContain(link)
    expect(mail.text).toContain('ann@acme.example')
    expect(mail.text).toContain('23 Nov 2026, 12:00 UTC')
    expect(mail.html).toContain(`<a href="${link}">`)
  })

  it('renders the same mail in Dutch, Danish and Swedish', async () => {
    const mailer = createSmtpMailer({ url: inbox.url, from: 'no-reply@acme.example' })
    const send = withTemplates(mailer, renderNotice)
    for (const language of ['nl', 'da', 'sv']) {
      await send.send({ kind: 'password_changed', to: 'ann@acme.example', language, at: 0 })
    }
    mailer.close()
    expect(inbox.mails.slice(-3).map((m) => m.subject)).toEqual([
      'Uw wachtwoord is gewijzigd',
      'Din adgangskode er ændret',
      'Ditt lösenord har ändrats',
    ])
  })

  it('rejects when the server refuses the message', async () => {
    const mailer = createSmtpMailer({ url: inbox.url, from: 'no-reply@acme.example' })
    inbox.failNext()
    try {
      await expect(
        mailer.send({ to: 'x@acme.example', subject: 's', text: 't', html: '<p>t</p>' }),
      ).rejects.toThrow()
    } finally {
      inbox.failNext(false)
      mailer.close()
    }
  })
})

describe('reveal crypto', () => {
  it('round-trips under the fresh key and fails under another', async () => {
    const { key, sealed } = await sealWithFreshKey('7KqM-xR4t-abcd-EFGH')
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(sealed.ciphertext).not.toContain('7KqM')
    expect(await openSealed(key, sealed)).toBe('7KqM-xR4t-abcd-EFGH')
    const other = await sealWithFreshKey('x')
    await expect(openSealed(other.key, sealed)).rejects.toThrow()
  })
})

describe('the reveal page script', () => {
  it('parses, and computes the same key check as the server', async () => {
    expect(() => new Function(REVEAL_JS)).not.toThrow()
    const { key, keyCheck } = await sealWithFreshKey('x')
    expect(keyCheck).toBe(await keyCheckOf(key))
    expect(keyCheck).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The script's own digest, run as the browser runs it.
    const context = REVEAL_JS.includes("'oncepass reveal key check\\0'")
    expect(context).toBe(true)
  })
})
