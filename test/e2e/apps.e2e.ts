import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { Secret, TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCreateUser,
  apiEnrollTotp,
  apiFirstSignIn,
  apiRegisterApp,
  apiReset,
} from './support/api.ts'
import {
  describeViolations,
  launchBrowser,
  openPage,
  runAxe,
  screenshot,
} from './support/browser.ts'
import { freePort, type RunningServer, startNodeServer } from './support/servers.ts'
import { seedTenant, type Tenant } from './support/tenant.ts'

// An app signs its users in through oncepass, in real Chromium: the example app from docs/ (the
// openid-client code that docs/apps.md shows), a user whose password was just reset and who has
// two-step verification, through the code step and the forced change, and back with claims.
const ROOT = resolve(import.meta.dirname, '../..')
let browser: Browser
let server: RunningServer
let tenant: Tenant
let exampleApp: { url: string; process: ChildProcess }

const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate()

/** Waits until the current 30-second step has at least `margin` ms left, so a code stays valid. */
async function awaitFreshStep(page: Page, margin = 5_000) {
  const left = 30_000 - (Date.now() % 30_000)
  if (left < margin) await page.waitForTimeout(left + 100)
}

async function startExampleApp(clientId: string, clientSecret: string, port: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'docs/example-app/app.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ISSUER: server.baseUrl,
        CLIENT_ID: clientId,
        CLIENT_SECRET: clientSecret,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  await new Promise<void>((ready, fail) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('Example app on')) ready()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => fail(new Error(`example app exited ${code}: ${output}`)))
  })
  return { url: `http://127.0.0.1:${port}`, process: child }
}

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startNodeServer()])
  tenant = await seedTenant(server)
  const port = await freePort()
  const app = await apiRegisterApp(server.baseUrl, tenant.adminToken, {
    name: 'Example app',
    redirectUris: [`http://127.0.0.1:${port}/callback`],
    postLogoutRedirectUris: [`http://127.0.0.1:${port}/`],
  })
  exampleApp = await startExampleApp(app.clientId, app.clientSecret, port)
})
afterAll(async () => {
  exampleApp?.process.kill()
  await Promise.all([browser?.close(), server?.stop()])
})

async function expectNoAxeViolations(page: Page, screen: string) {
  await screenshot(page, screen)
  expect(describeViolations(await runAxe(page)), `${screen}: axe violations`).toBe('')
}

describe('signing in to an app through oncepass', () => {
  it('goes through the code step and the forced change, and the app shows the claims', async () => {
    const { baseUrl } = server
    // A colleague with two-step verification, whose password the helpdesk just reset.
    const person = { email: 'colleague@example.com', displayName: 'Colleague', role: 'user' }
    const created = await apiCreateUser(baseUrl, tenant.adminToken, person)
    const chosen = 'lantern meadow quartz 4821'
    const token = await apiFirstSignIn(baseUrl, person.email, created.temporaryPassword, chosen)
    await awaitFreshStep(await openPage(browser))
    const secret = await apiEnrollTotp(baseUrl, token, chosen, codeFor)
    const temporary = await apiReset(baseUrl, tenant.adminToken, created.id)

    const page = await openPage(browser, { bypassCSP: true })
    await page.goto(exampleApp.url)
    await page.getByRole('link', { name: 'Sign in with oncepass' }).click()
    await page.getByText('Sign in to continue to Example app.').waitFor()
    await expectNoAxeViolations(page, 'app-sign-in')
    // Keyboard only, as a screen-reader or keyboard user signs in.
    await page.getByLabel('Email', { exact: true }).focus()
    await page.keyboard.type(person.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(temporary)
    await page.keyboard.press('Enter')

    await page.getByLabel('Verification code', { exact: true }).waitFor()
    await expectNoAxeViolations(page, 'app-verification-code')
    // Wait for the next step: the code used at enrollment is never accepted again.
    await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 200)
    await page.getByLabel('Verification code', { exact: true }).fill(codeFor(secret))
    await page.getByRole('button', { name: 'Verify', exact: true }).click()

    await page.getByLabel('New password', { exact: true }).waitFor()
    await expect(page.getByText('Sign in to continue to Example app.').isVisible()).resolves.toBe(
      true,
    )
    await expectNoAxeViolations(page, 'app-forced-change')
    await page.getByLabel('New password', { exact: true }).fill('harbour violet compass 7302')
    await page.getByRole('button', { name: 'Change password', exact: true }).click()

    await page.waitForURL(`${exampleApp.url}/`)
    const claims = JSON.parse(await page.locator('#claims').innerText()) as Record<string, unknown>
    expect(claims).toMatchObject({
      iss: baseUrl,
      sub: created.id,
      email: person.email,
      name: 'Colleague',
      amr: ['pwd', 'otp', 'mfa'],
    })
    await screenshot(page, 'app-signed-in')

    // Signing out from the app ends the oncepass session too, and comes back to the app.
    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.waitForURL(`${exampleApp.url}/`)
    await page.goto(`${baseUrl}/account`)
    await page.waitForURL(/\/sign-in/)
  })

  // The tests above bypass the pages' CSP for axe; this one keeps it. Browsers hold the redirects
  // that follow a form to `form-action`, so a step that ends at the app must allow its origin.
  it('ends at the app under the pages own CSP: sign-in, forced change, and cancel', async () => {
    const person = { email: 'csp@example.com', displayName: 'Policy', role: 'user' }
    const created = await apiCreateUser(server.baseUrl, tenant.adminToken, person)
    const page = await openPage(browser)
    await page.goto(exampleApp.url)
    await page.getByRole('link', { name: 'Sign in with oncepass' }).click()
    await page.getByRole('button', { name: /Cancel and return to Example app/ }).waitFor()
    await page.getByLabel('Email', { exact: true }).fill(person.email)
    await page.getByLabel('Password', { exact: true }).fill(created.temporaryPassword)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByLabel('New password', { exact: true }).fill('copper lagoon window 5934')
    await page.getByRole('button', { name: 'Change password', exact: true }).click()
    await page.waitForURL(`${exampleApp.url}/`)
    expect(await page.locator('#claims').innerText()).toContain(person.email)
    // The example app holds one signed-in user: sign out, through oncepass, for the next.
    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.waitForURL(`${exampleApp.url}/`)

    // Cancelling a sign-in is a form too: it goes back to the app with access_denied.
    const again = await openPage(browser)
    await again.goto(exampleApp.url)
    await again.getByRole('link', { name: 'Sign in with oncepass' }).click()
    const callback = again.waitForRequest((request) => request.url().includes('/callback?'))
    await again.getByRole('button', { name: /Cancel and return to Example app/ }).click()
    expect(new URL((await callback).url()).searchParams.get('error')).toBe('access_denied')
  })

  it('names the app in every language on the sign-in page', async () => {
    for (const locale of ['en-US', 'nl-NL', 'da-DK', 'sv-SE']) {
      const page = await openPage(browser, { bypassCSP: true, locale })
      await page.goto(exampleApp.url)
      await page.getByRole('link', { name: 'Sign in with oncepass' }).click()
      await page.locator('.app-context').waitFor()
      expect(await page.locator('.app-context').innerText()).toContain('Example app')
      await expectNoAxeViolations(page, `app-sign-in-${locale}`)
      await page.setViewportSize({ width: 390, height: 844 })
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number
      expect(overflow, `${locale}: horizontal scrolling on a phone`).toBeLessThanOrEqual(0)
      await page.context().close()
    }
  })
})
