import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiReset, resetsIssued, signInOutcome } from './support/api.ts'
import { launchBrowser, openPage, screenshot } from './support/browser.ts'
import { type RunningServer, startForeignSite, startNodeServer } from './support/servers.ts'
import { seedTenant, type Tenant } from './support/tenant.ts'
import { openResetPane, openUsers, signIn } from './support/ui.ts'

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

/** A signed-in page for this person, at their home. */
async function signedIn(person: { email: string; password: string }): Promise<Page> {
  const page = await openPage(browser)
  await signIn(page, server.baseUrl, person.email, person.password)
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  return page
}

/** The reset pane's form as the server rendered it: where it posts and every field it sends. */
async function resetForm(page: Page) {
  const form = page.locator('form', {
    has: page.getByRole('button', { name: 'Reset password', exact: true }),
  })
  const action = await form.evaluate(
    (el) => new URL(el.getAttribute('action') ?? '', el.baseURI).href,
  )
  const fields = await form.evaluate((el) =>
    [...el.querySelectorAll('input, select, textarea')]
      .filter((field) => field.name && !field.disabled)
      .filter((field) => !/^(radio|checkbox)$/.test(field.type) || field.checked)
      .map((field) => [field.name, field.value]),
  )
  return { action, fields: fields as [string, string][] }
}

describe('the role matrix on screen', () => {
  it('a password admin sees no Reset for a global admin, and a forged post for one is refused', async () => {
    const { baseUrl } = server
    const page = await signedIn(tenant.passwordAdmin)
    try {
      await openUsers(page, baseUrl)
      const resetFor = (email: string) =>
        page
          .getByRole('link', { name: `Reset password for ${email}`, exact: true })
          .or(page.getByRole('button', { name: `Reset password for ${email}`, exact: true }))
      await resetFor(tenant.user.email).waitFor()
      await page.getByText(tenant.admin.email).first().waitFor()
      expect(await resetFor(tenant.admin.email).count()).toBe(0)
      await screenshot(page, 'users-as-password-admin')

      // The pane for a user the password admin may reset, re-aimed at the global admin.
      await openResetPane(page, baseUrl, tenant.user.email)
      const form = await resetForm(page)
      const paneUrl = page.url()
      expect(paneUrl).toContain(tenant.user.id)
      const pane = await page.goto(paneUrl.replaceAll(tenant.user.id, tenant.admin.id))
      expect(pane?.status()).toBe(403)
      expect(await page.getByRole('button', { name: 'Reset password', exact: true }).count()).toBe(
        0,
      )

      await page.goto(paneUrl)
      await page
        .locator('form', { has: page.getByRole('button', { name: 'Reset password', exact: true }) })
        .evaluate(
          (el, [from, to]) => {
            el.setAttribute('action', (el.getAttribute('action') ?? '').replaceAll(from!, to!))
            for (const input of el.querySelectorAll('input'))
              input.value = input.value.replaceAll(from!, to!)
          },
          [tenant.user.id, tenant.admin.id],
        )
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Reset password', exact: true }).click(),
      ])
      expect(JSON.stringify(form)).toContain(tenant.user.id)
      expect(response.status()).toBe(403)
      expect(await page.getByRole('heading', { name: 'Password has been reset' }).count()).toBe(0)
      expect(await resetsIssued(baseUrl, tenant.adminToken, tenant.admin.id)).toBe(0)
      expect(await signInOutcome(baseUrl, tenant.admin.email, tenant.admin.password)).toBe(
        'signed_in',
      )
    } finally {
      await page.context().close()
    }
  })
})

describe('cross-site and stale sessions', () => {
  it('a reset form posted from another origin fails, with a valid cookie and form fields', async () => {
    const { baseUrl } = server
    const page = await signedIn(tenant.admin)
    const before = await resetsIssued(baseUrl, tenant.adminToken, tenant.user.id)
    await openResetPane(page, baseUrl, tenant.user.email)
    const form = await resetForm(page)
    const inputs = form.fields
      .map(
        ([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`,
      )
      .join('')
    const foreign = await startForeignSite(
      `<!doctype html><title>Win a prize</title><form id="f" method="post" action="${escape(form.action)}">${inputs}</form>` +
        `<script>document.getElementById('f').submit()</script>`,
    )
    try {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === form.action),
        page.goto(foreign.url),
      ])
      expect(response.status()).toBe(403)
      expect(await page.getByRole('heading', { name: 'Password has been reset' }).count()).toBe(0)
      expect(await resetsIssued(baseUrl, tenant.adminToken, tenant.user.id)).toBe(before)
      expect(await signInOutcome(baseUrl, tenant.user.email, tenant.user.password)).toBe(
        'signed_in',
      )
    } finally {
      await foreign.close()
      await page.context().close()
    }
  })

  it("after a reset, a page opened with the user's old cookie is signed out", async () => {
    const { baseUrl } = server
    const page = await signedIn(tenant.user)
    const cookies = await page.context().cookies()
    try {
      await page.goto(`${baseUrl}/account`)
      await page.getByRole('button', { name: 'Sign out' }).waitFor()

      tenant.user.password = await apiReset(baseUrl, tenant.adminToken, tenant.user.id)

      await page.goto(`${baseUrl}/account`)
      await page.waitForURL(/\/sign-in/)
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)

      // The same cookie carried into a fresh browser fares no better.
      const other = await openPage(browser)
      await other.context().addCookies(cookies)
      await other.goto(`${baseUrl}/account`)
      await other.waitForURL(/\/sign-in/)
      await other.context().close()
    } finally {
      await page.context().close()
    }
  })
})

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
