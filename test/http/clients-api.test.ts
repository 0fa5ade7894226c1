import { getTableName, is } from 'drizzle-orm'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as schema from '../../src/db/schema.ts'
import {
  APP_CALLBACK,
  authorizationRequest,
  completeAtApp,
  oidc,
  providerBrowser,
  relyingParty,
} from '../helpers/oidc.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Apps as their admins manage them through the API: register, list, read, rotate the secret,
// remove; who may, what is refused and why, what the audit trail keeps, and what an app notices.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const browsers = providerBrowser(() => t.app)
const WEB_APP = { name: 'Timesheets', type: 'confidential', redirectUris: [APP_CALLBACK] }

async function register(token: string, body: object = WEB_APP) {
  return t.post('clients', body, { token })
}

/** Every row of every table, as text: what a database leak would hand over. */
async function everyRow(): Promise<string> {
  const tables = Object.values(schema).filter((value) => is(value, SQLiteTable))
  const dumps = await Promise.all(
    tables.map(async (table) =>
      JSON.stringify(await t.rows(`select * from ${getTableName(table)}`)),
    ),
  )
  return dumps.join('\n')
}

/** Whether the app's secret is accepted (by the revocation endpoint, which needs nothing else). */
async function secretWorks(clientId: string, secret: string): Promise<boolean> {
  const response = await t.app.request('/oauth/revoke', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${btoa(`${clientId}:${secret}`)}`,
    },
    body: new URLSearchParams({ token: 'not-a-token' }).toString(),
  })
  return response.status === 200
}

/** A user signed in to the app through the browser, with the app's tokens. */
async function signInThroughApp(
  config: oidc.Configuration,
  user: { email: string; password: string },
) {
  const attempt = await authorizationRequest(config)
  const browser = browsers.newBrowser()
  await browsers.follow(browser, attempt.url.pathname + attempt.url.search)
  const back = await browsers.submitAndFollow(browser, '/sign-in', {
    email: user.email,
    password: user.password,
  })
  return completeAtApp(config, back.location!, attempt)
}

describe('registering an app', () => {
  it('answers 201 with the app and its secret once, no-store; reads never show a secret', async () => {
    const admin = await t.seedTenant()
    const created = await register(admin.accessToken, {
      ...WEB_APP,
      postLogoutRedirectUris: ['https://app.example.test/signed-out'],
      backchannelLogoutUri: 'https://app.example.test/backchannel',
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('Cache-Control')).toBe('no-store')
    const { client, clientSecret } = created.json
    expect(client).toEqual({
      clientId: expect.stringMatching(/^[\w-]{22}$/),
      name: 'Timesheets',
      type: 'confidential',
      redirectUris: [APP_CALLBACK],
      postLogoutRedirectUris: ['https://app.example.test/signed-out'],
      backchannelLogoutUri: 'https://app.example.test/backchannel',
      createdAt: new Date(t.clock.now()).toISOString(),
      secretRotatedAt: null,
    })
    // 256 random bits, base64url.
    expect(clientSecret).toMatch(/^[\w-]{43}$/)

    const list = await t.get('clients', admin.accessToken)
    expect(list.status).toBe(200)
    expect(list.json).toEqual({ items: [client] })
    const one = await t.get(`clients/${client.clientId}`, admin.accessToken)
    expect(one.status).toBe(200)
    expect(one.json).toEqual(client)
    for (const read of [list, one]) {
      expect(read.headers.get('Cache-Control')).toBe('no-store')
      expect(read.text).not.toContain(clientSecret)
    }
  })

  it('gives a single-page or native app no secret; http on a loopback address is allowed', async () => {
    const admin = await t.seedTenant()
    const created = await register(admin.accessToken, {
      name: 'Desktop',
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback', 'http://[::1]:8080/cb', 'http://localhost/cb'],
    })
    expect(created.status).toBe(201)
    expect(created.json).not.toHaveProperty('clientSecret')
    expect(created.json.client).toMatchObject({
      type: 'public',
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
    })
  })

  it('refuses an unknown field, a missing or unsafe name, and too few or too many URIs', async () => {
    const admin = await t.seedTenant()
    const refusals: [object, string][] = [
      [{ ...WEB_APP, secretDigest: 'mine' }, ''],
      [{ ...WEB_APP, clientId: 'chosen' }, ''],
      [{ type: 'public', redirectUris: [APP_CALLBACK] }, 'name'],
      [{ ...WEB_APP, name: '   ' }, 'name'],
      [{ ...WEB_APP, name: 'Time\u202esheets' }, 'name'],
      [{ ...WEB_APP, name: 'x'.repeat(201) }, 'name'],
      [{ ...WEB_APP, type: 'implicit' }, 'type'],
      [{ ...WEB_APP, redirectUris: [] }, 'redirectUris'],
      [{ ...WEB_APP, redirectUris: 'https://app.example.test/cb' }, 'redirectUris'],
      [
        {
          ...WEB_APP,
          redirectUris: Array.from({ length: 11 }, (_, i) => `https://app.example.test/${i}`),
        },
        'redirectUris',
      ],
      [
        { ...WEB_APP, postLogoutRedirectUris: Array(11).fill(APP_CALLBACK) },
        'postLogoutRedirectUris',
      ],
    ]
    for (const [body, field] of refusals) {
      const refused = await register(admin.accessToken, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.json.code).toBe('VALIDATION_FAILED')
      expect(refused.headers.get('Content-Type')).toContain('application/problem+json')
      expect(refused.json.errors.map((e: { path: string }) => e.path)).toContain(field)
    }
    expect((await t.get('clients', admin.accessToken)).json.items).toEqual([])
  })

  it('refuses each bad URI with 400, naming the field and saying why in words', async () => {
    const admin = await t.seedTenant()
    const bad: [string, RegExp][] = [
      ['https://app.example.test/cb#done', /fragment/],
      ['https://*.example.test/cb', /wildcard/],
      ['https://app.example.test/*', /wildcard/],
      ['http://app.example.test/cb', /https/],
      ['https://ann:pw@app.example.test/cb', /user name or password/],
      ['not a url', /full URL/],
      ['/callback', /full URL/],
      ['https://App.Example.test/cb', /full URL/],
      ['https://app.example.test', /full URL/],
      ['javascript:alert(1)', /https/],
      [`https://app.example.test/${'x'.repeat(1000)}`, /at most 1000 characters/],
    ]
    for (const [uri, why] of bad) {
      const refused = await register(admin.accessToken, {
        ...WEB_APP,
        redirectUris: [APP_CALLBACK, uri],
      })
      expect(refused.status, uri).toBe(400)
      expect(refused.json.code).toBe('VALIDATION_FAILED')
      expect(refused.json.errors, uri).toEqual([
        { path: 'redirectUris.1', message: expect.stringMatching(why) },
      ])
    }
    const signOut = await register(admin.accessToken, {
      ...WEB_APP,
      postLogoutRedirectUris: ['http://app.example.test/bye'],
    })
    expect(signOut.json.errors).toEqual([
      { path: 'postLogoutRedirectUris.0', message: expect.stringMatching(/https/) },
    ])
    const backchannel = await register(admin.accessToken, {
      ...WEB_APP,
      backchannelLogoutUri: 'https://app.example.test/logout#x',
    })
    expect(backchannel.json.errors).toEqual([
      { path: 'backchannelLogoutUri', message: expect.stringMatching(/fragment/) },
    ])
    expect((await t.get('clients', admin.accessToken)).json.items).toEqual([])
  })

  it('with admin MFA required, issues no secret without a fresh code', async () => {
    const admin = await t.seedTenant()
    t.deps.settings.requireAdminMfa = true
    const refused = await register(admin.accessToken)
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('MFA_ENROLLMENT_REQUIRED')
    expect((await t.get('clients', admin.accessToken)).json.items).toEqual([])
  })
})

describe('who may manage apps', () => {
  it('global admins only: a password admin or a user is 403 FORBIDDEN_ROLE on every route', async () => {
    const admin = await t.seedTenant()
    const { client } = (await register(admin.accessToken)).json
    const helpdesk = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    for (const token of [helpdesk.accessToken, user.accessToken]) {
      const answers = [
        await register(token),
        await t.get('clients', token),
        await t.get(`clients/${client.clientId}`, token),
        await t.post(`clients/${client.clientId}/secret`, undefined, { token }),
        await t.call('DELETE', `clients/${client.clientId}`, { token }),
      ]
      for (const answer of answers) {
        expect(answer.status).toBe(403)
        expect(answer.json.code).toBe('FORBIDDEN_ROLE')
      }
    }
    expect((await t.get('clients')).status).toBe(401)
    expect((await t.get(`clients/${client.clientId}`, admin.accessToken)).status).toBe(200)
  })

  it("another tenant's app, a removed one and an unknown one are each 404", async () => {
    const admin = await t.seedTenant()
    const other = await t.seedTenant('Other')
    const theirs = (await register(other.accessToken)).json.client.clientId as string
    const removed = (await register(admin.accessToken)).json.client.clientId as string
    expect(
      (await t.call('DELETE', `clients/${removed}`, { token: admin.accessToken })).status,
    ).toBe(204)
    for (const id of [theirs, removed, 'no-such-app']) {
      const answers = [
        await t.get(`clients/${id}`, admin.accessToken),
        await t.post(`clients/${id}/secret`, undefined, { token: admin.accessToken }),
        await t.call('DELETE', `clients/${id}`, { token: admin.accessToken }),
      ]
      for (const answer of answers) {
        expect(answer.status, id).toBe(404)
        expect(answer.json.code).toBe('NOT_FOUND')
      }
    }
    expect((await t.get('clients', admin.accessToken)).json.items).toEqual([])
    expect((await t.get(`clients/${theirs}`, other.accessToken)).status).toBe(200)
    expect((await t.get(`clients/${'x'.repeat(65)}`, admin.accessToken)).status).toBe(400)
  })
})

describe('rotating the secret', () => {
  it('issues a new secret once; the old one stops at the token endpoint at once', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { client, clientSecret: oldSecret } = (await register(admin.accessToken)).json
    const before = await relyingParty(t, client.clientId, oldSecret)
    const tokens = await signInThroughApp(before, user)

    t.clock.advance(1000)
    const rotated = await t.post(`clients/${client.clientId}/secret`, undefined, {
      token: admin.accessToken,
    })
    expect(rotated.status).toBe(201)
    expect(rotated.headers.get('Cache-Control')).toBe('no-store')
    expect(rotated.json.client).toEqual({
      ...client,
      secretRotatedAt: new Date(t.clock.now()).toISOString(),
    })
    const newSecret = rotated.json.clientSecret as string
    expect(newSecret).toMatch(/^[\w-]{43}$/)
    expect(newSecret).not.toBe(oldSecret)

    // The old secret fails (openid-client, then a raw client_secret_post); the new one works.
    // (openid-client reports a 401 with a Basic challenge as a challenge error.)
    await expect(oidc.refreshTokenGrant(before, tokens.refresh_token!)).rejects.toMatchObject({
      status: 401,
    })
    const raw = await t.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: client.clientId,
        client_secret: oldSecret,
      }).toString(),
    })
    expect(raw.status).toBe(401)
    expect(((await raw.json()) as { error: string }).error).toBe('invalid_client')
    const after = await relyingParty(t, client.clientId, newSecret)
    const refreshed = await oidc.refreshTokenGrant(after, tokens.refresh_token!)
    expect(refreshed.access_token).toBeTruthy()
    expect((await t.get(`clients/${client.clientId}`, admin.accessToken)).text).not.toContain(
      newSecret,
    )
  })

  it('refuses a single-page or native app, which has no secret, with 400 naming why', async () => {
    const admin = await t.seedTenant()
    const { client } = (
      await register(admin.accessToken, { ...WEB_APP, name: 'SPA', type: 'public' })
    ).json
    const refused = await t.post(`clients/${client.clientId}/secret`, undefined, {
      token: admin.accessToken,
    })
    expect(refused.status).toBe(400)
    expect(refused.json).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'A single-page or native app has no secret to rotate.',
    })
  })

  it('of two rotations at once, each gets its own secret or a 409, and the last one issued works', async () => {
    const admin = await t.seedTenant()
    const { client } = (await register(admin.accessToken)).json
    const both = await Promise.all(
      [1, 2].map(() =>
        t.post(`clients/${client.clientId}/secret`, undefined, { token: admin.accessToken }),
      ),
    )
    const issued = both.filter((answer) => answer.status === 201)
    expect(issued.length).toBeGreaterThanOrEqual(1)
    for (const answer of both.filter((a) => a.status !== 201)) {
      expect(answer.json.code).toBe('CONFLICT')
    }
    const rows = await t.rows<{ n: number }>(
      "select count(*) as n from audit_events where event = 'app_secret_rotated'",
    )
    expect(rows[0]!.n).toBe(issued.length)
    const last = issued.sort((a, b) =>
      a.json.client.secretRotatedAt < b.json.client.secretRotatedAt ? -1 : 1,
    )
    const works = await Promise.all(
      last.map((answer) => secretWorks(client.clientId, answer.json.clientSecret)),
    )
    expect(works.at(-1)).toBe(true)
    expect(works.filter(Boolean)).toHaveLength(1)
  })
})

describe('removing an app', () => {
  it('answers 204; its refresh token fails and the authorization endpoint refuses it', async () => {
    const admin = await t.seedTenant()
    const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    const { client, clientSecret } = (await register(admin.accessToken)).json
    const config = await relyingParty(t, client.clientId, clientSecret)
    const tokens = await signInThroughApp(config, user)
    const attempt = await authorizationRequest(config)

    const removed = await t.call('DELETE', `clients/${client.clientId}`, {
      token: admin.accessToken,
    })
    expect(removed.status).toBe(204)
    expect(removed.text).toBe('')

    // The app itself is refused before its grant is looked at; the grant has ended too.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'unauthorized_client',
    })
    const grants = await t.rows<{ revoked_at: number | null }>(
      'select revoked_at from app_grants where client_id = ?',
      client.clientId,
    )
    expect(grants.length).toBeGreaterThan(0)
    for (const grant of grants) expect(grant.revoked_at).not.toBeNull()
    await expect(oidc.fetchUserInfo(config, tokens.access_token, user.id)).rejects.toThrow()

    const back = await browsers.follow(
      browsers.newBrowser(),
      attempt.url.pathname + attempt.url.search,
    )
    const redirect = new URL(back.location!)
    expect(redirect.origin + redirect.pathname).toBe(APP_CALLBACK)
    expect(redirect.searchParams.get('error')).toBe('unauthorized_client')
    expect(redirect.searchParams.get('state')).toBe(attempt.state)
  })
})

describe('the audit trail and the secrets', () => {
  it('records added, rotated and removed, with who and which app; no secret is kept anywhere', async () => {
    const admin = await t.seedTenant()
    const { client, clientSecret } = (await register(admin.accessToken)).json
    const rotated = await t.post(`clients/${client.clientId}/secret`, undefined, {
      token: admin.accessToken,
    })
    await t.call('DELETE', `clients/${client.clientId}`, { token: admin.accessToken })

    const audit = await t.get('audit-events', admin.accessToken)
    const events = (audit.json.items as { event: string }[]).filter((e) =>
      e.event.startsWith('app_'),
    )
    expect(events.map((e) => e.event).sort()).toEqual([
      'app_registered',
      'app_removed',
      'app_secret_rotated',
    ])
    for (const event of events) {
      expect(event).toMatchObject({
        actorId: admin.id,
        actorRole: 'global_admin',
        outcome: 'success',
        details: expect.objectContaining({ clientId: client.clientId }),
      })
    }
    expect(events.find((e) => e.event === 'app_registered')).toMatchObject({
      details: { clientId: client.clientId, type: 'confidential' },
    })

    const secrets = [clientSecret as string, rotated.json.clientSecret as string]
    const stored = await everyRow()
    const logs = t.logLines.join('\n')
    for (const secret of secrets) {
      expect(stored).not.toContain(secret)
      expect(logs).not.toContain(secret)
      expect(audit.text).not.toContain(secret)
    }
  })
})
