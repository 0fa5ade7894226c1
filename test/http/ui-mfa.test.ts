import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { totpCode } from '../helpers/mfa.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Two-step verification in the browser: Account → Two-step verification, then the step after
// the password at sign-in. Controls are found by their accessible names.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

type Browser = Map<string, string>

function remember(browser: Browser, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=')
    if (value === '' || /max-age=0/i.test(line)) browser.delete(name)
    else browser.set(name, value)
  }
}

const cookie = (browser: Browser) => [...browser].map(([n, v]) => `${n}=${v}`).join('; ')

async function open(browser: Browser, path: string) {
  const response = await t.app.request(path, { headers: { Cookie: cookie(browser) } })
  remember(browser, response)
  return { response, html: await response.text() }
}

async function submit(browser: Browser, path: string, fields: Record<string, string> = {}) {
  const response = await t.app.request(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: cookie(browser),
      Origin: 'http://localhost',
    },
    body: new URLSearchParams(fields).toString(),
  })
  remember(browser, response)
  return { response, html: await response.text() }
}

const shownSecret = (html: string) =>
  /<code id="totp-secret"[^>]*>([A-Z2-7]+)<\/code>/.exec(html)?.[1]

describe('two-step verification in the browser', () => {
  it('sets it up from the account page, then asks for a code after the password', async () => {
    const admin = await t.seedTenant()
    const browser: Browser = new Map()
    await submit(browser, '/sign-in', { email: admin.email, password: admin.password })

    const account = await open(browser, '/account')
    expect(account.html).toContain('<a href="/account/two-step">Two-step verification</a>')
    const page = await open(browser, '/account/two-step')
    expect(page.html).toContain('Two-step verification is off.')
    expect(page.html).toContain('Set up two-step verification</button>')

    const setup = await submit(browser, '/account/two-step/start', {
      currentPassword: admin.password,
    })
    expect(setup.response.headers.get('cache-control')).toBe('no-store')
    expect(setup.html).toMatch(/role="img" aria-label="QR code"[^>]*><svg/)
    const secret = shownSecret(setup.html)!
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(setup.html).toContain('<label for="code">Verification code</label>')

    // A mistyped code keeps the same setup on screen.
    const wrong = await submit(browser, '/account/two-step/confirm', { code: '000000' })
    expect(wrong.response.status).toBe(401)
    expect(wrong.html).toContain('This code is not valid.')
    expect(shownSecret(wrong.html)).toBe(secret)

    const done = await submit(browser, '/account/two-step/confirm', {
      code: totpCode(secret, t.clock.now()),
    })
    expect(done.response.status).toBe(200)
    expect(done.html).toContain('Two-step verification is on.')
    const codes = /<pre id="recovery-codes" aria-label="Recovery codes">([^<]+)<\/pre>/
      .exec(done.html)![1]!
      .trim()
      .split('\n')
    expect(codes).toHaveLength(10)
    expect(done.html).toContain('data-copy="recovery-codes"')
    expect(done.html).toMatch(/<a download="oncepass-recovery-codes.txt" href="data:text\/plain/)
    expect((await open(browser, '/account/two-step')).html).not.toContain(codes[0]!)

    // Signing in again: the password leads to the code step, not a session.
    t.clock.advance(30_000)
    const second: Browser = new Map()
    const signIn = await submit(second, '/sign-in', {
      email: admin.email,
      password: admin.password,
    })
    expect(signIn.response.status).toBe(303)
    expect(signIn.response.headers.get('Location')).toBe('/verify')
    expect([...second.keys()].some((name) => name.includes('session'))).toBe(false)
    const step = await open(second, '/verify')
    expect(step.html).toContain('<label for="code">Verification code</label>')
    expect(step.html).toMatch(/<button type="submit" class="primary">\s*Verify\s*<\/button>/)
    const bad = await submit(second, '/verify', { code: '000000' })
    expect(bad.response.status).toBe(401)
    expect(bad.html).toContain('This code is not valid.')
    const good = await submit(second, '/verify', { code: totpCode(secret, t.clock.now()) })
    expect(good.response.status).toBe(303)
    expect(good.response.headers.get('Location')).toBe('/')
    expect((await open(second, '/account')).response.status).toBe(200)

    // A recovery code works in the same field, once.
    t.clock.advance(30_000)
    const third: Browser = new Map()
    await submit(third, '/sign-in', { email: admin.email, password: admin.password })
    const recovered = await submit(third, '/verify', { code: codes[0]! })
    expect(recovered.response.headers.get('Location')).toBe('/')

    // Turning it off needs the password and a current code.
    t.clock.advance(30_000)
    const off = await submit(browser, '/account/two-step/disable', {
      currentPassword: admin.password,
      code: totpCode(secret, t.clock.now()),
    })
    expect(off.response.status).toBe(303)
    expect((await open(browser, '/account/two-step')).html).toContain(
      'Two-step verification is off.',
    )
  })
})

describe('setting it up needs the current password', () => {
  it('asks for it on the start form; a wrong or missing one shows no key and says why', async () => {
    const admin = await t.seedTenant()
    const browser: Browser = new Map()
    await submit(browser, '/sign-in', { email: admin.email, password: admin.password })
    const page = await open(browser, '/account/two-step')
    const startForm =
      /<form method="post" action="\/account\/two-step\/start">[\s\S]*?<\/form>/.exec(page.html)![0]
    expect(startForm).toContain('<label for="enroll-password">Current password</label>')
    expect(startForm).toMatch(
      /<input[^>]*name="currentPassword"[^>]*type="password"|<input[^>]*type="password"[^>]*name="currentPassword"/,
    )

    const missing = await submit(browser, '/account/two-step/start')
    expect(missing.response.status).toBe(400)
    expect(shownSecret(missing.html)).toBeUndefined()

    const wrong = await submit(browser, '/account/two-step/start', {
      currentPassword: 'not the password',
    })
    expect(wrong.response.status).toBe(401)
    expect(wrong.html).toContain('The current password is incorrect.')
    expect(shownSecret(wrong.html)).toBeUndefined()
    expect(wrong.html).toContain('Two-step verification is off.')
    const failures = await t.rows<{ reason: string }>(
      "select reason from audit_events where event = 'authn_mfa_fail' and target_id = ?",
      admin.id,
    )
    expect(failures).toEqual([{ reason: 'INVALID_CURRENT_PASSWORD' }])

    const setup = await submit(browser, '/account/two-step/start', {
      currentPassword: admin.password,
    })
    expect(setup.response.status).toBe(200)
    expect(shownSecret(setup.html)).toMatch(/^[A-Z2-7]{32}$/)
  })
})

describe('admin step-up in the browser (ONCEPASS_REQUIRE_ADMIN_MFA)', () => {
  it('says what to do, links to the two-step page, and a fresh code lets the reset through', async () => {
    await t.close()
    t = await createTestApp()
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    // The operator turns the setting on for a tenant that has users (a restart with it set).
    t.deps.settings.requireAdminMfa = true
    const browser: Browser = new Map()
    await submit(browser, '/sign-in', { email: admin.email, password: admin.password })
    const reset = async () => {
      const pane = await open(browser, `/admin/users/${user.id}/reset`)
      const formToken = /name="formToken" value="([^"]+)"/.exec(pane.html)?.[1] ?? ''
      return submit(browser, `/admin/users/${user.id}/reset`, {
        formToken,
        mode: 'generate',
        delivery: 'display',
      })
    }

    const refused = await reset()
    expect(refused.response.status).toBe(403)
    expect(refused.html).toContain('Set up two-step verification on your account before you reset')
    expect(refused.html).toContain('href="/account/two-step"')
    const addForm = { email: 'new@example.com', displayName: 'New', role: 'user' }
    const refusedAdd = await submit(browser, '/admin/users', addForm)
    expect(refusedAdd.response.status).toBe(403)
    expect(refusedAdd.html).toContain('before you reset a password or add a user')

    const setup = await submit(browser, '/account/two-step/start', {
      currentPassword: admin.password,
    })
    const secret = shownSecret(setup.html)!
    await submit(browser, '/account/two-step/confirm', { code: totpCode(secret, t.clock.now()) })
    expect((await reset()).html).toContain('<h1>Password has been reset</h1>')

    t.clock.advance(16 * 60_000)
    const stale = await reset()
    expect(stale.response.status).toBe(403)
    expect(stale.html).toContain('Verify with your authenticator app again')
    const verified = await submit(browser, '/account/two-step/verify', {
      code: totpCode(secret, t.clock.now()),
    })
    expect(verified.html).toContain('Verified.')
    expect((await reset()).html).toContain('<h1>Password has been reset</h1>')
  })
})

describe('a setup waiting for its first code belongs to the session that started it', () => {
  it('is shown and confirmed there only; another session that starts one gets a fresh key', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const first: Browser = new Map()
    const second: Browser = new Map()
    for (const browser of [first, second]) {
      await submit(browser, '/sign-in', { email: user.email, password: user.password })
    }
    const started = await submit(first, '/account/two-step/start', {
      currentPassword: user.password,
    })
    const secret = shownSecret(started.html)!
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)

    // Reloaded in the session that started it, the setup is still there, with its key.
    expect(shownSecret((await open(first, '/account/two-step')).html)).toBe(secret)
    // Another session of the same user (a stolen cookie, an API token) is shown no key, and
    // cannot confirm the setup with a code made from it.
    const other = await open(second, '/account/two-step')
    expect(shownSecret(other.html)).toBeUndefined()
    expect(other.html).toContain('Two-step verification is off.')
    const code = totpCode(secret, t.clock.now())
    const confirmedElsewhere = await t.post(
      'me/mfa/totp/confirm',
      { code },
      { token: user.accessToken },
    )
    expect(confirmedElsewhere.status).toBe(409)
    expect(confirmedElsewhere.json.code).toBe('MFA_ENROLLMENT_NOT_PENDING')
    const pageConfirm = await submit(second, '/account/two-step/confirm', { code })
    expect(shownSecret(pageConfirm.html)).toBeUndefined()
    expect((await t.get('me', user.accessToken)).json.mfa).toEqual({ totp: false })

    // The other session starts its own (with the password): a fresh key, which replaces the
    // first one; the first session's page no longer shows or takes the old key.
    const restarted = await submit(second, '/account/two-step/start', {
      currentPassword: user.password,
    })
    const fresh = shownSecret(restarted.html)!
    expect(fresh).toMatch(/^[A-Z2-7]{32}$/)
    expect(fresh).not.toBe(secret)
    expect(shownSecret((await open(first, '/account/two-step')).html)).toBeUndefined()
    const stale = await submit(first, '/account/two-step/confirm', {
      code: totpCode(secret, t.clock.now()),
    })
    expect(stale.response.status).toBe(409)
    expect(stale.html).not.toContain('Recovery codes')
    expect((await t.get('me', user.accessToken)).json.mfa).toEqual({ totp: false })

    // The session that started the setup confirms it.
    const confirmed = await submit(second, '/account/two-step/confirm', {
      code: totpCode(fresh, t.clock.now()),
    })
    expect(confirmed.response.status).toBe(200)
    expect(confirmed.html).toContain('Recovery codes')
    expect((await t.get('me', user.accessToken)).json.mfa).toEqual({ totp: true })
  })
})
