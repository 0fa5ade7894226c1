import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFor, type Language, languages } from '../../src/ui/copy.ts'
import { apiCreateUser, resetsIssued } from './support/api.ts'
import {
  openAddApplication,
  openApplications,
  overflowsSideways,
  readNamed,
  signInAnyLanguage,
  submitApplication,
} from './support/apps.ts'
import {
  describeViolations,
  launchBrowser,
  openPage,
  runAxe,
  SCREENSHOTS,
  screenshot,
  unlabelledFields,
} from './support/browser.ts'
import { type RunningServer, startNodeServer } from './support/servers.ts'
import { seedTenant, type Tenant } from './support/tenant.ts'
import {
  action,
  openResetPane,
  openUsers,
  pageHolds,
  readTemporaryPassword,
  signIn,
  signOut,
  submitNewPassword,
  submitReset,
  waitForForcedChange,
} from './support/ui.ts'

let browser: Browser
let server: RunningServer
let tenant: Tenant
const axeResults: { screen: string; violations: number; rules: string[] }[] = []

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startNodeServer()])
  tenant = await seedTenant(server)
})
afterAll(async () => {
  if (axeResults.length > 0) {
    mkdirSync(SCREENSHOTS, { recursive: true })
    writeFileSync(join(SCREENSHOTS, '..', 'axe.json'), `${JSON.stringify(axeResults, null, 2)}\n`)
    console.table(axeResults.map((r) => ({ screen: r.screen, violations: r.violations })))
  }
  await Promise.all([browser?.close(), server?.stop()])
})

/** axe (WCAG 2 A and AA) and the label check on the screen as it is now, plus its screenshot. */
async function auditScreen(page: Page, screen: string) {
  await page.locator('main').waitFor()
  await screenshot(page, screen)
  const [violations, unlabelled] = await Promise.all([runAxe(page), unlabelledFields(page)])
  axeResults.push({ screen, violations: violations.length, rules: violations.map((v) => v.id) })
  return { violations, unlabelled }
}

/** Presses Tab until `target` has focus (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, target: Locator, limit = 80) {
  await target.waitFor()
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return
  }
  throw new Error(`Tab never reached ${target}`)
}

describe('every screen', () => {
  it('axe-core (wcag2a, wcag2aa) finds 0 violations and every field has a label', async () => {
    const { baseUrl } = server
    // Test-only: the page's CSP would block the injected axe script.
    const page = await openPage(browser, { bypassCSP: true })
    const results: Record<string, Awaited<ReturnType<typeof auditScreen>>> = {}
    try {
      await page.goto(`${baseUrl}/sign-in`)
      results['sign-in'] = await auditScreen(page, 'sign-in')

      await action(page, 'Forgot password?').click()
      await page.getByLabel('Email', { exact: true }).waitFor()
      results['forgot-password'] = await auditScreen(page, 'forgot-password')
      await page.getByLabel('Email', { exact: true }).fill(tenant.user.email)
      await page.getByRole('button', { name: 'Send request', exact: true }).click()
      await page.getByText('Thank you.').waitFor()

      const fresh = await apiCreateUser(baseUrl, tenant.adminToken, {
        email: 'newcomer@example.com',
        displayName: 'Newcomer',
        role: 'user',
      })
      await signIn(page, baseUrl, 'newcomer@example.com', fresh.temporaryPassword)
      await waitForForcedChange(page)
      results['forced-change'] = await auditScreen(page, 'forced-change')
      await submitNewPassword(page, 'short')
      await page.getByText('at least 15 characters').first().waitFor()
      results['forced-change-violation'] = await auditScreen(page, 'forced-change-violation')
      await submitNewPassword(page, 'amber lighthouse cobalt 3104')
      await page.waitForURL(/\/account/)
      results['account'] = await auditScreen(page, 'account')
      await signOut(page)

      await signIn(page, baseUrl, tenant.admin.email, tenant.admin.password)
      await openUsers(page, baseUrl)
      results['users'] = await auditScreen(page, 'users')

      // The queue holds the request made above (a reset would close it).
      await action(page, /^Forgot-password requests/).click()
      await page.getByRole('heading', { name: 'Forgot-password requests' }).waitFor()
      await page.getByText(tenant.user.email).first().waitFor()
      results['requests-queue'] = await auditScreen(page, 'requests-queue')

      await action(page, 'Audit log').click()
      await page.getByRole('heading', { name: 'Audit log' }).waitFor()
      results['audit-log'] = await auditScreen(page, 'audit-log')

      await openUsers(page, baseUrl)
      await action(page, 'Add user').click()
      await page.getByLabel('Display name', { exact: true }).waitFor()
      results['add-user'] = await auditScreen(page, 'add-user')

      await openUsers(page, baseUrl)
      await page.getByRole('link', { name: tenant.user.email, exact: true }).first().click()
      await page.getByRole('heading', { name: 'Latest reset' }).waitFor()
      results['user-detail'] = await auditScreen(page, 'user-detail')

      await openResetPane(page, baseUrl, tenant.user.email)
      results['reset-pane'] = await auditScreen(page, 'reset-pane')
      await submitReset(page)
      tenant.user.password = await readTemporaryPassword(page)
      results['confirmation'] = await auditScreen(page, 'confirmation')
    } finally {
      await page.context().close()
    }
    const problems = Object.entries(results)
      .filter(([, r]) => r.violations.length > 0 || r.unlabelled.length > 0)
      .map(
        ([screen, r]) =>
          `${screen}:\n${describeViolations(r.violations)}\n${r.unlabelled.join('\n')}`,
      )
    expect(problems.join('\n'), 'axe violations or unlabelled fields').toBe('')
    expect(Object.keys(results)).toHaveLength(12)
  })
})

describe('keyboard and clipboard', () => {
  it('an admin resets a password with the keyboard alone (Tab, Enter, Space)', async () => {
    const { baseUrl } = server
    const page = await openPage(browser)
    try {
      const before = await resetsIssued(baseUrl, tenant.adminToken, tenant.user.id)
      await page.goto(`${baseUrl}/sign-in`)
      await tabTo(page, page.getByLabel('Email', { exact: true }))
      await page.keyboard.type(tenant.admin.email)
      await tabTo(page, page.getByLabel('Password', { exact: true }))
      await page.keyboard.type(tenant.admin.password)
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/admin\/users/)

      await tabTo(page, action(page, `Reset password for ${tenant.user.email}`))
      await page.keyboard.press('Enter')
      const automatic = page.getByRole('radio', { name: 'Automatically create a password' })
      await automatic.waitFor()
      expect(await automatic.isChecked()).toBe(true)
      await tabTo(page, page.getByRole('button', { name: 'Reset password', exact: true }))
      await page.keyboard.press('Space')
      await page.getByRole('heading', { name: 'Password has been reset', exact: true }).waitFor()
      tenant.user.password = await readTemporaryPassword(page)
      expect(await resetsIssued(baseUrl, tenant.adminToken, tenant.user.id)).toBe(before + 1)
      await screenshot(page, 'keyboard-confirmation')
    } finally {
      await page.context().close()
    }
  })

  it('Copy puts the temporary password on the clipboard and says "Copied"', async () => {
    const { baseUrl } = server
    const page = await openPage(browser)
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: baseUrl,
      })
      await signIn(page, baseUrl, tenant.admin.email, tenant.admin.password)
      await openResetPane(page, baseUrl, tenant.user.email)
      await submitReset(page)
      const password = await readTemporaryPassword(page)
      tenant.user.password = password
      await page.getByRole('button', { name: 'Copy', exact: true }).click()
      await page.getByText('Copied', { exact: true }).waitFor()
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(password)
      await screenshot(page, 'copied')
    } finally {
      await page.context().close()
    }
  })
})

describe('the Applications screens', () => {
  const runs: { device: string; lang: Language; viewport: { width: number; height: number } }[] = [
    { device: 'desktop', lang: 'en', viewport: { width: 1280, height: 800 } },
    ...languages.map((lang) => ({ device: 'phone', lang, viewport: { width: 390, height: 844 } })),
  ]

  it.each(runs)(
    '$device, $lang: list, add, the secret shown once, the app: axe finds 0 violations',
    async ({ device, lang, viewport }) => {
      const { baseUrl } = server
      const t = copyFor(lang)
      const locale = lang === 'en' ? 'en-US' : lang
      // Test-only: the page's CSP would block the injected axe script.
      const page = await openPage(browser, { bypassCSP: true, viewport, locale })
      const results: Record<string, Awaited<ReturnType<typeof auditScreen>>> = {}
      const sideways: string[] = []
      const audit = async (screen: string) => {
        const name = `apps-${screen}-${device}-${lang}`
        results[name] = await auditScreen(page, name)
        if (await overflowsSideways(page)) sideways.push(name)
      }
      const name = `Timesheets ${device} ${lang}`
      try {
        await signInAnyLanguage(page, baseUrl, tenant.admin.email, tenant.admin.password)
        await openApplications(page, t)
        await openAddApplication(page, t)
        await audit('add')
        await submitApplication(page, t, {
          name,
          redirectUris: [`https://timesheets.example/${lang}/callback`, 'http://127.0.0.1/cb'],
          web: true,
        })
        const secret = await readNamed(page, t.apps.clientSecret)
        expect(secret).toMatch(/^[\w-]{43}$/)
        await page.getByText(t.apps.secretNotShownAgain).waitFor()
        await audit('secret-shown')

        await action(page, t.apps.viewApp).click()
        await page.getByRole('heading', { name, exact: true }).waitFor()
        expect(await readNamed(page, t.apps.clientId)).toMatch(/^[\w-]{22}$/)
        expect(await pageHolds(page, secret)).toBe(false)
        await audit('detail')
        if (device === 'desktop') await auditConfirmSteps(page, lang, name, audit)

        await openApplications(page, t)
        await page.getByRole('link', { name, exact: true }).waitFor()
        expect(await pageHolds(page, secret)).toBe(false)
        await audit('list')
      } finally {
        await page.context().close()
      }
      const problems = Object.entries(results)
        .filter(([, r]) => r.violations.length > 0 || r.unlabelled.length > 0)
        .map(
          ([screen, r]) =>
            `${screen}:\n${describeViolations(r.violations)}\n${r.unlabelled.join('\n')}`,
        )
      expect(problems.join('\n'), 'axe violations or unlabelled fields').toBe('')
      expect(sideways, 'screens wider than the window').toEqual([])
    },
  )

  /** Rotate secret and Remove application: each confirm step, and the new secret once. */
  async function auditConfirmSteps(
    page: Page,
    lang: Language,
    name: string,
    audit: (screen: string) => Promise<void>,
  ) {
    const a = copyFor(lang).apps
    await action(page, a.rotateSecret).click()
    await page.getByRole('heading', { name: a.rotateTitle, exact: true }).waitFor()
    await audit('rotate-confirm')
    await page.getByRole('button', { name: a.rotateSecret, exact: true }).click()
    await page.getByRole('heading', { name: a.rotatedTitle, exact: true }).waitFor()
    expect(await readNamed(page, a.clientSecret)).toMatch(/^[\w-]{43}$/)
    await audit('secret-rotated')
    await action(page, a.viewApp).click()
    await action(page, a.remove).click()
    await page.getByRole('heading', { name: a.removeTitle, exact: true }).waitFor()
    await audit('remove-confirm')
    await action(page, a.cancel).click()
    await page.getByRole('heading', { name, exact: true }).waitFor()
  }
})
