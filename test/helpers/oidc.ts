import * as oidc from 'openid-client'
import { expect } from 'vitest'
import { registerClient } from '../../src/services/clients.ts'
import { type Browser, formBrowser } from './form-browser.ts'
import { TEST_PUBLIC_URL } from './harness.ts'

// A relying party as outside apps are: openid-client (OpenID-certified), configured from discovery
// alone, talking to the test app through its own fetch.

type App = {
  request(input: string, init?: RequestInit): Response | Promise<Response>
}

export const APP_CALLBACK = 'https://app.example.test/callback'

interface Harness {
  app: App
  deps: Parameters<typeof registerClient>[0]
  clock: { now(): number }
}

/** An app of the admin's tenant, registered as a global admin would. */
export async function registerTestApp(
  t: Harness,
  admin: { id: string; tenantId: string; email: string },
  input: Partial<Parameters<typeof registerClient>[2]> = {},
) {
  const actor = {
    id: admin.id,
    tenantId: admin.tenantId,
    role: 'global_admin' as const,
    email: admin.email,
    displayName: 'Admin',
    sessionId: 'test',
  }
  return registerClient(
    t.deps,
    actor,
    { name: 'Timesheets', type: 'confidential', redirectUris: [APP_CALLBACK], ...input },
    { requestId: 'test', ip: null, language: 'en' },
  )
}

/** openid-client's view of the provider, from its discovery document, through the test app. */
export async function relyingParty(t: Harness, clientId: string, secret?: string) {
  const auth = secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret)
  // The test app runs on a fake clock: the app's own clock is told how far it is off.
  const skew = Math.round((t.clock.now() - Date.now()) / 1000)
  return oidc.discovery(new URL(TEST_PUBLIC_URL), clientId, { [oidc.clockSkew]: skew }, auth, {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: (url, init) => Promise.resolve(t.app.request(url, init as RequestInit)),
  })
}

export interface AuthorizationAttempt {
  url: URL
  verifier: string
  state: string
  nonce: string
}

/** An authorization request as an app builds one: PKCE S256, state and nonce. */
export async function authorizationRequest(
  config: oidc.Configuration,
  extra: Record<string, string> = {},
): Promise<AuthorizationAttempt> {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const nonce = oidc.randomNonce()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: APP_CALLBACK,
    scope: 'openid email profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  })
  return { url, verifier, state, nonce }
}

/**
 * A browser going where the provider sends it: 303s and the continue page's same-site step are
 * followed inside the provider; it stops at a page that needs the user, or at the app's callback.
 */
export function providerBrowser(getApp: () => App) {
  const forms = formBrowser(getApp)
  async function follow(browser: Browser, path: string) {
    let page = await forms.open(browser, path)
    for (let hops = 0; hops < 10; hops++) {
      const location = page.response.headers.get('Location')
      if (page.response.status === 200 && page.html.includes('http-equiv="refresh"')) {
        const next = /content="0;url=([^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, '&')
        page = await forms.open(browser, next)
        continue
      }
      if (!location || !location.startsWith('/')) return { ...page, location }
      page = await forms.open(browser, location)
    }
    throw new Error('too many redirects')
  }
  async function submitAndFollow(browser: Browser, path: string, fields: Record<string, string>) {
    const posted = await forms.submit(browser, path, fields)
    const location = posted.response.headers.get('Location')
    if (!location || !location.startsWith('/')) return { ...posted, location }
    return follow(browser, location)
  }
  return { ...forms, follow, submitAndFollow }
}

/** The app's side of the callback: openid-client checks state, iss, the ID token and nonce. */
export async function completeAtApp(
  config: oidc.Configuration,
  callback: string,
  attempt: AuthorizationAttempt,
) {
  expect(callback.startsWith(APP_CALLBACK)).toBe(true)
  return oidc.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: attempt.verifier,
    expectedState: attempt.state,
    expectedNonce: attempt.nonce,
  })
}

export { oidc }
