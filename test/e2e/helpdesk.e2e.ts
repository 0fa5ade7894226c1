import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ReceivedMail, startSmtpInbox } from '../helpers/smtp-inbox.ts'
import { apiCreateUser, apiFirstSignIn } from './support/api.ts'
import {
  describeViolations,
  launchBrowser,
  openPage,
  runAxe,
  SCREENSHOTS,
  screenshot,
  unfoldMenu,
  unlabelledFields,
} from './support/browser.ts'
import { type RunningServer, startNodeServer } from './support/servers.ts'
import { type Person, seedTenant, type Tenant } from './support/tenant.ts'
import { action, openUsers, readTemporaryPassword, signIn } from './support/ui.ts'

// The safer helpdesk in Chromium, with both guards on and mail over real SMTP: a verified reset,
// an overridden one and an approved admin reset as an admin lives them, then every new screen
// under axe in all four languages, at desktop and phone sizes.

let browser: Browser
let server: RunningServer
let tenant: Tenant
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>
let approver: Person & { token: string }
const axeResults: { screen: string; violations: number; rules: string[] }[] = []

beforeAll(async () => {
  inbox = await startSmtpInbox()
  ;[browser, server] = await Promise.all([
    launchBrowser(),
    startNodeServer({
      ONCEPASS_SMTP_URL: inbox.url,
      ONCEPASS_MAIL_FROM: 'oncepass <no-reply@example.com>',
      ONCEPASS_REQUIRE_CALLER_VERIFICATION: 'true',
      ONCEPASS_REQUIRE_APPROVAL_FOR_ADMIN_RESETS: 'true',
    }),
  ])
  tenant = await seedTenant(server)
  approver = await createPerson(
    'global_admin',
    'grace@example.com',
    'Grace Second',
    'quartz meadow lantern 8841',
  )
})

afterAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const mails = inbox?.mails.map(
    (mail) => `To: ${mail.to.join(', ')}\nSubject: ${mail.subject}\n\n${mail.text.trim()}\n`,
  )
  writeFileSync(join(SCREENSHOTS, '..', 'helpdesk-mails.txt'), (mails ?? []).join('\n---\n\n'))
  writeFileSync(
    join(SCREENSHOTS, '..', 'helpdesk-axe.json'),
    `${JSON.stringify(axeResults, null, 2)}\n`,
  )
  await Promise.all([browser?.close(), server?.stop(), inbox?.close()])
})

async function createPerson(role: string, email: string, displayName: string, password: string) {
  const { baseUrl } = server
  const created = await apiCreateUser(baseUrl, tenant.adminToken, { email, displayName, role })
  const token = await apiFirstSignIn(baseUrl, email, created.temporaryPassword, password)
  return { id: created.id, email, password, token }
}

/** Waits for a mail to `to` whose text matches `pattern` (mail goes out after commit). */
async function mailTo(to: string, pattern: RegExp): Promise<ReceivedMail> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const mail = inbox.mails.findLast((m) => m.to.includes(to) && pattern.test(m.text))
    if (mail) return mail
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern}`)
    await new Promise((next) => setTimeout(next, 100))
  }
}

async function api(path: string, token: string, body?: unknown) {
  const response = await fetch(`${server.baseUrl}/api/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, any> }
}

/** Presses a button and waits for the page it leads to. */
async function press(page: Page, name: string) {
  await Promise.all([
    page.waitForEvent('framenavigated'),
    page.getByRole('button', { name, exact: true }).click(),
  ])
  await page.locator('main').waitFor()
}

const REASON = 'Member is travelling; her manager confirmed by phone (ticket 4711)'

describe('the helpdesk, as an admin lives it', () => {
  it('a verified reset, an overridden reset and an approved admin reset; what is refused', async () => {
    const { baseUrl } = server
    const page = await openPage(browser)
    const second = await openPage(browser)
    let step = 0
    const shot = (name: string) =>
      screenshot(page, `helpdesk-journey-${String(++step).padStart(2, '0')}-${name}`)
    try {
      // 1. Verify the caller by a code mailed to the address on file.
      await signIn(page, baseUrl, tenant.admin.email, tenant.admin.password)
      await openUsers(page, baseUrl)
      await page.getByRole('link', { name: tenant.user.email, exact: true }).first().click()
      await page.getByRole('heading', { name: 'Verify identity' }).waitFor()
      await expect(page.getByText('Not verified', { exact: true }).isVisible()).resolves.toBe(true)
      await shot('user-page')
      await page.getByRole('radio', { name: 'Send a code by email' }).check()
      await press(page, 'Verify identity')
      const codeMail = await mailTo(tenant.user.email, /^\d{6}$/m)
      const code = /^(\d{6})$/m.exec(codeMail.text)![1]!
      await shot('code-page')
      await page
        .getByLabel('Verification code', { exact: true })
        .fill(code === '000000' ? '111111' : '000000')
      await press(page, 'Check code')
      await page.getByText('That code is not right. 4 tries left.').waitFor()
      await shot('wrong-code')
      await page.getByLabel('Verification code', { exact: true }).fill(code)
      await press(page, 'Check code')
      await page.getByText(/Identity verified by you at .*, code by email/).waitFor()
      await shot('verified')

      // 2. The verified reset: the pane shows the check, the reset uses it up.
      await action(page, `Reset password for ${tenant.user.email}`).click()
      await page.getByText(/Identity verified by you at/).waitFor()
      await shot('pane-verified')
      await press(page, 'Reset password')
      tenant.user.password = await readTemporaryPassword(page)
      await shot('verified-reset')

      // 3. The overridden reset: no check left, so the pane asks for one or for a reason.
      await page.goto(`${baseUrl}/admin/users/${tenant.user.id}/reset`)
      await page.getByText('This organisation requires a verified caller').waitFor()
      await press(page, 'Reset password')
      await page.getByText('Verify the caller’s identity first').waitFor()
      await shot('refused-without-check')
      await page.getByLabel('Reason to reset without verifying', { exact: true }).fill(REASON)
      await press(page, 'Reset password')
      tenant.user.password = await readTemporaryPassword(page)
      await shot('overridden-reset')
      await mailTo(approver.email, /skipped verifying/)
      await page.goto(`${baseUrl}/admin/users/${tenant.user.id}`)
      await page.getByText(`Not verified: you gave the reason “${REASON}”`).waitFor()
      await shot('user-page-override')

      // 4. A reset of an admin waits for a second global admin.
      const helpdesk = tenant.passwordAdmin
      await page.goto(`${baseUrl}/admin/users/${helpdesk.id}/reset`)
      await page
        .getByText('Resetting an admin needs the approval of another global admin.')
        .waitFor()
      expect(
        await page.getByRole('radio', { name: 'Let me create the password' }).isDisabled(),
      ).toBe(true)
      await shot('pane-admin-target')
      await page.getByLabel('Reason to reset without verifying', { exact: true }).fill(REASON)
      await press(page, 'Reset password')
      await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor()
      await shot('waiting-for-approval')
      await mailTo(approver.email, /Approve or deny it in oncepass under Approvals/)

      // The requester cannot approve it, in the screens or the API.
      await action(page, 'See the request').click()
      await page.getByRole('heading', { name: 'Approval request' }).waitFor()
      expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
      const approvalId = page.url().split('/').at(-1)!
      const self = await api(`approvals/${approvalId}/approve`, tenant.adminToken, {})
      expect(self.json.code).toBe('APPROVER_NOT_ELIGIBLE')
      await shot('request-as-requester')

      // 5. The second global admin sees it counted under Approvals, and approves.
      await signIn(second, baseUrl, approver.email, approver.password)
      await second.waitForURL(/\/admin\/users/)
      await second.getByRole('link', { name: 'Approvals 1 waiting' }).click()
      await second.getByRole('link', { name: `Request for ${helpdesk.email}` }).click()
      await second.getByRole('button', { name: 'Approve', exact: true }).waitFor()
      await screenshot(
        second,
        `helpdesk-journey-${String(++step).padStart(2, '0')}-request-as-approver`,
      )
      await press(second, 'Approve')
      await second.getByText('Approved. The admin who asked has been told').waitFor()
      expect(await second.content()).not.toMatch(/temporary-password/)
      await screenshot(second, `helpdesk-journey-${String(++step).padStart(2, '0')}-approved`)
      await mailTo(tenant.admin.email, /approved your request/)

      // 6. The requester shows the new password, once.
      await page.reload()
      await press(page, 'Show the new password')
      helpdesk.password = await readTemporaryPassword(page)
      await shot('approved-password-shown')
      await page.goto(`${baseUrl}/admin/users/${helpdesk.id}`)
      await page.getByText(/Approved by/).waitFor()
      await shot('user-page-approved')
    } finally {
      await Promise.all([page.context().close(), second.context().close()])
    }
  }, 180_000)
})

const LANGUAGES = { en: 'English', nl: 'Nederlands', da: 'Dansk', sv: 'Svenska' } as const
const SIZES = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const

/** The requests each language's screens show: one waiting, one approved, one denied. */
let requests: { waiting: string; approved: string; denied: string }
let openVerification: string

describe('every new screen, in every language, at desktop and phone sizes', () => {
  beforeAll(async () => {
    const { baseUrl } = server
    const desk2 = await createPerson(
      'password_admin',
      'desk2@example.com',
      'Desk Two',
      'cobalt ferry nutmeg 2280',
    )
    const desk3 = await createPerson(
      'password_admin',
      'desk3@example.com',
      'Desk Three',
      'violet harbour pepper 5530',
    )
    const ask = async (id: string) =>
      (
        await api(`users/${id}/password-reset`, tenant.adminToken, {
          mode: 'generate',
          overrideReason: REASON,
        })
      ).json.approvalId as string
    const approved = await ask(desk2.id)
    expect((await api(`approvals/${approved}/approve`, approver.token, {})).json.status).toBe(
      'approved',
    )
    const denied = await ask(desk3.id)
    await api(`approvals/${denied}/deny`, approver.token, {
      reason: 'Desk Three is on leave this week',
    })
    const waiting = await ask(tenant.passwordAdmin.id)
    requests = { waiting, approved, denied }
    const started = await api(`users/${tenant.user.id}/verifications`, tenant.adminToken, {
      method: 'email',
    })
    openVerification = started.json.verificationId as string
    expect(baseUrl).toBeTruthy()
  })

  for (const [lang, languageName] of Object.entries(LANGUAGES)) {
    it(`${lang}: axe finds no violations and every field has a label`, async () => {
      const { baseUrl } = server
      const problems: string[] = []
      for (const [size, viewport] of Object.entries(SIZES)) {
        // Test-only: the page's CSP would block the injected axe script.
        const requester = await openPage(browser, { bypassCSP: true, viewport })
        const decider = await openPage(browser, { bypassCSP: true, viewport })
        try {
          await signInWithLanguage(requester, languageName, tenant.admin)
          await signInWithLanguage(decider, languageName, approver)
          const audit = async (page: Page, screen: string, path: string) => {
            await page.goto(`${baseUrl}${path}`)
            problems.push(...(await auditScreen(page, `helpdesk-${lang}-${size}-${screen}`)))
          }
          await audit(requester, 'user-verify', `/admin/users/${tenant.user.id}`)
          await audit(
            requester,
            'code-page',
            `/admin/verifications/${openVerification}?next=/admin/users/${tenant.user.id}`,
          )
          await audit(requester, 'pane-guards', `/admin/users/${tenant.passwordAdmin.id}/reset`)
          await requester.locator('#override-reason').fill(REASON)
          await Promise.all([
            requester.waitForEvent('framenavigated'),
            requester.locator('form[action$="/reset"] button[type="submit"]').click(),
          ])
          problems.push(...(await auditScreen(requester, `helpdesk-${lang}-${size}-waiting`)))
          await audit(requester, 'request-own', `/admin/approvals/${requests.waiting}`)
          await audit(requester, 'request-approved', `/admin/approvals/${requests.approved}`)
          await audit(decider, 'approvals', '/admin/approvals')
          await audit(decider, 'request-decide', `/admin/approvals/${requests.waiting}`)
          await audit(decider, 'request-denied', `/admin/approvals/${requests.denied}`)
        } finally {
          await Promise.all([requester.context().close(), decider.context().close()])
        }
      }
      expect(problems.join('\n'), 'axe violations or unlabelled fields').toBe('')
    }, 240_000)
  }
})

/** Signs in (on the English form) and switches the language with the header's switch. */
async function signInWithLanguage(
  page: Page,
  languageName: string,
  person: { email: string; password: string },
) {
  await signIn(page, server.baseUrl, person.email, person.password)
  await page.waitForURL(/\/admin\/users/)
  if (languageName === 'English') return
  await unfoldMenu(page)
  await Promise.all([
    page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: languageName, exact: true }).click(),
  ])
  await page.locator('main').waitFor()
}

/** axe (WCAG 2 A and AA) and the label check on the screen as it is now, with its screenshot. */
async function auditScreen(page: Page, screen: string): Promise<string[]> {
  await page.locator('main').waitFor()
  await screenshot(page, screen)
  const [violations, unlabelled] = await Promise.all([runAxe(page), unlabelledFields(page)])
  axeResults.push({ screen, violations: violations.length, rules: violations.map((v) => v.id) })
  if (violations.length === 0 && unlabelled.length === 0) return []
  return [`${screen}:\n${describeViolations(violations)}\n${unlabelled.join('\n')}`]
}
