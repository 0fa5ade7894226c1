import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import type { Browser } from 'playwright-core'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  describeViolations,
  launchBrowser,
  openPage,
  runAxe,
  screenshot,
} from './support/browser.ts'
import { type RunningServer, startNodeServer } from './support/servers.ts'
import { seedTenant, type Tenant } from './support/tenant.ts'
import { signIn, waitForForcedChange } from './support/ui.ts'

// Delivery by one-time link, as its recipient lives it: the mail arrives over real SMTP, the link
// opens in Chromium, the page decrypts in the browser with the key from the fragment.
interface Received {
  to: string
  subject: string
  text: string
}
const inbox: Received[] = []
let smtp: SMTPServer
let browser: Browser
let server: RunningServer
let tenant: Tenant

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => {
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to
        inbox.push({ to: to?.text ?? '', subject: mail.subject ?? '', text: mail.text ?? '' })
        done()
      }, done)
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const { port } = smtp.server.address() as AddressInfo
  ;[browser, server] = await Promise.all([
    launchBrowser(),
    startNodeServer({
      ONCEPASS_SMTP_URL: `smtp://127.0.0.1:${port}`,
      ONCEPASS_MAIL_FROM: 'oncepass <no-reply@example.com>',
    }),
  ])
  tenant = await seedTenant(server)
})
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()))
})

/** Resets `userId` by link through the API; resolves to the link mailed to `recipient`. */
async function resetByLink(userId: string, recipient: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/v1/users/${userId}/password-reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      mode: 'generate',
      delivery: { method: 'link', recipients: [recipient] },
    }),
  })
  const body = (await response.json()) as Record<string, unknown>
  expect(response.status).toBe(201)
  expect(body).not.toHaveProperty('temporaryPassword')
  const deadline = Date.now() + 15_000
  for (;;) {
    const mail = inbox.findLast((m) => m.to.includes(recipient) && /reveal\//.test(m.text))
    const link = mail && /(http:\/\/\S+\/reveal\/\S+)/.exec(mail.text)?.[1]
    if (link && !usedLinks.has(link)) {
      usedLinks.add(link)
      return link
    }
    if (Date.now() > deadline) throw new Error('no reveal mail arrived')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
const usedLinks = new Set<string>()

describe('the one-time reveal link', () => {
  it('mail → link → email → Show password → sign in with it → forced change; gone after', async () => {
    const { email } = tenant.user
    const link = await resetByLink(tenant.user.id, email)
    // Test-only: the page's CSP would block the injected axe script.
    const page = await openPage(browser, { bypassCSP: true })
    try {
      // A damaged fragment cannot decrypt, and burns nothing.
      await page.goto(`${link.split('#')[0]}#${'A'.repeat(43)}`)
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByRole('button', { name: 'Show password', exact: true }).click()
      await page.getByText(/incomplete or damaged/).waitFor()

      // Away first: a URL that differs only in its fragment would not load the page again.
      await page.goto('about:blank')
      await page.goto(link)
      await page.getByLabel('Email', { exact: true }).waitFor()
      await screenshot(page, 'reveal')
      expect(describeViolations(await runAxe(page)), 'axe on the reveal page').toBe('')
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByRole('button', { name: 'Show password', exact: true }).click()
      const shown = page.getByLabel('Temporary password', { exact: true })
      await shown.waitFor()
      const password = (await shown.innerText()).trim()
      expect(password).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3,}$/)
      await screenshot(page, 'revealed')
      // The key left the address bar with the reveal.
      expect(page.url()).not.toContain('#')

      // The same link, opened again: gone.
      await page.goto('about:blank')
      await page.goto(link)
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByRole('button', { name: 'Show password', exact: true }).click()
      await page.getByText(/already used/).waitFor()

      await signIn(page, server.baseUrl, email, password)
      await waitForForcedChange(page)
    } finally {
      await page.context().close()
    }
  })
})
