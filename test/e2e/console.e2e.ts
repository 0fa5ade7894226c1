import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFor, type Language, languages } from '../../src/ui/copy.ts'
import { apiCreateUser } from './support/api.ts'
import { overflowsSideways, signInAnyLanguage } from './support/apps.ts'
import {
  describeViolations,
  launchBrowser,
  openPage,
  runAxe,
  screenshot,
  unfoldMenu,
  unlabelledFields,
} from './support/browser.ts'
import { type RunningServer, startNodeServer } from './support/servers.ts'
import { seedTenant, type Tenant } from './support/tenant.ts'

// Every console screen as admins and users see it, in each of the four languages, on a desktop
// and on a 390 × 844 phone: axe (WCAG 2 A and AA) finds nothing, every field has a label, nothing
// is wider than the window, and no raw code shows. Screenshots under test-results/screenshots.

let browser: Browser
let server: RunningServer
let tenant: Tenant
/** Users with names from the four languages, for the list and its search. */
let nordic: { id: string; email: string }[]

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startNodeServer()])
  tenant = await seedTenant(server)
  nordic = []
  for (const [displayName, email] of [
    ['Åsa Østergaard', 'asa.ostergaard@example.com'],
    ['Jansen Anna', 'anna.jansen@example.com'],
    ['Örjan Møller', 'orjan.moller@example.com'],
  ] as const) {
    const made = await apiCreateUser(server.baseUrl, tenant.adminToken, {
      email,
      displayName,
      role: 'user',
    })
    nordic.push({ id: made.id, email })
  }
  // A forgot-password request, so the queue and its menu count have something to show.
  await fetch(`${server.baseUrl}/api/v1/auth/forgot-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: tenant.user.email }),
  })
})
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

/** Raw codes that must never reach a person's screen (event, outcome and error codes). */
const RAW_CODES = /\b(password_reset_denied|authn_login_fail|RESET_ALREADY_ISSUED|FORBIDDEN_ROLE)\b/

describe('every console screen, in every language, at desktop and phone sizes', () => {
  const runs = languages.flatMap((lang) =>
    Object.entries(SIZES).map(([size, viewport]) => ({ lang, size, viewport })),
  )

  it.each(runs)(
    '$lang on a $size: axe 0, every field labelled, nothing wider than the window',
    async ({ lang, size, viewport }) => {
      const problems = await walkScreens(lang, size, viewport)
      expect(problems.join('\n'), 'problems on screens').toBe('')
    },
    180_000,
  )
})

async function walkScreens(
  lang: Language,
  size: string,
  viewport: { width: number; height: number },
): Promise<string[]> {
  const { baseUrl } = server
  const t = copyFor(lang)
  const locale = lang === 'en' ? 'en-US' : lang
  // Test-only: the page's CSP would block the injected axe script.
  const page = await openPage(browser, { bypassCSP: true, viewport, locale })
  const problems: string[] = []
  const check = async (screen: string, path?: string) => {
    if (path) await page.goto(`${baseUrl}${path}`)
    await page.locator('main').waitFor()
    problems.push(...(await auditScreen(page, `console-${lang}-${size}-${screen}`)))
  }
  const someone = nordic[0]!
  // Each run resets a user of its own (a user is reset at most 5 times a minute).
  const resetMe = await apiCreateUser(baseUrl, tenant.adminToken, {
    email: `reset-${lang}-${size}@example.com`,
    displayName: `Reset ${lang} ${size}`,
    role: 'user',
  })
  try {
    await check('sign-in', '/sign-in')
    await check('forgot-password', '/forgot-password')
    await signInAnyLanguage(page, baseUrl, tenant.admin.email, tenant.admin.password)
    await check('users', '/admin/users')
    if (size === 'phone') {
      await unfoldMenu(page)
      await check('menu-open')
    }
    await check('users-search', `/admin/users?search=${encodeURIComponent('østergaard')}`)
    expect(await page.getByText(someone.email).count(), `${lang}: a Nordic search`).toBeGreaterThan(
      0,
    )
    await check('users-filtered', '/admin/users?sort=name&role=user&mustChange=true')
    await check('add-user', '/admin/users/new')
    await check('user-detail', `/admin/users/${someone.id}`)
    await check('confirm-block', `/admin/users/${someone.id}/confirm/block`)
    await check('confirm-sign-out', `/admin/users/${someone.id}/confirm/sign-out`)
    await check('reset-pane', `/admin/users/${resetMe.id}/reset`)
    await page.getByRole('button', { name: t.resetPassword, exact: true }).click()
    await page.getByRole('heading', { name: t.resetDoneTitle, exact: true }).waitFor()
    await check('reset-confirmation')
    await check('requests', '/admin/requests')
    await check('audit-log', '/admin/audit')
    await check('outbox', '/admin/outbox')
    await check('account', '/account')
    await check('two-step', '/account/two-step')
  } finally {
    await page.context().close()
  }
  return problems
}

/** axe, the label check, sideways overflow and raw codes on the screen as it is now. */
async function auditScreen(page: Page, screen: string): Promise<string[]> {
  await screenshot(page, screen)
  const [violations, unlabelled, sideways, text] = await Promise.all([
    runAxe(page),
    unlabelledFields(page),
    overflowsSideways(page),
    page.locator('body').innerText(),
  ])
  const found: string[] = []
  if (violations.length > 0) found.push(`${screen}: ${describeViolations(violations)}`)
  if (unlabelled.length > 0) found.push(`${screen}: unlabelled ${unlabelled.join(', ')}`)
  if (sideways) found.push(`${screen}: wider than the window`)
  const raw = RAW_CODES.exec(text)
  if (raw) found.push(`${screen}: shows the raw code ${raw[0]}`)
  return found
}
