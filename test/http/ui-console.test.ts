import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formBrowser } from '../helpers/form-browser.ts'
import { enrollTotp } from '../helpers/mfa.ts'
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

describe("the user's page: sign-in and security", () => {
  const { submit } = formBrowser(() => t.app)

  it('blocks sign-in after a confirmation, says so, lists the user as blocked, then unblocks', async () => {
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const page = await open(browser, `/admin/users/${ann.id}`)
    const card = visible(page.html)
    expect(card).toContain('Sign-in and security Two-step verification Off Sign-in Allowed')
    expect(page.html).toContain(
      `href="/admin/users/${ann.id}/confirm/sign-out">Sign out of all sessions`,
    )
    expect(page.html).toContain(`href="/admin/users/${ann.id}/confirm/block">Block sign-in`)
    expect(page.html).not.toContain('Reset two-step verification')

    const confirm = await open(browser, `/admin/users/${ann.id}/confirm/block`)
    expect(confirm.html).toContain('<h1>Block sign-in?</h1>')
    expect(visible(confirm.html)).toContain('ann (ann@example.com) can no longer sign in')
    expect(confirm.html).toMatch(/<button type="submit"[^>]*>Block sign-in<\/button>/)
    const done = await submit(browser, `/admin/users/${ann.id}/block`, {})
    expect(done.response.status).toBe(303)
    const after = await open(browser, done.response.headers.get('Location')!)
    expect(visible(after.html)).toContain('Sign-in is blocked for ann (ann@example.com).')
    expect(after.html).toContain(`href="/admin/users/${ann.id}/confirm/unblock">Unblock sign-in`)
    expect(visible((await open(browser, '/admin/users')).html)).toContain(
      'ann@example.com Sign-in blocked',
    )
    const blocked = await open(browser, '/admin/users?blocked=true')
    expect(visible(blocked.html)).toContain('1 user found')

    // The user's own sign-in form says why, with the API's status.
    const tried = await submit(formBrowser(() => t.app).newBrowser(), '/sign-in', {
      email: ann.email,
      password: ann.password,
    })
    expect(tried.response.status).toBe(403)
    expect(tried.html).toContain('An administrator has blocked sign-in to this account.')

    await submit(browser, `/admin/users/${ann.id}/unblock`, {})
    expect(
      (await t.post('auth/sign-in', { email: ann.email, password: ann.password })).status,
    ).toBe(200)
  })

  it('signs a user out of all sessions and says how many, in words that do not read as a failure', async () => {
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const confirm = await open(browser, `/admin/users/${ann.id}/confirm/sign-out`)
    expect(confirm.html).toContain('<h1>Sign out of all sessions?</h1>')
    const first = await submit(browser, `/admin/users/${ann.id}/sign-out`, {})
    const said = visible((await open(browser, first.response.headers.get('Location')!)).html)
    expect(said).toContain('ann (ann@example.com) was signed out of 1 session.')
    const second = await submit(browser, `/admin/users/${ann.id}/sign-out`, {})
    const none = visible((await open(browser, second.response.headers.get('Location')!)).html)
    expect(none).toContain('ann (ann@example.com) had no open session: nothing needed to end.')
  })

  it('offers Reset two-step verification when it is on, and no action on whom the role may not touch', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await enrollTotp(t, ann.accessToken, ann.password)
    const browser = await signInAs(admin.email, admin.password)
    const page = await open(browser, `/admin/users/${ann.id}`)
    expect(visible(page.html)).toContain('Two-step verification On')
    expect(page.html).toContain(`href="/admin/users/${ann.id}/confirm/mfa-reset">Reset two-step`)
    const done = await submit(browser, `/admin/users/${ann.id}/mfa-reset`, {})
    const after = visible((await open(browser, done.response.headers.get('Location')!)).html)
    expect(after).toContain('Two-step verification of ann (ann@example.com) was reset.')
    expect(after).toContain('Two-step verification Off')

    const helperBrowser = await signInAs(helper.email, helper.password)
    const adminPage = await open(helperBrowser, `/admin/users/${admin.id}`)
    expect(adminPage.html).not.toContain('Block sign-in')
    expect(
      (await open(helperBrowser, `/admin/users/${admin.id}/confirm/block`)).response.status,
    ).toBe(403)
    const forged = await submit(helperBrowser, `/admin/users/${admin.id}/block`, {})
    expect(forged.response.status).toBe(403)
    expect(
      (await open(helperBrowser, `/admin/users/${ann.id}/confirm/nonsense`)).response.status,
    ).toBe(404)
  })
})
