import { Secret, TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
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
import { action, signIn, signOut } from './support/ui.ts'

// Two-step verification in real Chromium: a user sets it up from the account page with the secret
// shown on screen, then signs in with a code computed here, as an authenticator app would.
let browser: Browser
let server: RunningServer
let tenant: Tenant

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startNodeServer()])
  tenant = await seedTenant(server)
})
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

/** The code an authenticator app shows now for this base32 secret. */
const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate()

/** Waits for the first 30-second step after `step`: an accepted code is never accepted again. */
async function awaitStepAfter(page: Page, step: number) {
  const wait = (step + 1) * 30_000 - Date.now()
  if (wait > 0) await page.waitForTimeout(wait + 100)
}

/** Waits until the current 30-second step has at least `margin` ms left, so a code stays valid. */
async function awaitFreshStep(page: Page, margin = 5_000) {
  const left = 30_000 - (Date.now() % 30_000)
  if (left < margin) await page.waitForTimeout(left + 100)
}

async function expectNoAxeViolations(page: Page, screen: string) {
  await screenshot(page, screen)
  const violations = await runAxe(page)
  expect(describeViolations(violations), `${screen}: axe violations`).toBe('')
}

describe('two-step verification in the browser', () => {
  it('enrolls from Account, then signs in with a code; a replayed code is refused', async () => {
    const { baseUrl } = server
    const { email, password } = tenant.user
    // Test-only: the page's CSP would block the injected axe script.
    const page = await openPage(browser, { bypassCSP: true })
    try {
      await signIn(page, baseUrl, email, password)
      await page.waitForURL(/\/account/)
      await action(page, 'Two-step verification').click()
      // A session alone cannot add a factor: the password is asked for again.
      await page.getByLabel('Current password', { exact: true }).fill(password)
      await action(page, 'Set up two-step verification').click()
      const secretText = page.locator('#totp-secret')
      await secretText.waitFor()
      await expect(page.getByRole('img', { name: 'QR code' }).isVisible()).resolves.toBe(true)
      await expectNoAxeViolations(page, 'two-step-setup')
      const secret = (await secretText.innerText()).replace(/\s+/g, '')

      await awaitFreshStep(page)
      const enrolledStep = Math.floor(Date.now() / 30_000)
      const enrolledCode = codeFor(secret)
      await page.getByLabel('Verification code', { exact: true }).fill(enrolledCode)
      await page
        .getByRole('button', { name: /Verify|Turn on|Confirm/ })
        .first()
        .click()
      const recovery = page.getByLabel('Recovery codes', { exact: true })
      await recovery.waitFor()
      expect((await recovery.innerText()).trim().split('\n')).toHaveLength(10)
      await expectNoAxeViolations(page, 'two-step-recovery-codes')
      await signOut(page)

      // Next sign-in: the password leads to the code step, never straight to a session.
      await signIn(page, baseUrl, email, password)
      const codeField = page.getByLabel('Verification code', { exact: true })
      await codeField.waitFor()
      await expectNoAxeViolations(page, 'mfa-step')
      // The enrollment used this step's code; like an authenticator app, wait for the next one.
      await awaitStepAfter(page, enrolledStep)
      await awaitFreshStep(page)
      const code = codeFor(secret)
      await codeField.fill(code)
      await page.getByRole('button', { name: 'Verify', exact: true }).click()
      await page.waitForURL(/\/account/)
      await signOut(page)

      // The same code again, within its 30 seconds: refused, and no session.
      await signIn(page, baseUrl, email, password)
      await codeField.waitFor()
      await codeField.fill(code)
      await page.getByRole('button', { name: 'Verify', exact: true }).click()
      await page.getByText('This code is not valid.').waitFor()
      expect(page.url()).toMatch(/\/verify/)
    } finally {
      await page.context().close()
    }
  })
})
