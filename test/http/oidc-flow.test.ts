import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  authorizationRequest,
  completeAtApp,
  oidc,
  providerBrowser,
  registerTestApp,
  relyingParty,
} from '../helpers/oidc.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Apps sign their users in through oncepass: openid-client, from discovery alone, against the
// same app the runtimes serve (on Node and in workerd).
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const browsers = providerBrowser(() => t.app)

describe('signing in to an app', () => {
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
