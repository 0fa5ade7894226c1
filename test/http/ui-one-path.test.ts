import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formBrowser, temporaryPassword } from '../helpers/form-browser.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// A page and its API twin are two renderings of one use case: a refusal is decided, and audited,
// in the same place whichever surface asked, and bad input is a 4xx page with our headers.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { open, submit, signInAs, newBrowser } = formBrowser(() => t.app)

function resetForm(fields: Record<string, string> = {}) {
  return {
    formToken: `form-${crypto.randomUUID()}`,
    mode: 'generate',
    delivery: 'display',
    ...fields,
  }
}

async function deniedResets() {
  return t.rows<{ actor_id: string; target_id: string; reason: string }>(
    "select actor_id, target_id, reason from audit_events where event = 'password_reset_denied' order by at",
  )
}

/**
 * Four resets the role matrix refuses, each by a signed-in browser: a password admin on a global
 * admin, an admin on themself, on another tenant's user, and a plain user on anyone.
 */
async function refusedResetAttempts() {
  const admin = await t.seedTenant()
  const helper = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
  const plain = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
  const other = await t.seedTenant('Other')

  const asHelper = await signInAs(helper.email, helper.password)
  const asAdmin = await signInAs(admin.email, admin.password)
  const asUser = await signInAs(plain.email, plain.password)
  const attempts = [
    { browser: asHelper, target: admin.id, status: 403, reason: 'FORBIDDEN_ROLE' },
    { browser: asAdmin, target: admin.id, status: 403, reason: 'CANNOT_RESET_SELF' },
    { browser: asAdmin, target: other.id, status: 404, reason: 'NOT_FOUND' },
    { browser: asUser, target: helper.id, status: 403, reason: 'FORBIDDEN_ROLE' },
  ]
  return { asAdmin, plain, attempts }
}

describe('a reset refused from the form', () => {
  it('is audited with its reason, exactly as the same refusal through the API', async () => {
    const { attempts } = await refusedResetAttempts()
    for (const attempt of attempts) {
      const page = await submit(
        attempt.browser,
        `/admin/users/${attempt.target}/reset`,
        resetForm(),
      )
      expect(page.response.status).toBe(attempt.status)
      expect(page.response.headers.get('Content-Type')).toContain('text/html')
      expect(temporaryPassword(page.html)).toBeUndefined()
    }
    const rows = await deniedResets()
    expect(rows.map((row) => row.reason)).toEqual(attempts.map((attempt) => attempt.reason))
    expect(rows.map((row) => row.target_id)).toEqual(attempts.map((attempt) => attempt.target))
  })

  it('is refused and audited already when the pane is opened, as the posted form is', async () => {
    const { asAdmin, plain, attempts } = await refusedResetAttempts()
    for (const attempt of attempts) {
      const pane = await open(attempt.browser, `/admin/users/${attempt.target}/reset`)
      expect(pane.response.status).toBe(attempt.status)
      expect(pane.html).not.toContain('name="formToken"')
    }
    const rows = await deniedResets()
    expect(rows.map((row) => row.reason)).toEqual(attempts.map((attempt) => attempt.reason))
    expect(rows.map((row) => row.target_id)).toEqual(attempts.map((attempt) => attempt.target))
    // The same refusal posted within the window is the one already recorded: no second row.
    for (const attempt of attempts) {
      const page = await submit(
        attempt.browser,
        `/admin/users/${attempt.target}/reset`,
        resetForm(),
      )
      expect(page.response.status).toBe(attempt.status)
    }
    expect(await deniedResets()).toEqual(rows)
    // The plain user's refusal is the reset's, not a second kind of row for the same request.
    const accessDenied = await t.rows("select id from audit_events where event = 'access_denied'")
    expect(accessDenied).toEqual([])
    // An admin who may reset still gets the pane, and leaves no refusal.
    const allowed = await open(asAdmin, `/admin/users/${plain.id}/reset`)
    expect(allowed.response.status).toBe(200)
    expect(allowed.html).toContain('name="formToken"')
    expect(await deniedResets()).toEqual(rows)
  })

  it('takes recipients by the API rules: a display name around an address is refused', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const resetsBefore = await t.rows('select id from password_resets where user_id = ?', bob.id)
    for (const recipients of [
      'Helpdesk<attacker@evil.example>',
      '',
      'a@x.example b@x.example c@x.example d@x.example e@x.example f@x.example',
    ]) {
      const page = await submit(
        browser,
        `/admin/users/${bob.id}/reset`,
        resetForm({ delivery: 'link', recipients }),
      )
      expect(page.response.status).toBe(422)
      expect(page.html).toContain('Enter one to five valid email addresses')
    }
    const api = await t.post(
      `users/${bob.id}/password-reset`,
      {
        mode: 'generate',
        delivery: { method: 'link', recipients: ['Helpdesk<attacker@evil.example>'] },
      },
      { token: admin.accessToken },
    )
    expect(api.status).toBe(400)
    const resetsAfter = await t.rows('select id from password_resets where user_id = ?', bob.id)
    expect(resetsAfter).toEqual(resetsBefore)
  })
})

describe("a user page's action refused at its confirmation", () => {
  it('is refused and audited there as its post is, by the same use case', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com')
    const plain = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const other = await t.seedTenant('Other')
    const asHelper = await signInAs(helper.email, helper.password)
    const asAdmin = await signInAs(admin.email, admin.password)
    const asUser = await signInAs(plain.email, plain.password)
    const attempts = [
      { by: asHelper, target: admin.id, action: 'block', event: 'user_block_denied' },
      { by: asHelper, target: admin.id, action: 'mfa-reset', event: 'mfa_reset_denied' },
      { by: asHelper, target: admin.id, action: 'new-link', event: 'password_reset_denied' },
      { by: asAdmin, target: admin.id, action: 'sign-out', event: 'user_sign_out_denied' },
      { by: asAdmin, target: admin.id, action: 'mfa-reset', event: 'mfa_reset_denied' },
      { by: asAdmin, target: other.id, action: 'unblock', event: 'user_unblock_denied' },
      { by: asUser, target: helper.id, action: 'block', event: 'user_block_denied' },
    ].map((attempt, index) => ({
      ...attempt,
      ...[
        { status: 403, reason: 'FORBIDDEN_ROLE' },
        { status: 403, reason: 'FORBIDDEN_ROLE' },
        { status: 403, reason: 'FORBIDDEN_ROLE' },
        { status: 403, reason: 'CANNOT_MANAGE_SELF' },
        { status: 403, reason: 'CANNOT_RESET_SELF' },
        { status: 404, reason: 'NOT_FOUND' },
        { status: 403, reason: 'FORBIDDEN_ROLE' },
      ][index]!,
    }))
    const refusals = () =>
      t.rows<{ event: string; target_id: string; reason: string }>(
        `select event, target_id, reason from audit_events
         where outcome = 'denied' and event != 'authn_login_fail' order by at, rowid`,
      )
    for (const attempt of attempts) {
      const path = `/admin/users/${attempt.target}/confirm/${attempt.action}`
      const page = await open(attempt.by, path)
      expect(page.response.status, path).toBe(attempt.status)
      expect(page.html, path).not.toContain('name="formToken"')
    }
    const rows = await refusals()
    expect(rows).toEqual(
      attempts.map(({ event, target, reason }) => ({ event, target_id: target, reason })),
    )
    // Posting the same action within the window is the refusal already recorded: no new row.
    for (const attempt of attempts.filter((a) => a.action !== 'new-link')) {
      const path = `/admin/users/${attempt.target}/${attempt.action}`
      expect((await submit(attempt.by, path, {})).response.status, path).toBe(attempt.status)
    }
    expect(await refusals()).toEqual(rows)
  })
})

describe('bad input to a form', () => {
  it('is a 400 page with our headers: a broken multipart body, a field sent twice', async () => {
    for (const path of ['/sign-in', '/forgot-password', '/language']) {
      const response = await t.app.request(path, {
        method: 'POST',
        headers: {
          Origin: 'http://localhost',
          'Content-Type': 'multipart/form-data; boundary=----x',
        },
        body: '------x\r\nContent-Disposition: form-data; name="email"\r\n\r\nno end',
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
      expect(response.headers.get('Content-Type')).toContain('text/html')
    }
  })

  it('never sends a control character on to a Location header', async () => {
    for (const next of [
      '/\u0000',
      '/\u007f',
      '/a\r\nSet-Cookie: x=1',
      '/\\evil.example',
      '//evil.example',
    ]) {
      const page = await submit(newBrowser(), '/language', { lang: 'nl', next })
      expect(page.response.status).toBe(303)
      expect(page.response.headers.get('Location')).toBe('/')
    }
    const kept = await submit(newBrowser(), '/language', {
      lang: 'nl',
      next: '/admin/users?search=a',
    })
    expect(kept.response.headers.get('Location')).toBe('/admin/users?search=a')
  })
})

describe('pages that show a secret', () => {
  it('carry no-store, noindex and no-referrer: the TOTP setup and the recovery codes', async () => {
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    const setup = await submit(browser, '/account/two-step/start', {
      currentPassword: admin.password,
    })
    expect(setup.response.status).toBe(200)
    expect(setup.response.headers.get('X-Robots-Tag')).toBe('noindex')
    expect(setup.response.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(setup.response.headers.get('Cache-Control')).toBe('no-store')
    expect(setup.html).toContain('<meta name="robots" content="noindex"')
    expect((await open(browser, '/account/two-step')).response.headers.get('X-Robots-Tag')).toBe(
      'noindex',
    )
  })
})
