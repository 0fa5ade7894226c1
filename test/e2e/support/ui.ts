import type { Locator, Page, Response } from 'playwright-core'

// What a person does on the screens, by the controls' accessible names (English copy). Routes
// other than /sign-in and /admin/users are reached the way a person reaches them: by links.

/** A link or a button with exactly this accessible name. */
export function action(page: Page, name: string | RegExp): Locator {
  return page
    .getByRole('link', { name, exact: true })
    .or(page.getByRole('button', { name, exact: true }))
    .first()
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/** The forced-change screen is showing (after a sign-in with a temporary password). */
export async function waitForForcedChange(page: Page): Promise<Locator> {
  const field = page.getByLabel('New password', { exact: true })
  await field.waitFor()
  return field
}

/** Submits a new password on the forced-change screen; the response is the next page. */
export async function submitNewPassword(page: Page, password: string) {
  await (await waitForForcedChange(page)).fill(password)
  await Promise.all([
    page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Change password', exact: true }).click(),
  ])
}

/** The violations listed by the New password field after a refused change. */
export async function policyViolationText(page: Page): Promise<string> {
  const field = await waitForForcedChange(page)
  const described = await field.getAttribute('aria-describedby')
  const invalid = await field.getAttribute('aria-invalid')
  const ids = (described ?? '').split(/\s+/).filter(Boolean)
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()))
  return `${invalid === 'true' ? '[invalid] ' : ''}${texts.join(' | ')}`
}

/** Signs out with the Sign out button present on every signed-in page. */
export async function signOut(page: Page) {
  await Promise.all([
    page.waitForURL(/\/sign-in/),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ])
}

export async function openUsers(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/admin/users`)
  await page.getByRole('heading', { name: 'Users', exact: true }).waitFor()
}

/** Adds a user from the Users screen; the confirmation shows their first temporary password. */
export async function addUser(
  page: Page,
  baseUrl: string,
  user: { email: string; displayName: string; role?: 'user' | 'password_admin' | 'global_admin' },
): Promise<string> {
  await openUsers(page, baseUrl)
  await action(page, 'Add user').click()
  await page.getByLabel('Email', { exact: true }).fill(user.email)
  await page.getByLabel('Display name', { exact: true }).fill(user.displayName)
  if (user.role) await page.getByLabel('Role', { exact: true }).selectOption(user.role)
  await Promise.all([
    page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Add user', exact: true }).click(),
  ])
  return readTemporaryPassword(page)
}

/** The reset pane for one user, opened from the Users screen's row control. */
export async function openResetPane(page: Page, baseUrl: string, email: string) {
  await openUsers(page, baseUrl)
  await page
    .getByRole('link', { name: `Reset password for ${email}`, exact: true })
    .or(page.getByRole('button', { name: `Reset password for ${email}`, exact: true }))
    .click()
  await page.getByRole('radio', { name: 'Automatically create a password', exact: true }).waitFor()
}

/** Presses Reset password in the open pane; resolves with the confirmation's HTTP response. */
export async function submitReset(page: Page): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.request().isNavigationRequest(),
    ),
    page.getByRole('button', { name: 'Reset password', exact: true }).click(),
  ])
  await page.getByRole('heading', { name: 'Password has been reset', exact: true }).waitFor()
  return response
}

/** The password held by the element named "Temporary password" (an input or any element). */
export async function readTemporaryPassword(page: Page): Promise<string> {
  const element = page.getByLabel('Temporary password', { exact: true })
  await element.waitFor()
  const tag = await element.evaluate((el) => el.tagName)
  const text =
    tag === 'INPUT' || tag === 'TEXTAREA' ? await element.inputValue() : await element.innerText()
  return text.trim()
}

/** The whole page's markup and visible text, for "the password is nowhere on this page". */
export async function pageHolds(page: Page, secret: string): Promise<boolean> {
  await page.waitForLoadState()
  const [html, text] = await Promise.all([page.content(), page.locator('body').innerText()])
  return html.includes(secret) || text.includes(secret)
}
