import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formBrowser } from '../helpers/form-browser.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The admin console as a helpdesk admin uses it: finding people, reading the audit log, and the
// actions on a user's page. Controls are found by the names the browser suite uses.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { open, signInAs } = formBrowser(() => t.app)

type Admin = Awaited<ReturnType<TestApp['seedTenant']>>

async function addUsers(admin: Admin, users: [string, string, string?][]) {
  for (const [email, displayName, role = 'user'] of users) {
    const created = await t.post(
      'users',
      { email, displayName, role },
      { token: admin.accessToken },
    )
    expect(created.status, created.text).toBe(201)
  }
}

/** The page's text as a person reads it: tags gone, spaces collapsed. */
const visible = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

describe('the Users page', () => {
  it('counts the users, pages back and forth, and keeps the search and filters on each link', async () => {
    const admin = await t.seedTenant()
    await addUsers(
      admin,
      Array.from({ length: 27 }, (_, i): [string, string] => [
        `person${String(i).padStart(2, '0')}@example.com`,
        `Person ${i}`,
      ]),
    )
    const browser = await signInAs(admin.email, admin.password)
    const first = await open(browser, '/admin/users')
    expect(visible(first.html)).toContain('28 users')
    expect(first.html).not.toContain('Previous page')
    const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(first.html)?.[1]
    expect(next).toBeDefined()
    const second = await open(browser, next!.replaceAll('&amp;', '&'))
    expect(second.html).toMatch(/rel="prev">Previous page<\/a>/)
    expect(second.html).toContain('First page')

    const narrowed = await open(browser, '/admin/users?search=person&mustChange=true&sort=name')
    expect(visible(narrowed.html)).toContain('27 users found')
    expect(narrowed.html).toContain('<option value="true" selected="">Must change at next sign-in')
    expect(narrowed.html).toContain('<option value="name" selected="">Name</option>')
    const onward = /<a href="([^"]+)" rel="next">/.exec(narrowed.html)?.[1] ?? ''
    expect(onward).toContain('search=person')
    expect(onward).toContain('mustChange=true')
    expect(onward).toContain('sort=name')
  })

  it('says why a row has no Reset password: your own account, or a role you may not reset', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    await addUsers(admin, [['member@example.com', 'Member']])
    const browser = await signInAs(helper.email, helper.password)
    const text = visible((await open(browser, '/admin/users')).html)
    expect(text).toContain('Only a global admin can reset this password')
    expect(text).toContain('Your own account: change your password under Account')
    expect(text).toContain('Reset password')
  })

  it('refuses a search with a NUL as a 400 page, not an error', async () => {
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    const { response } = await open(browser, '/admin/users?search=a%00b')
    expect(response.status).toBe(400)
  })
})
