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

// An admin signs a user out everywhere, blocks and unblocks their sign-in: the reset's role
// matrix, audited, and the user is told in their own language.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const browsers = providerBrowser(() => t.app)

type Admin = Awaited<ReturnType<TestApp['seedTenant']>>

const signIn = (email: string, password: string) => t.post('auth/sign-in', { email, password })

async function auditOf(admin: Admin, userId: string) {
  const res = await t.get(`audit-events?userId=${userId}`, admin.accessToken)
  return res.json.items as { event: string; outcome: string; reason: string | null; details: any }[]
}

async function notices(admin: Admin) {
  const res = await t.get('outbox', admin.accessToken)
  return res.json.items as { kind: string; recipient: string; notice: { language: string } }[]
}

/** The user signed in to an app too: its refresh token, to see that it stops. */
async function signedInToApp(admin: Admin, user: { email: string; password: string }) {
  const { client, clientSecret } = await registerTestApp(t, admin)
  const config = await relyingParty(t, client.clientId, clientSecret)
  const attempt = await authorizationRequest(config)
  const browser = browsers.newBrowser()
  await browsers.follow(browser, attempt.url.pathname + attempt.url.search)
  const back = await browsers.submitAndFollow(browser, '/sign-in', {
    email: user.email,
    password: user.password,
  })
  const tokens = await completeAtApp(config, back.location!, attempt)
  return { config, refreshToken: tokens.refresh_token! }
}

describe('sign out of all sessions', () => {
  it('ends every session and app grant, answers how many sessions, audits and tells the user', async () => {
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const second = await signIn(ann.email, ann.password)
    const app = await signedInToApp(admin, ann)
    const res = await t.call('DELETE', `users/${ann.id}/sessions`, { token: admin.accessToken })
    expect(res.status, res.text).toBe(200)
    // Two API sign-ins and the browser's that signed in to the app.
    expect(res.json).toEqual({ sessionsRevoked: 3 })
    expect((await t.get('me', ann.accessToken)).status).toBe(401)
    expect((await t.get('me', second.json.accessToken)).status).toBe(401)
    await expect(oidc.refreshTokenGrant(app.config, app.refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    // The password stays: the user signs in again at once.
    expect((await signIn(ann.email, ann.password)).status).toBe(200)
    const revoked = (await auditOf(admin, ann.id)).find((e) => e.reason === 'ADMIN_SIGN_OUT')
    expect(revoked).toMatchObject({ event: 'authn_token_revoked', details: { sessionsRevoked: 3 } })
    expect((await notices(admin)).map((n) => [n.kind, n.recipient])).toContainEqual([
      'signed_out_by_admin',
      ann.email,
    ])
    // A user without a session: 0, not an error.
    const none = await t.call('DELETE', `users/${ann.id}/sessions`, { token: admin.accessToken })
    expect(none.json).toEqual({ sessionsRevoked: 1 })
    const again = await t.call('DELETE', `users/${ann.id}/sessions`, { token: admin.accessToken })
    expect(again.json).toEqual({ sessionsRevoked: 0 })
  })
})

describe('block sign-in', () => {
  it('refuses the right password with 403 SIGN_IN_BLOCKED (a wrong one stays 401) until unblocked', async () => {
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const app = await signedInToApp(admin, ann)
    const blocked = await t.call('PUT', `users/${ann.id}/block`, { token: admin.accessToken })
    expect(blocked.status, blocked.text).toBe(204)
    expect((await t.get('me', ann.accessToken)).status).toBe(401)
    expect((await t.post('auth/refresh', { refreshToken: ann.refreshToken })).status).toBe(401)
    await expect(oidc.refreshTokenGrant(app.config, app.refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const right = await signIn(ann.email, ann.password)
    expect(right.status).toBe(403)
    expect(right.json.code).toBe('SIGN_IN_BLOCKED')
    const wrong = await signIn(ann.email, 'not the password of ann at all')
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe('INVALID_CREDENTIALS')
    expect((await t.get(`users/${ann.id}`, admin.accessToken)).json.blocked).toBe(true)
    const listed = await t.get('users?blocked=true', admin.accessToken)
    expect(listed.json.items.map((u: { email: string }) => u.email)).toEqual([ann.email])
    // Blocking again changes nothing and is no error.
    expect(
      (await t.call('PUT', `users/${ann.id}/block`, { token: admin.accessToken })).status,
    ).toBe(204)

    const unblocked = await t.call('DELETE', `users/${ann.id}/block`, { token: admin.accessToken })
    expect(unblocked.status).toBe(204)
    expect((await signIn(ann.email, ann.password)).status).toBe(200)
    expect((await t.get(`users/${ann.id}`, admin.accessToken)).json.blocked).toBe(false)

    const events = (await auditOf(admin, ann.id)).map((e) => [e.event, e.outcome, e.reason])
    expect(events).toContainEqual(['user_blocked', 'success', null])
    expect(events).toContainEqual(['user_unblocked', 'success', null])
    expect(events).toContainEqual(['authn_token_revoked', 'success', 'SIGN_IN_BLOCKED'])
    expect(events).toContainEqual(['authn_login_fail', 'denied', 'SIGN_IN_BLOCKED'])
    expect(events.filter(([event]) => event === 'user_blocked')).toHaveLength(1)
    const kinds = (await notices(admin)).map((n) => n.kind)
    expect(kinds.filter((kind) => kind === 'sign_in_blocked')).toHaveLength(1)
    expect(kinds).toContain('sign_in_unblocked')
  })

  it('stops a sign-in half way: the forced change after the password opens no session', async () => {
    const admin = await t.seedTenant()
    const created = await t.post(
      'users',
      { email: 'new@example.com', displayName: 'New', role: 'user' },
      { token: admin.accessToken },
    )
    const challenge = await signIn('new@example.com', created.json.temporaryPassword)
    expect(challenge.json.status).toBe('password_change_required')
    await t.call('PUT', `users/${created.json.user.id}/block`, { token: admin.accessToken })
    const change = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: 'a brand new passphrase of mine',
    })
    expect(change.status).toBe(403)
    expect(change.json.code).toBe('SIGN_IN_BLOCKED')
  })

  it('follows the reset role matrix, never on yourself, each refusal audited', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    const other = await t.seedTenant('Globex')
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const attempt = async (method: string, path: string, token: string) =>
      (await t.call(method, path, { token })).json?.code
    expect(await attempt('PUT', `users/${admin.id}/block`, helper.accessToken)).toBe(
      'FORBIDDEN_ROLE',
    )
    expect(await attempt('PUT', `users/${admin.id}/block`, admin.accessToken)).toBe(
      'CANNOT_MANAGE_SELF',
    )
    expect(await attempt('DELETE', `users/${admin.id}/sessions`, admin.accessToken)).toBe(
      'CANNOT_MANAGE_SELF',
    )
    expect(await attempt('PUT', `users/${ann.id}/block`, other.accessToken)).toBe('NOT_FOUND')
    expect(await attempt('PUT', `users/${helper.id}/block`, ann.accessToken)).toBe('FORBIDDEN_ROLE')
    expect(await attempt('DELETE', `users/${admin.id}/block`, helper.accessToken)).toBe(
      'FORBIDDEN_ROLE',
    )
    // A password admin may block a user and another password admin.
    expect(
      (await t.call('PUT', `users/${ann.id}/block`, { token: helper.accessToken })).status,
    ).toBe(204)
    const refusals = (await auditOf(admin, admin.id)).filter((e) => e.outcome === 'denied')
    expect(refusals.map((e) => [e.event, e.reason])).toEqual(
      expect.arrayContaining([
        ['user_block_denied', 'FORBIDDEN_ROLE'],
        ['user_block_denied', 'CANNOT_MANAGE_SELF'],
        ['user_sign_out_denied', 'CANNOT_MANAGE_SELF'],
        ['user_unblock_denied', 'FORBIDDEN_ROLE'],
      ]),
    )
  })
})
