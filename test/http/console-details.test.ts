import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usersBackQuery } from '../../src/http/pages/view-models.ts'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'
import { copyFor } from '../../src/ui/copy.ts'
import { formBrowser, formToken } from '../helpers/form-browser.ts'
import { enrollTotp } from '../helpers/mfa.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The smaller things people notice in the console: a word after the forced change, the way back
// to the list as it was left, the common-password rule's usual shapes, the two-step page's names.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { newBrowser, open, submit, signInAs } = formBrowser(() => t.app)

const en = copyFor('en')

describe('after the forced change', () => {
  it('says once that the new password is set', async () => {
    const issued = await createTenantWithAdmin(t.deps, { name: 'Acme', adminEmail: 'ann@x.test' })
    const browser = newBrowser()
    await submit(browser, '/sign-in', { email: 'ann@x.test', password: issued.temporaryPassword })
    // A refused password says nothing of the kind.
    const refused = await submit(browser, '/change-password', { newPassword: 'password1234567' })
    expect(refused.response.status).toBe(422)
    expect(refused.html).not.toContain(en.passwordSetFlash)

    const done = await submit(browser, '/change-password', {
      newPassword: 'violet kettle drums under nine moons',
    })
    expect(done.response.status).toBe(303)
    const home = await open(browser, done.response.headers.get('Location')!)
    const landing = await open(browser, home.response.headers.get('Location')!)
    expect(landing.response.status).toBe(200)
    expect(landing.html).toContain(
      `<div class="notice success" role="status">${en.passwordSetFlash}`,
    )
    const again = await open(browser, '/admin/users')
    expect(again.html).not.toContain(en.passwordSetFlash)
  })

  it('in the language of the page', async () => {
    const issued = await createTenantWithAdmin(t.deps, { name: 'Acme', adminEmail: 'ann@x.test' })
    const browser = newBrowser()
    browser.cookies.set('oncepass_lang', 'nl')
    await submit(browser, '/sign-in', { email: 'ann@x.test', password: issued.temporaryPassword })
    await submit(browser, '/change-password', {
      newPassword: 'violet kettle drums under nine moons',
    })
    const users = await open(browser, '/admin/users')
    expect(users.html).toContain(copyFor('nl').passwordSetFlash)
  })
})

describe('the common-password rule', () => {
  it('refuses a common word padded to length, and takes a long random passphrase', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const change = (newPassword: string) =>
      t.post(
        'me/password',
        { currentPassword: bob.password, newPassword },
        { token: bob.accessToken },
      )
    for (const shape of ['password1234567', 'Sunshine2024!!!!!', 'letmeinletmeinletmein']) {
      const refused = await change(shape)
      expect(refused.status, shape).toBe(422)
      expect(refused.json.violations.map((v: { code: string }) => v.code)).toContain(
        'COMMON_PASSWORD',
      )
    }
    // Nothing changed: the old password still signs in.
    const still = await t.post('auth/sign-in', { email: bob.email, password: bob.password })
    expect(still.json.status).toBe('signed_in')
    expect((await change('tulip 7 radiator canyon whisper')).status).toBe(204)
  })
})

describe('Back to users', () => {
  it('keeps only the list’s own parameters, re-encoded, so it leads nowhere else', () => {
    expect(usersBackQuery('search=åsa&role=user&sort=name&cursor=abc')).toBe(
      'search=%C3%A5sa&sort=name&role=user&cursor=abc',
    )
    expect(usersBackQuery('next=https://evil.example&search=bob')).toBe('search=bob')
    expect(usersBackQuery('https://evil.example')).toBeUndefined()
    expect(usersBackQuery('//evil.example/?x=1')).toBeUndefined()
    expect(usersBackQuery('')).toBeUndefined()
    expect(usersBackQuery(undefined)).toBeUndefined()
  })

  it('returns to the search and filters the admin left, from the user’s page and the reset', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const browser = await signInAs(admin.email, admin.password)
    const list = await open(browser, '/admin/users?search=bob&role=user')
    const back = encodeURIComponent('search=bob&role=user')
    expect(list.html).toContain(`href="/admin/users/${bob.id}?back=${back}"`)
    expect(list.html).toContain(`href="/admin/users/${bob.id}/reset?back=${back}"`)

    const detail = await open(browser, `/admin/users/${bob.id}?back=${back}`)
    expect(detail.html).toContain(
      '<a href="/admin/users?search=bob&amp;role=user">Back to users</a>',
    )
    const pane = await open(browser, `/admin/users/${bob.id}/reset?back=${back}`)
    expect(pane.html).toContain(
      '<input type="hidden" name="back" value="search=bob&amp;role=user"/>',
    )
    const done = await submit(browser, `/admin/users/${bob.id}/reset`, {
      formToken: formToken(pane.html),
      mode: 'generate',
      back: 'search=bob&role=user',
    })
    expect(done.response.status).toBe(200)
    expect(done.html).toContain('<a href="/admin/users?search=bob&amp;role=user">Back to users</a>')

    // A back that is not the list's: the plain list, never another address.
    const elsewhere = encodeURIComponent('https://evil.example/')
    const forged = await open(browser, `/admin/users/${bob.id}?back=${elsewhere}`)
    expect(forged.html).toContain('<a href="/admin/users">Back to users</a>')
    expect(forged.html).not.toContain('evil.example')
  })
})

describe('the two-step page when it is on', () => {
  it('has one title, a heading for each form and a label for each code field', async () => {
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    await enrollTotp(t, admin.accessToken, admin.password)
    const page = await open(browser, '/account/two-step')
    const headings = [...page.html.matchAll(/<h([12])[^>]*>([^<]+)<\/h\1>/g)].map((m) => m[2])
    expect(headings).toEqual([en.twoStepTitle, en.verifyAgain, en.turnOffTwoStep])
    const labels = [...page.html.matchAll(/<label for="[^"]*code">([^<]+)<\/label>/g)].map(
      (m) => m[1],
    )
    expect(labels).toEqual([en.verificationCode, en.codeToTurnOff])
  })
})
