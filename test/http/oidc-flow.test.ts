import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  authorizationRequest,
  completeAtApp,
  oidc,
  providerBrowser,
  registerTestApp,
  relyingParty,
} from '../helpers/oidc.ts'
import { enrollTotp } from '../helpers/mfa.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Apps sign their users in through oncepass: openid-client, from discovery alone, against the
// same app the runtimes serve (on Node and in workerd).
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const browsers = providerBrowser(() => t.app)

/** A user signed in to a registered app through the browser, and the tokens the app holds. */
async function signedInThroughApp(app: Parameters<typeof registerTestApp>[2] = {}) {
  const admin = await t.seedTenant()
  const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
  const { client, clientSecret } = await registerTestApp(t, admin, app)
  const config = await relyingParty(t, client.clientId, clientSecret)
  const attempt = await authorizationRequest(config)
  const browser = browsers.newBrowser()
  await browsers.follow(browser, attempt.url.pathname + attempt.url.search)
  const back = await browsers.submitAndFollow(browser, '/sign-in', {
    email: user.email,
    password: user.password,
  })
  const tokens = await completeAtApp(config, back.location!, attempt)
  return { admin, user, client, config, browser, tokens }
}

describe('signing in to an app', () => {
  it("lets the steps' forms lead to the app's redirect origin, and to no other", async () => {
    const admin = await t.seedTenant()
    const { client, clientSecret } = await registerTestApp(t, admin)
    const config = await relyingParty(t, client.clientId, clientSecret)
    const attempt = await authorizationRequest(config)
    const browser = browsers.newBrowser()
    const signInPage = await browsers.follow(browser, attempt.url.pathname + attempt.url.search)
    // Finishing or cancelling a step redirects to the app: browsers hold that to form-action.
    const policy = signInPage.response.headers.get('Content-Security-Policy')
    expect(policy).toContain("; form-action 'self' https://app.example.test; ")
    const plain = await browsers.open(browsers.newBrowser(), '/sign-in')
    expect(plain.response.headers.get('Content-Security-Policy')).toContain(
      "; form-action 'self'; ",
    )
  })

  it('goes from the app to the sign-in page and back with a code the app exchanges', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { client, clientSecret } = await registerTestApp(t, admin)
    const config = await relyingParty(t, client.clientId, clientSecret)
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true)

    const attempt = await authorizationRequest(config)
    const browser = browsers.newBrowser()
    const signInPage = await browsers.follow(browser, attempt.url.pathname + attempt.url.search)
    expect(signInPage.response.url || '').toBeDefined()
    expect(signInPage.html).toContain('Sign in to continue to Timesheets.')
    const back = await browsers.submitAndFollow(browser, '/sign-in', {
      email: user.email,
      password: user.password,
    })
    const tokens = await completeAtApp(config, back.location!, attempt)
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256')
    const claims = tokens.claims()!
    expect(claims).toMatchObject({
      iss: 'http://localhost',
      aud: client.clientId,
      sub: user.id,
      tid: admin.tenantId,
      email: 'ann@example.com',
      email_verified: true,
      name: 'ann',
      amr: ['pwd'],
      nonce: attempt.nonce,
    })
    expect(typeof claims.sid).toBe('string')
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: user.id,
      client_id: client.clientId,
      tid: admin.tenantId,
      scope: 'openid email profile offline_access',
    })
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt')
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id)
    expect(info).toEqual({
      sub: user.id,
      tid: admin.tenantId,
      email: 'ann@example.com',
      email_verified: true,
      name: 'ann',
    })

    // A live browser session goes straight back (single sign-on).
    const again = await authorizationRequest(config)
    const sso = await browsers.follow(browser, again.url.pathname + again.url.search)
    const second = await completeAtApp(config, sso.location!, again)
    expect(second.claims()!.sub).toBe(user.id)

    // Refresh rotates; the old refresh token is dead, and its reuse ends the family.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })
})

describe('signing out from an app', () => {
  const signedInWithSignOutUri = () =>
    signedInThroughApp({ postLogoutRedirectUris: ['https://app.example.test/signed-out'] })

  it('ends the browser session and the app grant, and goes back only to a registered URI', async () => {
    const { config, browser, tokens } = await signedInWithSignOutUri()
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://app.example.test/signed-out',
      state: 'bye & thanks',
    })
    const back = await browsers.follow(browser, url.pathname + url.search)
    expect(back.location).toBe('https://app.example.test/signed-out?state=bye+%26+thanks')
    expect((await browsers.open(browser, '/account')).response.headers.get('Location')).toBe(
      '/sign-in',
    )
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(
      oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub),
    ).rejects.toThrow()
  })

  it('never redirects to an unregistered URI, and a forged hint changes nothing', async () => {
    const { config, browser, tokens } = await signedInWithSignOutUri()
    const elsewhere = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://evil.example/',
    })
    const page = await browsers.follow(browser, elsewhere.pathname + elsewhere.search)
    expect(page.location).toBeNull()
    expect(page.response.status).toBe(200)
    expect(page.html).toContain('You are signed out')
    const forged = `${tokens.id_token!.slice(0, -4)}AAAA`
    const refused = await browsers.follow(
      browser,
      `/oauth/end-session?id_token_hint=${forged}&post_logout_redirect_uri=${encodeURIComponent('https://app.example.test/signed-out')}`,
    )
    expect(refused.response.status).toBe(400)
    expect(refused.location).toBeNull()
  })
})

describe('ending an app session everywhere', () => {
  it('a password reset ends the app grant at once and tells the app by back-channel logout', async () => {
    const calls: { url: string; body: string }[] = []
    await t.close()
    t = await createTestApp({
      fetch: async (input, init) => {
        calls.push({ url: String(input), body: String(init?.body) })
        return new Response(null, { status: 200 })
      },
    })
    const { admin, user, client, config, tokens } = await signedInThroughApp({
      backchannelLogoutUri: 'https://app.example.test/backchannel',
    })

    const reset = await t.post(
      `users/${user.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    expect(reset.status).toBe(201)
    await t.settled()
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(oidc.fetchUserInfo(config, tokens.access_token, user.id)).rejects.toThrow()

    expect(calls.map((call) => call.url)).toEqual(['https://app.example.test/backchannel'])
    const logoutToken = new URLSearchParams(calls[0]!.body).get('logout_token')!
    const jwks = createLocalJWKSet(
      (await (await t.app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet,
    )
    const { payload, protectedHeader } = await jwtVerify(logoutToken, jwks, {
      issuer: 'http://localhost',
      audience: client.clientId,
      currentDate: new Date(t.clock.now()),
    })
    expect(protectedHeader.typ).toBe('logout+jwt')
    expect(payload).toMatchObject({
      sub: user.id,
      sid: tokens.claims()!.sid,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    })
    expect(payload.nonce).toBeUndefined()
    const sent = await t.rows<{ sent_at: number | null }>(
      "select sent_at from outbox where kind = 'backchannel_logout'",
    )
    expect(sent).toHaveLength(1)
    expect(sent[0]!.sent_at).not.toBeNull()
  })
})

describe('every event that ends sessions ends the app grants too', () => {
  type Setting = Awaited<ReturnType<typeof signedInThroughApp>>
  const events: Record<string, (s: Setting) => Promise<void>> = {
    'the user changes their own password': async ({ user }) => {
      const changed = await t.post(
        'me/password',
        { currentPassword: user.password, newPassword: 'lantern meadow quartz river 4821' },
        { token: user.accessToken },
      )
      expect(changed.status).toBe(204)
    },
    'an admin resets their two-step verification': async ({ admin, user }) => {
      await enrollTotp(t, user.accessToken, user.password)
      const reset = await t.post(`users/${user.id}/mfa-reset`, undefined, {
        token: admin.accessToken,
      })
      expect(reset.status).toBe(204)
    },
    'the user ends all sessions on the Account page': async ({ browser }) => {
      const out = await browsers.submit(browser, '/account/sign-out-everywhere', {})
      expect(out.response.status).toBe(303)
    },
  }

  it.each(Object.keys(events))('%s', async (event) => {
    const setting = await signedInThroughApp()
    await events[event]!(setting)
    await t.settled()
    const { config, tokens, user } = setting
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(oidc.fetchUserInfo(config, tokens.access_token, user.id)).rejects.toThrow()
  })
})
