import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formBrowser, formToken } from '../helpers/form-browser.ts'
import { oidc, relyingParty } from '../helpers/oidc.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Applications in the browser: forms in, HTML out, on the same use cases as the API. Controls are
// found by the names the specification gives them.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { open, submit, signInAs } = formBrowser(() => t.app)
const CALLBACK = 'https://timesheets.example.test/callback'

/** The text of the element with this id (an output, a code), if the page has one. */
function textOf(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]+)<`).exec(html)?.[1]
}

function expectSecretHeaders(response: Response) {
  expect(response.headers.get('Cache-Control')).toBe('no-store')
  expect(response.headers.get('Pragma')).toBe('no-cache')
  expect(response.headers.get('Referrer-Policy')).toBe('no-referrer')
  expect(response.headers.get('X-Robots-Tag')).toBe('noindex')
}

async function signedInAdmin() {
  const admin = await t.seedTenant()
  return { admin, browser: await signInAs(admin.email, admin.password) }
}

/** Opens Add application and sends it with `fields`; the answer is the POST's own page. */
async function addApp(browser: Awaited<ReturnType<typeof signInAs>>, fields: object) {
  const form = await open(browser, '/admin/apps/new')
  const token = formToken(form.html)
  const sent = { formToken: token, ...fields } as Record<string, string>
  return { token, sent, page: await submit(browser, '/admin/apps', sent) }
}

describe('Applications', () => {
  it('is in the menu of global admins only, and the list offers Add application', async () => {
    const { admin, browser } = await signedInAdmin()
    const users = await open(browser, '/admin/users')
    expect(users.html).toContain('<a href="/admin/apps">Applications</a>')
    const list = await open(browser, '/admin/apps')
    expect(list.response.status).toBe(200)
    expect(list.html).toContain('<h1>Applications</h1>')
    expect(list.html).toContain('aria-current="page">Applications</a>')
    expect(list.html).toMatch(
      /<a class="button primary" href="\/admin\/apps\/new">Add application<\/a>/,
    )
    expect(list.html).toContain('No applications yet.')

    for (const role of ['password_admin', 'user'] as const) {
      const person = await t.seedUser(admin.accessToken, role, `${role}@example.com`)
      const theirs = await signInAs(person.email, person.password)
      const home = await open(theirs, role === 'user' ? '/account' : '/admin/users')
      expect(home.html).not.toContain('/admin/apps')
      for (const path of ['/admin/apps', '/admin/apps/new']) {
        const refused = await open(theirs, path)
        expect(refused.response.status).toBe(403)
        expect(refused.html).toContain('You are not allowed to do this.')
      }
      const forged = await submit(theirs, '/admin/apps', {
        formToken: 'forged-token',
        name: 'Sneaky',
        type: 'confidential',
        redirectUris: CALLBACK,
      })
      expect(forged.response.status).toBe(403)
    }
    expect(await t.rows('select id from oauth_clients')).toEqual([])
  })

  it('adds a web app: the secret once on the answer itself, with Copy, never again', async () => {
    const { admin, browser } = await signedInAdmin()
    const form = await open(browser, '/admin/apps/new')
    for (const label of [
      'Name',
      'Redirect URIs',
      'Web application (with a secret)',
      'Single-page or native app (no secret)',
      'Sign-out redirect URIs',
      'Back-channel logout URI',
    ]) {
      expect(form.html).toContain(`>${label}</label>`)
    }
    expect(form.html).toMatch(/id="type-confidential"[^>]*checked/)
    expect(form.html).toMatch(/<button type="submit" class="primary">Add application<\/button>/)

    const { sent, page } = await addApp(browser, {
      name: 'Timesheets',
      type: 'confidential',
      redirectUris: `${CALLBACK}\r\n\r\n  http://127.0.0.1:4000/callback  \r\n`,
      postLogoutRedirectUris: 'https://timesheets.example.test/',
      backchannelLogoutUri: '',
    })
    expect(page.response.status).toBe(200)
    expectSecretHeaders(page.response)
    expect(page.html).toContain('<h1>Application added</h1>')
    expect(page.html).toContain('<meta name="robots" content="noindex"/>')
    expect(page.html).toContain('will not be shown again')
    expect(page.html).toMatch(/data-copy="client-secret"[^>]*>Copy<\/button>/)
    expect(page.html).toContain('http://localhost/.well-known/openid-configuration')
    const clientId = textOf(page.html, 'client-id')!
    const secret = textOf(page.html, 'client-secret')!
    expect(secret).toMatch(/^[\w-]{43}$/)

    const apps = (await t.get('clients', admin.accessToken)).json.items
    expect(apps).toEqual([
      expect.objectContaining({
        clientId,
        name: 'Timesheets',
        type: 'confidential',
        redirectUris: [CALLBACK, 'http://127.0.0.1:4000/callback'],
        postLogoutRedirectUris: ['https://timesheets.example.test/'],
        backchannelLogoutUri: null,
      }),
    ])
    // The secret shown is the app's: an app configured from discovery with it gets through.
    const config = await relyingParty(t, clientId, secret)
    await expect(oidc.refreshTokenGrant(config, 'no-such-token')).rejects.toMatchObject({
      error: 'invalid_grant',
    })

    // Back and send again: nothing new, no secret; the list and the app's page never show it.
    const again = await submit(browser, '/admin/apps', sent)
    expect(again.response.status).toBe(409)
    expect(again.html).toContain('This application was already added')
    expect(again.html).toContain(`href="/admin/apps/${clientId}"`)
    expect(again.html).not.toContain(secret)
    expect((await t.get('clients', admin.accessToken)).json.items).toHaveLength(1)
    const list = await open(browser, '/admin/apps')
    expect(list.html).toContain(`<a href="/admin/apps/${clientId}">Timesheets</a>`)
    const detail = await open(browser, `/admin/apps/${clientId}`)
    for (const html of [list.html, detail.html]) expect(html).not.toContain(secret)
  })

  it('adds a single-page or native app: its client ID, no secret', async () => {
    const { browser } = await signedInAdmin()
    const { page } = await addApp(browser, {
      name: 'Desktop',
      type: 'public',
      redirectUris: 'http://127.0.0.1/callback',
    })
    expect(page.response.status).toBe(200)
    expect(page.html).toContain('<h1>Application added</h1>')
    expect(page.html).toContain('This app has no secret')
    expect(page.html).not.toContain('id="client-secret"')
    expect(textOf(page.html, 'client-id')).toMatch(/^[\w-]{22}$/)
  })

  it('lists what to fix by each field, keeps what was typed, and registers nothing', async () => {
    const { admin, browser } = await signedInAdmin()
    const { page } = await addApp(browser, {
      name: '',
      type: 'confidential',
      redirectUris: `${CALLBACK}\nhttp://timesheets.example.test/cb\nhttps://*.example.test/cb`,
      postLogoutRedirectUris: 'https://timesheets.example.test/bye#now',
      backchannelLogoutUri: 'https://ann:pw@timesheets.example.test/logout',
    })
    expect(page.response.status).toBe(400)
    expect(page.html).toContain('Check the fields and try again.')
    expect(page.html).toMatch(/id="app-name"[^>]*aria-invalid="true"/)
    expect(page.html).toContain('Enter a name of at most 200 characters')
    expect(page.html).toMatch(/id="redirect-uris"[^>]*aria-describedby="redirect-uris-errors/)
    expect(page.html).toContain(
      'http://timesheets.example.test/cb: Use https. Plain http is allowed only on 127.0.0.1',
    )
    expect(page.html).toContain('https://*.example.test/cb: Wildcards (*) are not allowed')
    expect(page.html).toContain('https://timesheets.example.test/bye#now: Remove the part from #')
    expect(page.html).toContain('Remove the user name and password from the address.')
    // What was typed stays, so it can be fixed; the same token goes along.
    expect(page.html).toContain(`${CALLBACK}\nhttp://timesheets.example.test/cb`)
    expect(formToken(page.html).length).toBeGreaterThan(20)

    const none = await addApp(browser, { name: 'Empty', type: 'confidential', redirectUris: ' ' })
    expect(none.page.response.status).toBe(400)
    expect(none.page.html).toContain('Enter one to ten redirect URIs, one per line.')
    expect((await t.get('clients', admin.accessToken)).json.items).toEqual([])
  })

  it('shows an app: its client ID to copy, its URIs, the discovery URL and the two actions', async () => {
    const { admin, browser } = await signedInAdmin()
    const { client } = (
      await t.post(
        'clients',
        {
          name: 'Timesheets',
          type: 'confidential',
          redirectUris: [CALLBACK],
          postLogoutRedirectUris: ['https://timesheets.example.test/'],
          backchannelLogoutUri: 'https://timesheets.example.test/backchannel',
        },
        { token: admin.accessToken },
      )
    ).json
    const detail = await open(browser, `/admin/apps/${client.clientId}`)
    expect(detail.response.status).toBe(200)
    expect(detail.html).toContain('<h1>Timesheets</h1>')
    expect(textOf(detail.html, 'client-id')).toBe(client.clientId)
    expect(detail.html).toMatch(/aria-label="Copy client ID"[^>]*>Copy<\/button>/)
    expect(textOf(detail.html, 'discovery-url')).toBe(
      'http://localhost/.well-known/openid-configuration',
    )
    for (const uri of [
      CALLBACK,
      'https://timesheets.example.test/',
      'https://timesheets.example.test/backchannel',
    ]) {
      expect(detail.html).toContain(`<code>${uri}</code>`)
    }
    expect(detail.html).toContain(`href="/admin/apps/${client.clientId}/secret">Rotate secret</a>`)
    expect(detail.html).toContain(
      `href="/admin/apps/${client.clientId}/remove">Remove application</a>`,
    )

    // A public app has no secret to rotate: no such action, and the step says why.
    const spa = (
      await t.post(
        'clients',
        { name: 'SPA', type: 'public', redirectUris: [CALLBACK] },
        { token: admin.accessToken },
      )
    ).json.client
    const spaPage = await open(browser, `/admin/apps/${spa.clientId}`)
    expect(spaPage.html).not.toContain('Rotate secret</a>')
    const noSecret = await open(browser, `/admin/apps/${spa.clientId}/secret`)
    expect(noSecret.response.status).toBe(400)
    expect(noSecret.html).toContain('has no secret to rotate')

    // Another tenant's app and an unknown one are the same 404.
    const other = await t.seedTenant('Other')
    const theirs = (
      await t.post(
        'clients',
        { name: 'Theirs', type: 'public', redirectUris: [CALLBACK] },
        { token: other.accessToken },
      )
    ).json.client
    for (const path of [`/admin/apps/${theirs.clientId}`, '/admin/apps/nothing-here']) {
      const missing = await open(browser, path)
      expect(missing.response.status).toBe(404)
      expect(missing.html).not.toContain('Theirs')
    }
  })

  it('rotates the secret after a confirm step; the form sent again rotates nothing', async () => {
    const { admin, browser } = await signedInAdmin()
    const { client, clientSecret: first } = (
      await t.post(
        'clients',
        { name: 'Timesheets', type: 'confidential', redirectUris: [CALLBACK] },
        { token: admin.accessToken },
      )
    ).json
    const confirm = await open(browser, `/admin/apps/${client.clientId}/secret`)
    expect(confirm.response.status).toBe(200)
    expect(confirm.html).toContain('<h1>Rotate the secret?</h1>')
    expect(confirm.html).toContain('stops working at once')
    expect(confirm.html).toMatch(/<button type="submit" class="primary">Rotate secret<\/button>/)
    // Opening the step changes nothing.
    expect(
      (await t.get(`clients/${client.clientId}`, admin.accessToken)).json.secretRotatedAt,
    ).toBe(null)

    const fields = { secretRotatedAt: '' }
    const rotated = await submit(browser, `/admin/apps/${client.clientId}/secret`, fields)
    expect(rotated.response.status).toBe(200)
    expectSecretHeaders(rotated.response)
    expect(rotated.html).toContain('<h1>New secret created</h1>')
    expect(rotated.html).toContain('will not be shown again')
    expect(rotated.html).toMatch(/data-copy="client-secret"[^>]*>Copy<\/button>/)
    const second = textOf(rotated.html, 'client-secret')!
    expect(second).toMatch(/^[\w-]{43}$/)
    expect(second).not.toBe(first)

    const again = await submit(browser, `/admin/apps/${client.clientId}/secret`, fields)
    expect(again.response.status).toBe(409)
    expect(again.html).toContain('The secret was already rotated')
    expect(again.html).not.toContain('id="client-secret"')
    const rotations = await t.rows<{ n: number }>(
      "select count(*) as n from audit_events where event = 'app_secret_rotated'",
    )
    expect(rotations[0]!.n).toBe(1)

    // A fresh confirm step rotates again, even within the same millisecond.
    const next = await open(browser, `/admin/apps/${client.clientId}/secret`)
    const rotatedAt = /name="secretRotatedAt" value="([^"]+)"/.exec(next.html)![1]!
    const third = await submit(browser, `/admin/apps/${client.clientId}/secret`, {
      secretRotatedAt: rotatedAt,
    })
    expect(third.response.status).toBe(200)
    expect(textOf(third.html, 'client-secret')).not.toBe(second)
  })

  it('removes an app after a confirm step; sent again, the form says it is gone', async () => {
    const { admin, browser } = await signedInAdmin()
    const { client } = (
      await t.post(
        'clients',
        { name: 'Timesheets', type: 'confidential', redirectUris: [CALLBACK] },
        { token: admin.accessToken },
      )
    ).json
    const confirm = await open(browser, `/admin/apps/${client.clientId}/remove`)
    expect(confirm.html).toContain('<h1>Remove the application?</h1>')
    expect(confirm.html).toContain('This cannot be undone.')
    expect(confirm.html).toMatch(
      /<button type="submit" class="primary">Remove application<\/button>/,
    )
    expect(confirm.html).toContain(`<a href="/admin/apps/${client.clientId}">Cancel</a>`)

    const removed = await submit(browser, `/admin/apps/${client.clientId}/remove`, {})
    expect(removed.response.status).toBe(200)
    expect(removed.html).toContain('Timesheets was removed.')
    expect((await t.get(`clients/${client.clientId}`, admin.accessToken)).status).toBe(404)
    const again = await submit(browser, `/admin/apps/${client.clientId}/remove`, {})
    expect(again.response.status).toBe(404)
    expect(again.html).toContain('already removed')
    const removals = await t.rows<{ n: number }>(
      "select count(*) as n from audit_events where event = 'app_removed'",
    )
    expect(removals[0]!.n).toBe(1)
    expect((await open(browser, '/admin/apps')).html).toContain('No applications yet.')
  })

  it('refuses forms from another site', async () => {
    const { browser } = await signedInAdmin()
    const form = await open(browser, '/admin/apps/new')
    const forged = await submit(
      browser,
      '/admin/apps',
      { formToken: formToken(form.html), name: 'X', type: 'public', redirectUris: CALLBACK },
      { Origin: 'https://evil.example' },
    )
    expect(forged.response.status).toBe(403)
    expect(await t.rows('select id from oauth_clients')).toEqual([])
  })

  it('speaks each language: the menu and the form', async () => {
    const { browser } = await signedInAdmin()
    const words = {
      nl: ['Toepassingen', 'Toepassing toevoegen', 'Webtoepassing (met een geheim)'],
      da: ['Programmer', 'Tilføj program', 'Webprogram (med en hemmelighed)'],
      sv: ['Program', 'Lägg till program', 'Webbprogram (med en hemlighet)'],
    }
    for (const [lang, [nav, add, web]] of Object.entries(words)) {
      await submit(browser, '/language', { lang, next: '/admin/apps/new' })
      const page = await open(browser, '/admin/apps/new')
      expect(page.html).toContain(`<html lang="${lang}">`)
      expect(page.html).toContain(`<a href="/admin/apps" aria-current="page">${nav}</a>`)
      expect(page.html).toContain(`<h1>${add}</h1>`)
      expect(page.html).toContain(`>${web}</label>`)
    }
  })
})
