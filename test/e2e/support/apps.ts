import type { Page } from 'playwright-core'
import type { Copy } from '../../../src/ui/copy.ts'
import { unfoldMenu } from './browser.ts'
import { action } from './ui.ts'

// The Applications screens as an admin uses them, in any of the four languages: every control is
// found by its accessible name in that language's copy (English names are the contract).

/** Signs in on a page in any language: the fields by their ids, the form's one button. */
export async function signInAnyLanguage(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
) {
  await page.goto(`${baseUrl}/sign-in`)
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  await Promise.all([
    page.waitForURL(/\/admin\/users/),
    page.locator('main form button[type="submit"]').click(),
  ])
}

/** Applications, reached from the menu. */
export async function openApplications(page: Page, t: Copy) {
  await unfoldMenu(page)
  await page.getByRole('navigation').getByRole('link', { name: t.navApps, exact: true }).click()
  await page.getByRole('heading', { name: t.apps.title, exact: true }).waitFor()
}

/** Add application, from the list. */
export async function openAddApplication(page: Page, t: Copy) {
  await action(page, t.apps.add).click()
  await page.getByLabel(t.apps.name, { exact: true }).waitFor()
}

/** Fills in the open Add application form and sends it; resolves on the answer's heading. */
export async function submitApplication(
  page: Page,
  t: Copy,
  app: { name: string; redirectUris: string[]; web: boolean },
) {
  await page.getByLabel(t.apps.name, { exact: true }).fill(app.name)
  const type = app.web ? t.apps.confidential : t.apps.public
  await page.getByRole('radio', { name: type, exact: true }).check()
  await page.getByLabel(t.apps.redirectUris, { exact: true }).fill(app.redirectUris.join('\n'))
  await Promise.all([
    page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: t.apps.add, exact: true }).click(),
  ])
  await page.getByRole('heading', { name: t.apps.addedTitle, exact: true }).waitFor()
}

/** The text of the element named `name` (the client ID, the client secret). */
export async function readNamed(page: Page, name: string): Promise<string> {
  const element = page.getByLabel(name, { exact: true })
  await element.waitFor()
  return (await element.innerText()).trim()
}

/** Whether the page is wider than the window (a phone would scroll sideways). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth > window.innerWidth',
  ) as Promise<boolean>
}
