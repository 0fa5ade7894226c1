import type { Browser } from 'playwright-core'
import { expect } from 'vitest'
import { apiToken, findUser, resetsIssued, signInOutcome } from './api.ts'
import { openPage, screenshot } from './browser.ts'
import type { RunningServer } from './servers.ts'
import {
  addUser,
  openResetPane,
  openUsers,
  pageHolds,
  policyViolationText,
  readTemporaryPassword,
  signIn,
  signOut,
  submitNewPassword,
  submitReset,
  waitForForcedChange,
} from './ui.ts'

export const ADMIN_PASSWORD = 'quiet harbour lantern 4821'
export const USER_PASSWORD = 'copper meadow violin 7730'

/**
 * The whole journey on one server: the bootstrap admin signs in with the printed password, is made
 * to change it (a too-short password refused first), adds a user, resets them, reads the password
 * once; Back and refresh show it nowhere and reset nothing; the user signs in with it, changes it,
 * and lands at home.
 */
export async function runWholeJourney(browser: Browser, server: RunningServer, label: string) {
  const { baseUrl, admin } = server
  const page = await openPage(browser)
  try {
    await page.goto(baseUrl)
    await page.waitForURL(/\/sign-in/)
    await signIn(page, baseUrl, admin.email, admin.temporaryPassword)
    await waitForForcedChange(page)

    await submitNewPassword(page, 'too short')
    expect(await policyViolationText(page)).toMatch(/^\[invalid\].*at least 15 characters/s)
    await screenshot(page, `${label}-forced-change-violation`)
    await submitNewPassword(page, ADMIN_PASSWORD)
    await page.waitForURL(/\/admin\/users/)

    const email = `journey.${label}@example.com`
    const first = await addUser(page, baseUrl, { email, displayName: 'Journey User' })
    expect(first.length).toBeGreaterThanOrEqual(16)

    await openResetPane(page, baseUrl, email)
    const response = await submitReset(page)
    expect(response.headers()['cache-control']).toContain('no-store')
    const password = await readTemporaryPassword(page)
    expect(password.length).toBeGreaterThanOrEqual(16)
    expect(password).not.toBe(first)
    expect(await page.locator('main').innerText()).toContain(email)
    expect(await page.locator('body').innerText()).toMatch(/will not be shown again/)

    // Refresh resubmits the form: the page says so, and neither shows the password nor resets again.
    const resubmitted = await page.reload()
    expect(resubmitted?.request().method()).toBe('POST')
    await page.getByRole('heading', { name: 'This reset was already done' }).waitFor()
    expect(await pageHolds(page, password)).toBe(false)
    await page.goBack()
    expect(await pageHolds(page, password)).toBe(false)

    const token = await apiToken(baseUrl, admin.email, ADMIN_PASSWORD)
    const user = await findUser(baseUrl, token, email)
    expect(await resetsIssued(baseUrl, token, user.id)).toBe(1)
    expect(user.passwordState.mustChange).toBe(true)

    await openUsers(page, baseUrl)
    await signOut(page)

    await signIn(page, baseUrl, email, password)
    await waitForForcedChange(page)
    await submitNewPassword(page, USER_PASSWORD)
    await page.waitForURL(/\/account/)
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    expect(await signInOutcome(baseUrl, email, USER_PASSWORD)).toBe('signed_in')
  } finally {
    await page.context().close()
  }
}
