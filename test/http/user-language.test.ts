import { afterEach, describe, expect, it } from 'vitest'
import { deliverOutbox, REQUEST_DIGEST } from '../../src/services/outbox.ts'
import { formatTime } from '../../src/ui/layout.tsx'
import { formBrowser } from '../helpers/form-browser.ts'
import { createTestApp, recordingMailer, type TestApp } from '../helpers/test-app.ts'

// Each user has a language: their last choice in the switch (or PATCH /me), else their browser's
// at their last sign-in, else the language of the admin who added them. Notices to a user are
// written in it, whoever caused them, with dates as the pages show them.
let t: TestApp
afterEach(() => t.close())

const { newBrowser, submit, signInAs } = formBrowser(() => t.app)

const signIn = (email: string, password: string, language?: string) =>
  t.post(
    'auth/sign-in',
    { email, password },
    { headers: language ? { 'Accept-Language': language } : {} },
  )

describe("a user's language", () => {
  it('is the browser language at sign-in until the user chooses one, which then stays', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    expect((await t.get('me', ann.accessToken)).json.language).toBe('en')
    const danish = await signIn(ann.email, ann.password, 'da-DK,da;q=0.9,en;q=0.5')
    expect((await t.get('me', danish.json.accessToken)).json.language).toBe('da')

    const chosen = await t.call('PATCH', 'me', {
      token: danish.json.accessToken,
      body: { language: 'sv' },
    })
    expect(chosen.status, chosen.text).toBe(200)
    expect(chosen.json).toMatchObject({ email: ann.email, language: 'sv' })
    const dutch = await signIn(ann.email, ann.password, 'nl')
    expect((await t.get('me', dutch.json.accessToken)).json.language).toBe('sv')
    for (const body of [{ language: 'de' }, { language: 'sv', role: 'global_admin' }, {}]) {
      const refused = await t.call('PATCH', 'me', { token: dutch.json.accessToken, body })
      expect(refused.status, JSON.stringify(body)).toBe(400)
    }
  })

  it("is chosen with the page's language switch, and a new user starts in their admin's", async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    await submit(browser, '/language', { lang: 'nl', next: '/admin/users' })
    expect((await t.get('me', admin.accessToken)).json.language).toBe('nl')
    const created = await t.post(
      'users',
      { email: 'nieuw@example.com', displayName: 'Nieuw', role: 'user' },
      { token: admin.accessToken, headers: { 'Accept-Language': 'nl' } },
    )
    const rows = await t.rows<{ language: string; language_chosen: number }>(
      'select language, language_chosen from users where id = ?',
      created.json.user.id,
    )
    expect(rows).toEqual([{ language: 'nl', language_chosen: 0 }])
    // A choice made on the sign-in page before signing in counts as the user's choice.
    const swede = await t.seedUser(admin.accessToken, 'user', 'sven@example.com')
    const anonymous = newBrowser()
    await submit(anonymous, '/language', { lang: 'sv', next: '/sign-in' })
    await submit(anonymous, '/sign-in', { email: swede.email, password: swede.password })
    expect((await t.get('me', swede.accessToken)).json.language).toBe('sv')
    expect((await signIn(swede.email, swede.password, 'da')).status).toBe(200)
    expect((await t.get('me', swede.accessToken)).json.language).toBe('sv')
  })
})

describe('notices', () => {
  it("are written in the recipient's language, not the sender's, with dates as on the pages", async () => {
    const mail = recordingMailer()
    t = await createTestApp({ mailer: mail.mailer })
    const admin = await t.seedTenant()
    const sven = await t.seedUser(admin.accessToken, 'user', 'sven@example.com')
    await t.call('PATCH', 'me', { token: sven.accessToken, body: { language: 'sv' } })
    await t.settled()
    const before = mail.sent.length
    // An English-speaking admin resets the Swedish user.
    const reset = await t.post(
      `users/${sven.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken, headers: { 'Accept-Language': 'en' } },
    )
    expect(reset.status).toBe(201)
    await t.settled()
    const notice = mail.sent.slice(before).find((m) => m.to === sven.email)!
    expect(notice.subject).toBe('Ditt lösenord har återställts av en administratör')
    expect(notice.text).toContain(formatTime('sv', new Date(t.clock.now()).toISOString()))
    expect(notice.text).not.toContain('(UTC)')
  })

  it('to admins about a forgot-password request, each in the admin own language', async () => {
    const mail = recordingMailer()
    t = await createTestApp({ mailer: mail.mailer })
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    await t.call('PATCH', 'me', { token: helper.accessToken, body: { language: 'da' } })
    await t.call('PATCH', 'me', { token: admin.accessToken, body: { language: 'nl' } })
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await t.post(
      'auth/forgot-password',
      { email: ann.email },
      { headers: { 'Accept-Language': 'sv' } },
    )
    // The admins' digest goes out once the burst it gathers has had its minute.
    await t.settled()
    t.clock.advance(REQUEST_DIGEST.gatherMs)
    await deliverOutbox(t.deps)
    const subjects = Object.fromEntries(
      mail.sent.filter((m) => m.to !== ann.email).map((m) => [m.to, m.subject]),
    )
    expect(subjects).toEqual({
      [admin.email]: 'Een gebruiker vraagt om een nieuw wachtwoord',
      [helper.email]: 'En bruger har bedt om en ny adgangskode',
    })
  })
})

describe('the reveal page', () => {
  it("switches language by links that keep the key in the fragment, under the page's own policy", async () => {
    t = await createTestApp()
    const english = await t.app.request('/reveal/abc123')
    const html = await english.text()
    expect(english.headers.get('Content-Security-Policy')).toContain("form-action 'none'")
    expect(html).not.toContain('action="/language"')
    expect(html).toContain('href="/reveal/abc123?lang=nl"')
    expect(html).toContain('data-keep-fragment')
    const dutch = await t.app.request('/reveal/abc123?lang=nl')
    expect(await dutch.text()).toContain('<html lang="nl">')
    expect(dutch.headers.get('Set-Cookie')).toContain('oncepass_lang=nl')
    const script = await (await t.app.request('/assets/reveal.js')).text()
    expect(script).toContain("link.pathname + link.search + '#' + key")
  })
})
