import { expect } from 'vitest'

// A browser as the page tests need one: a cookie jar, GETs and form posts through the app itself,
// with the site's own Origin on every post unless a test says otherwise.

const ORIGIN = 'http://localhost'

export interface Browser {
  cookies: Map<string, string>
}

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> }

/** Browser actions against the app that `getApp` returns at call time (each test builds its own). */
export function formBrowser(getApp: () => App) {
  const newBrowser = (): Browser => ({ cookies: new Map() })

  async function open(browser: Browser, path: string) {
    const response = await getApp().request(path, { headers: { Cookie: cookieHeader(browser) } })
    remember(browser, response)
    return { response, html: await response.text() }
  }

  async function submit(
    browser: Browser,
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { Origin: ORIGIN },
  ) {
    const response = await getApp().request(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: cookieHeader(browser),
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    })
    remember(browser, response)
    return { response, html: await response.text() }
  }

  async function signInAs(email: string, password: string) {
    const browser = newBrowser()
    const result = await submit(browser, '/sign-in', { email, password })
    expect(result.response.status).toBe(303)
    return browser
  }

  return { newBrowser, open, submit, signInAs }
}

function remember(browser: Browser, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';')
    const [name = '', value = ''] = pair.split('=')
    if (value === '' || /max-age=0/i.test(line)) browser.cookies.delete(name)
    else browser.cookies.set(name, value)
  }
}

function cookieHeader(browser: Browser) {
  return [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** The one-time form token a page's form carries. */
export function formToken(html: string) {
  return /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? ''
}

/** The temporary password on a confirmation page, if one is shown. */
export function temporaryPassword(html: string) {
  return /<output[^>]*aria-label="Temporary password"[^>]*>([^<]+)<\/output>/.exec(html)?.[1]
}
