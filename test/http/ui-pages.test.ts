import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'
import { formBrowser, formToken, temporaryPassword } from '../helpers/form-browser.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The browser surface through the same app: forms in, HTML out, cookie sessions on the API's
// session rows. Controls are looked up by the accessible names the outside browser tests use.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const ORIGIN = 'http://localhost'
const { newBrowser, open, submit, signInAs } = formBrowser(() => t.app)

describe('sign-in page', () => {
  it('sends a signed-out visitor from / to /sign-in, which has the named controls', async () => {
    const home = await open(newBrowser(), '/')
    expect(home.response.status).toBe(303)
    expect(home.response.headers.get('Location')).toBe('/sign-in')
    const { response, html } = await open(newBrowser(), '/sign-in')
    expect(response.status).toBe(200)
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<label for="email">Email</label>')
    expect(html).toContain('<label for="password">Password</label>')
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>Sign in<\/button>/)
    expect(html).toContain('<a href="/forgot-password">Forgot password?</a>')
    expect(html).toContain('<main id="main"')
    expect(html).toContain('Skip to content')
  })

  it('uses a CSP without inline scripts, no-store, and serves its own script and styles', async () => {
    const { response } = await open(newBrowser(), '/sign-in')
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const script = await t.app.request('/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('Content-Type')).toContain('javascript')
    const styles = await t.app.request('/assets/app.css')
    expect(await styles.text()).toContain('prefers-color-scheme: dark')
  })

  it('speaks the language Accept-Language asks for, and the switch overrides it', async () => {
    const dutch = await t.app.request('/sign-in', {
      headers: { 'Accept-Language': 'nl-NL,nl;q=0.9' },
    })
    expect(await dutch.text()).toContain('Wachtwoord vergeten?')
    const browser = newBrowser()
    const switched = await submit(browser, '/language', { lang: 'sv', next: '/sign-in' })
    expect(switched.response.headers.get('Location')).toBe('/sign-in')
    expect((await open(browser, '/sign-in')).html).toContain('Glömt lösenordet?')
    const offsite = await submit(browser, '/language', { lang: 'da', next: '//evil.example/' })
    expect(offsite.response.headers.get('Location')).toBe('/')
  })

  it('signs in with a form: an HttpOnly, SameSite=Strict session cookie, then the home page', async () => {
    const admin = await t.seedTenant()
    const browser = newBrowser()
    const { response } = await submit(browser, '/sign-in', {
      email: admin.email,
      password: admin.password,
    })
    expect(response.status).toBe(303)
    const cookie = response.headers.getSetCookie().find((line) => line.includes('oncepass_session'))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\//)
    // Plain-http loopback: browsers refuse Secure cookies there, so no Secure and no __Host-.
    expect(cookie).not.toMatch(/Secure/)
    expect((await open(browser, '/')).response.headers.get('Location')).toBe('/admin/users')
    const users = await open(browser, '/admin/users')
    expect(users.html).toMatch(/<button type="submit"[^>]*>Sign out<\/button>/)
  })

  it('uses Secure __Host- cookies when the public URL is https', async () => {
    const admin = await t.seedTenant()
    t.deps.publicUrl = 'https://id.example.test'
    t.deps.siteOrigins = ['https://id.example.test']
    const browser = newBrowser()
    const { response } = await submit(
      browser,
      '/sign-in',
      { email: admin.email, password: admin.password },
      { Origin: 'https://id.example.test' },
    )
    const cookie = response.headers.getSetCookie().find((line) => line.includes('oncepass_session'))
    expect(cookie).toMatch(/^__Host-oncepass_session=/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
  })

  it('says which sign-in failed in readable words, and locks exactly as the API does', async () => {
    const admin = await t.seedTenant()
    const browser = newBrowser()
    const wrong = await submit(browser, '/sign-in', { email: admin.email, password: 'wrong one' })
    expect(wrong.response.status).toBe(401)
    expect(wrong.html).toContain('The email or password is incorrect.')
    for (let i = 0; i < 5; i++) {
      await submit(browser, '/sign-in', { email: admin.email, password: `wrong one ${i}` })
    }
    const locked = await submit(browser, '/sign-in', {
      email: admin.email,
      password: admin.password,
    })
    expect(locked.response.status).toBe(429)
    expect(locked.response.headers.get('Retry-After')).toBeTruthy()
    expect(locked.html).toMatch(/Too many attempts\. Try again in \d+ (seconds|minutes?)\./)
  })

  it('refuses a form posted from another origin with a 403 page; the same origin works', async () => {
    const admin = await t.seedTenant()
    const fields = { email: admin.email, password: admin.password }
    const forged = await submit(newBrowser(), '/sign-in', fields, {
      Origin: 'https://evil.example',
    })
    expect(forged.response.status).toBe(403)
    expect(forged.response.headers.get('Content-Type')).toContain('text/html')
    expect(forged.html).toContain('sent from another site')
    const crossSite = await submit(newBrowser(), '/sign-in', fields, {
      Origin: ORIGIN,
      'Sec-Fetch-Site': 'cross-site',
    })
    expect(crossSite.response.status).toBe(403)
    const sameSite = await submit(newBrowser(), '/sign-in', fields, {
      'Sec-Fetch-Site': 'same-origin',
    })
    expect(sameSite.response.status).toBe(303)
  })
})

describe('forced change', () => {
  it('keeps the challenge in a cookie, lists each violation by the field, then signs in', async () => {
    const issued = await createTenantWithAdmin(t.deps, {
      name: 'Acme',
      adminEmail: 'ann@example.com',
    })
    const browser = newBrowser()
    const signIn = await submit(browser, '/sign-in', {
      email: 'ann@example.com',
      password: issued.temporaryPassword,
    })
    expect(signIn.response.headers.get('Location')).toBe('/change-password')
    expect(signIn.response.headers.get('Location')).not.toContain('challenge')
    const page = await open(browser, '/change-password')
    expect(page.html).toContain('<label for="new-password">New password</label>')
    expect(page.html).toContain('15 to 256 characters long')
    expect(page.html).toMatch(/<button[^>]*>Change password<\/button>/)

    const refused = await submit(browser, '/change-password', { newPassword: 'short' })
    expect(refused.response.status).toBe(422)
    expect(refused.html).toContain('aria-describedby="new-password-errors new-password-policy"')
    expect(refused.html).toContain('Use at least 15 characters.')
    const same = await submit(browser, '/change-password', {
      newPassword: issued.temporaryPassword,
    })
    expect(same.html).toContain('must differ from the temporary password')

    const done = await submit(browser, '/change-password', {
      newPassword: 'a brand new passphrase of mine',
    })
    expect(done.response.status).toBe(303)
    expect((await open(browser, '/admin/users')).response.status).toBe(200)
  })

  it('names an expired temporary password', async () => {
    const issued = await createTenantWithAdmin(t.deps, {
      name: 'Acme',
      adminEmail: 'ann@example.com',
    })
    t.clock.advance(25 * 60 * 60 * 1000)
    const result = await submit(newBrowser(), '/sign-in', {
      email: 'ann@example.com',
      password: issued.temporaryPassword,
    })
    expect(result.html).toContain('This temporary password has expired.')
  })
})

describe('admin console', () => {
  it('resets through the pane once: the password is shown, a resubmission shows none', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const list = await open(browser, '/admin/users')
    expect(list.html).toContain('aria-label="Reset password for bob@example.com"')
    expect(list.html).toMatch(/<a class="button primary" href="\/admin\/users\/new">Add user<\/a>/)

    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    for (const name of [
      'Automatically create a password',
      'Let me create the password',
      'Require this user to change their password when they first sign in',
    ]) {
      expect(pane.html).toContain(`>${name}</label>`)
    }
    // No mail transport here: shown on screen it is, without a choice that cannot be made.
    expect(pane.html).not.toContain('>Send a one-time link</label>')
    expect(pane.html).toMatch(
      /id="require-change"[^>]*checked[^>]*disabled|disabled[^>]*id="require-change"/,
    )
    const token = formToken(pane.html)
    expect(token.length).toBeGreaterThan(20)

    const fields = { formToken: token, mode: 'generate', delivery: 'display' }
    const confirmation = await submit(browser, `/admin/users/${user.id}/reset`, fields)
    expect(confirmation.response.status).toBe(200)
    expect(confirmation.html).toContain('<h1>Password has been reset</h1>')
    // Whose password it is: the name as well as the email.
    expect(confirmation.html).toContain('<p class="user-email">bob · bob@example.com</p>')
    expect(confirmation.html).toContain('will not be shown again')
    expect(confirmation.html).toMatch(/>Copy<\/button>/)
    expect(confirmation.html).toContain('<meta name="robots" content="noindex"/>')
    const password = temporaryPassword(confirmation.html)
    expect(password).toMatch(/^[A-Za-z0-9-]{16,}$/)
    const headers = confirmation.response.headers
    expect(headers.get('Cache-Control')).toBe('no-store')
    expect(headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(headers.get('X-Robots-Tag')).toBe('noindex')
    expect(new TextEncoder().encode(confirmation.html).length).toBeLessThanOrEqual(8 * 1024)

    const again = await submit(browser, `/admin/users/${user.id}/reset`, fields)
    expect(again.response.status).toBe(409)
    expect(again.html).toContain('already used to reset the password')
    expect(again.html).toContain(`href="/admin/users/${user.id}"`)
    expect(again.html).not.toContain(password)
    expect(temporaryPassword(again.html)).toBeUndefined()
    const resets = await t.rows<{ n: number }>(
      'select count(*) as n from password_resets where user_id = ?',
      user.id,
    )
    expect(resets[0]?.n).toBe(2) // the one from adding the user, and this one

    const detail = await open(browser, `/admin/users/${user.id}`)
    expect(detail.html).toContain('Pending: not used yet')
    expect(detail.html).not.toContain(password)
  })

  it('signs out a browser whose user was reset, on its very next page', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const bob = await signInAs(user.email, user.password)
    expect((await open(bob, '/account')).response.status).toBe(200)
    const reset = await t.post(
      `users/${user.id}/password-reset`,
      { mode: 'generate' },
      {
        token: admin.accessToken,
      },
    )
    expect(reset.status).toBe(201)
    const next = await open(bob, '/account')
    expect(next.response.status).toBe(303)
    expect(next.response.headers.get('Location')).toBe('/sign-in')
  })

  it('shows a password admin no Reset control for a global admin and refuses a forged post', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(helper.email, helper.password)
    const list = await open(browser, '/admin/users')
    expect(list.html).toContain('Reset password for bob@example.com')
    expect(list.html).not.toContain(`Reset password for ${admin.email}`)
    expect(list.html).not.toContain('Reset password for pat@example.com')
    expect(list.html).not.toContain('Add user')
    const forged = await submit(browser, `/admin/users/${admin.id}/reset`, {
      formToken: 'forged-token-1234567890',
      mode: 'generate',
      delivery: 'display',
    })
    expect(forged.response.status).toBe(403)
    expect(temporaryPassword(forged.html)).toBeUndefined()
  })

  it('adds a user and shows the first temporary password on the same kind of page', async () => {
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    const form = await open(browser, '/admin/users/new')
    expect(form.html).toContain('<label for="display-name">Display name</label>')
    const created = await submit(browser, '/admin/users', {
      email: 'new@example.com',
      displayName: 'New Person',
      role: 'user',
    })
    expect(created.response.headers.get('Cache-Control')).toBe('no-store')
    const password = temporaryPassword(created.html)
    expect(password).toBeTruthy()
    const twice = await submit(browser, '/admin/users', {
      email: 'new@example.com',
      displayName: 'New Person',
      role: 'user',
    })
    expect(twice.response.status).toBe(409)
    expect(twice.html).not.toContain(password!)
  })

  it('queues a forgot-password request, and a reset from the queue closes it', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const asked = await submit(newBrowser(), '/forgot-password', { email: 'bob@example.com' })
    const unknown = await submit(newBrowser(), '/forgot-password', { email: 'nobody@example.com' })
    await t.settled()
    expect(asked.html).toContain('If an account exists for this email')
    expect(unknown.html.replace(/name="next" value="[^"]*"/, '')).toBe(
      asked.html.replace(/name="next" value="[^"]*"/, ''),
    )
    const browser = await signInAs(admin.email, admin.password)
    const queue = await open(browser, '/admin/requests')
    expect(queue.html).toContain('Reset password for bob@example.com')
    const pane = await open(browser, `/admin/users/${user.id}/reset`)
    await submit(browser, `/admin/users/${user.id}/reset`, {
      formToken: formToken(pane.html),
      mode: 'generate',
    })
    expect((await open(browser, '/admin/requests')).html).toContain('No open requests.')
    const audit = await open(browser, `/admin/audit?email=${user.email}`)
    expect(audit.html).toContain('A password reset was asked for bob@example.com')
    // The event filter's option values are codes; nothing shown is.
    expect(audit.html.replace(/ value="[^"]*"/g, '')).not.toContain('password_reset_requested')
  })

  it('keeps users out of the console and gives unknown pages a readable 404', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(user.email, user.password)
    expect((await open(browser, '/')).response.headers.get('Location')).toBe('/account')
    expect((await open(browser, '/admin/users')).response.status).toBe(403)
    const missing = await open(browser, '/no-such-page')
    expect(missing.response.status).toBe(404)
    expect(missing.response.headers.get('Content-Type')).toContain('text/html')
    const api = await t.get('/api/v1/no-such-route')
    expect(api.headers.get('Content-Type')).toContain('application/problem+json')
  })
})

describe('account', () => {
  it('changes my password and signs out everywhere', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(user.email, user.password)
    const page = await open(browser, '/account')
    expect(page.html).toContain('<label for="current-password">Current password</label>')
    // The header's Sign out is the one button a search for that name finds, here too.
    const buttons = [...page.html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1])
    expect(buttons.filter((name) => /sign out/i.test(name!))).toEqual(['Sign out'])
    expect(buttons).toContain('End all sessions')
    const wrong = await submit(browser, '/account/password', {
      currentPassword: 'not it at all',
      newPassword: 'another long passphrase here',
    })
    expect(wrong.html).toContain('The current password is incorrect.')
    const changed = await submit(browser, '/account/password', {
      currentPassword: user.password,
      newPassword: 'another long passphrase here',
    })
    expect(changed.html).toContain('Your password has been changed.')
    expect((await open(browser, '/account')).response.status).toBe(200)
    const out = await submit(browser, '/account/sign-out-everywhere', {})
    expect(out.response.headers.get('Location')).toBe('/sign-in')
    expect((await t.get('me', user.accessToken)).status).toBe(401)
  })
})
