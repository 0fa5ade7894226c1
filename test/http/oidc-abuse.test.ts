import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  APP_CALLBACK,
  authorizationRequest,
  completeAtApp,
  oidc,
  providerBrowser,
  registerTestApp,
  relyingParty,
} from '../helpers/oidc.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// What an attacker, a careless app or a confused user would try against the provider: every
// refusal is the right OAuth error, nothing redirects where it must not, and no loop of bad
// requests grows a table.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const browsers = providerBrowser(() => t.app)
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

async function setUp() {
  const admin = await t.seedTenant()
  const user = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
  const app = await registerTestApp(t, admin)
  const config = await relyingParty(t, app.client.clientId, app.clientSecret)
  return { admin, user, app, config }
}

function authorizePath(params: Record<string, string>, extra: [string, string][] = []) {
  const search = new URLSearchParams(params)
  for (const [name, value] of extra) search.append(name, value)
  return `/oauth/authorize?${search}`
}

function goodParams(clientId: string): Record<string, string> {
  return {
    client_id: clientId,
    redirect_uri: APP_CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'the-state',
  }
}

async function rowCounts() {
  const count = async (table: string) =>
    (await t.rows<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n
  return {
    audit: await count('audit_events'),
    codes: await count('authorization_codes'),
    grants: await count('app_grants'),
    outbox: await count('outbox'),
  }
}

async function signInThrough(
  browser: ReturnType<typeof browsers.newBrowser>,
  path: string,
  user: { email: string; password: string },
) {
  await browsers.follow(browser, path)
  return browsers.submitAndFollow(browser, '/sign-in', {
    email: user.email,
    password: user.password,
  })
}

describe('the authorization endpoint', () => {
  it('answers an unknown app or redirect URI with a 400 page, never a redirect', async () => {
    const { app } = await setUp()
    const id = app.client.clientId
    const before = await rowCounts()
    const attempts = [
      { ...goodParams(id), client_id: 'no-such-app' },
      { ...goodParams(id), client_id: '' },
      { ...goodParams(id), redirect_uri: 'https://evil.example/callback' },
      { ...goodParams(id), redirect_uri: `${APP_CALLBACK}/..` },
      { ...goodParams(id), redirect_uri: APP_CALLBACK.toUpperCase() },
      { ...goodParams(id), redirect_uri: 'https://app.example.test@evil.example/callback' },
      { ...goodParams(id), redirect_uri: 'https://app.example.test/callback%2F..%2F..' },
      { ...goodParams(id), redirect_uri: '' },
    ]
    for (const params of attempts) {
      const page = await browsers.open(browsers.newBrowser(), authorizePath(params))
      expect(page.response.status, JSON.stringify(params)).toBe(400)
      expect(page.response.headers.get('Location')).toBeNull()
      expect(page.response.headers.get('Content-Type')).toContain('text/html')
    }
    const twice = await browsers.open(
      browsers.newBrowser(),
      authorizePath(goodParams(id), [['redirect_uri', 'https://evil.example/cb']]),
    )
    expect(twice.response.status).toBe(400)
    expect(await rowCounts()).toEqual(before)
  })

  it('sends every other problem back to the app with error, state and iss', async () => {
    const { app } = await setUp()
    const id = app.client.clientId
    const cases: [Record<string, string>, string][] = [
      [{ ...goodParams(id), code_challenge_method: 'plain' }, 'invalid_request'],
      [{ ...goodParams(id), code_challenge: '' }, 'invalid_request'],
      [{ ...goodParams(id), response_type: 'token' }, 'unsupported_response_type'],
      [{ ...goodParams(id), scope: 'profile' }, 'invalid_scope'],
      [{ ...goodParams(id), nonce: 'x'.repeat(257) }, 'invalid_request'],
      [{ ...goodParams(id), prompt: 'none' }, 'login_required'],
    ]
    const before = await rowCounts()
    for (const [params, error] of cases) {
      for (let i = 0; i < 3; i++) {
        const back = await browsers.follow(browsers.newBrowser(), authorizePath(params))
        const answer = new URL(back.location!)
        expect(answer.origin + answer.pathname).toBe(APP_CALLBACK)
        expect(answer.searchParams.get('error')).toBe(error)
        expect(answer.searchParams.get('state')).toBe('the-state')
        expect(answer.searchParams.get('iss')).toBe('http://localhost')
        expect(answer.searchParams.get('code')).toBeNull()
      }
    }
    const repeated = await browsers.follow(
      browsers.newBrowser(),
      authorizePath(goodParams(id), [['scope', 'openid email']]),
    )
    expect(new URL(repeated.location!).searchParams.get('error')).toBe('invalid_request')
    expect(await rowCounts()).toEqual(before)
  })

  it('echoes state and nonce exactly, up to their limits', async () => {
    const { user, config } = await setUp()
    const state = `é ${'&=?#%'.repeat(20)} ${'ß'.repeat(400)}`.slice(0, 512)
    const nonce = `${'n'.repeat(200)} ☃ ${'+/='.repeat(10)}`.slice(0, 256)
    const attempt = await authorizationRequest(config, { state, nonce })
    const back = await signInThrough(
      browsers.newBrowser(),
      attempt.url.pathname + attempt.url.search,
      user,
    )
    expect(new URL(back.location!).searchParams.get('state')).toBe(state)
    const tokens = await completeAtApp(config, back.location!, { ...attempt, state, nonce })
    expect(tokens.claims()!.nonce).toBe(nonce)
  })

  it('refuses a removed app with unauthorized_client, and a user of another tenant with access_denied', async () => {
    const { admin, user, app, config } = await setUp()
    const other = await t.seedTenant('Other')
    const browser = browsers.newBrowser()
    const attempt = await authorizationRequest(config)
    const denied = await signInThrough(browser, attempt.url.pathname + attempt.url.search, {
      email: other.email,
      password: other.password,
    })
    expect(new URL(denied.location!).searchParams.get('error')).toBe('access_denied')
    const { removeClient } = await import('../../src/services/clients.ts')
    await removeClient(
      t.deps,
      {
        id: admin.id,
        tenantId: admin.tenantId,
        role: 'global_admin',
        email: admin.email,
        displayName: 'A',
        sessionId: 's',
      },
      app.client.clientId,
      { requestId: 'r', ip: null, language: 'en' },
    )
    const removed = await browsers.follow(
      browsers.newBrowser(),
      attempt.url.pathname + attempt.url.search,
    )
    expect(new URL(removed.location!).searchParams.get('error')).toBe('unauthorized_client')
    void user
  })

  it('resumes only in the browser that started it, and Cancel goes back with access_denied', async () => {
    const { user, config } = await setUp()
    const first = browsers.newBrowser()
    const attempt = await authorizationRequest(config)
    await browsers.follow(first, attempt.url.pathname + attempt.url.search)
    // Another browser signed in as the same user gets nothing of the first browser's request.
    const second = browsers.newBrowser()
    await browsers.submitAndFollow(second, '/sign-in', {
      email: user.email,
      password: user.password,
    })
    const resumed = await browsers.open(second, '/oauth/authorize/resume')
    expect(resumed.response.headers.get('Location')).toBe('/')
    const cancelled = await browsers.submitAndFollow(first, '/oauth/authorize/cancel', {})
    const answer = new URL(cancelled.location!)
    expect(answer.searchParams.get('error')).toBe('access_denied')
    expect(answer.searchParams.get('state')).toBe(attempt.state)
  })

  it('asks a signed-in user to sign in again for prompt=login and an old sign-in for max_age', async () => {
    const { user, config } = await setUp()
    const browser = browsers.newBrowser()
    const attempt = await authorizationRequest(config)
    await signInThrough(browser, attempt.url.pathname + attempt.url.search, user)
    t.clock.advance(1000)
    const login = await authorizationRequest(config, { prompt: 'login' })
    const again = await browsers.follow(browser, login.url.pathname + login.url.search)
    expect(again.response.status).toBe(200)
    expect(again.html).toContain('Timesheets asks you to sign in again')
    t.clock.advance(120_000)
    const fresh = await authorizationRequest(config, { max_age: '60' })
    const page = await browsers.follow(browser, fresh.url.pathname + fresh.url.search)
    expect(page.html).toContain('asks you to sign in again')
    const silent = await authorizationRequest(config, { max_age: '60', prompt: 'none' })
    const refused = await browsers.follow(browser, silent.url.pathname + silent.url.search)
    expect(new URL(refused.location!).searchParams.get('error')).toBe('login_required')
  })
})

describe('the token endpoint', () => {
  async function codeFor(config: oidc.Configuration, user: { email: string; password: string }) {
    const attempt = await authorizationRequest(config)
    const back = await signInThrough(
      browsers.newBrowser(),
      attempt.url.pathname + attempt.url.search,
      user,
    )
    return {
      attempt,
      callback: back.location!,
      code: new URL(back.location!).searchParams.get('code')!,
    }
  }

  async function tokenRequest(
    fields: Record<string, string>,
    auth?: { id: string; secret: string },
  ) {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }
    if (auth) headers.Authorization = `Basic ${btoa(`${auth.id}:${auth.secret}`)}`
    const response = await t.app.request('/oauth/token', {
      method: 'POST',
      headers,
      body: new URLSearchParams(fields).toString(),
    })
    return { response, json: (await response.json()) as Record<string, string> }
  }

  it('takes a code once: a replay is invalid_grant and ends what the first exchange issued', async () => {
    const { user, config } = await setUp()
    const { attempt, callback } = await codeFor(config, user)
    const tokens = await completeAtApp(config, callback, attempt)
    await expect(completeAtApp(config, callback, attempt)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const reuse = await t.rows<{ reason: string }>(
      "select reason from audit_events where event = 'authn_token_reuse'",
    )
    expect(reuse).toEqual([{ reason: 'CODE_REPLAYED' }])
  })

  it('refuses a late code, another app, another redirect URI or another verifier', async () => {
    const { admin, user, app, config } = await setUp()
    const otherApp = await registerTestApp(t, admin, { name: 'Other' })
    const { attempt, code } = await codeFor(config, user)
    const auth = { id: app.client.clientId, secret: app.clientSecret! }
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP_CALLBACK,
      code_verifier: attempt.verifier,
    }
    const refusals = [
      await tokenRequest(base, { id: otherApp.client.clientId, secret: otherApp.clientSecret! }),
      await tokenRequest({ ...base, redirect_uri: `${APP_CALLBACK}x` }, auth),
      await tokenRequest({ ...base, code_verifier: oidc.randomPKCECodeVerifier() }, auth),
      await tokenRequest({ ...base, code_verifier: 'plain' }, auth),
    ]
    for (const { response, json } of refusals) {
      expect(response.status).toBe(400)
      expect(json.error).toBe('invalid_grant')
      expect(response.headers.get('Cache-Control')).toBe('no-store')
    }
    t.clock.advance(61_000)
    const late = await tokenRequest(base, auth)
    expect(late.json.error).toBe('invalid_grant')
  })

  it('answers an unknown app and a wrong secret alike, with the same work', async () => {
    const { app } = await setUp()
    const fields = { grant_type: 'refresh_token', refresh_token: 'whatever' }
    const unknown = await tokenRequest(fields, { id: 'no-such-app', secret: 'x'.repeat(43) })
    const wrong = await tokenRequest(fields, { id: app.client.clientId, secret: 'x'.repeat(43) })
    expect(unknown.response.status).toBe(401)
    expect(wrong.response.status).toBe(401)
    expect(unknown.json).toEqual(wrong.json)
    expect(unknown.json.error).toBe('invalid_client')
    expect(unknown.response.headers.get('WWW-Authenticate')).toBe('Basic realm="oncepass"')
    // Timing: medians of many tries each, compared loosely (the work is the same by construction).
    const time = async (id: string) => {
      const samples: number[] = []
      for (let i = 0; i < 40; i++) {
        const start = performance.now()
        await tokenRequest(fields, { id, secret: 'y'.repeat(43) })
        samples.push(performance.now() - start)
      }
      return samples.sort((a, b) => a - b)[20]!
    }
    const [a, b] = [await time('no-such-app'), await time(app.client.clientId)]
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(3)
  })

  it('refuses repeated or missing parameters, other grant types and other bodies', async () => {
    const { app } = await setUp()
    const auth = { id: app.client.clientId, secret: app.clientSecret! }
    const repeated = await t.app.request('/oauth/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${btoa(`${auth.id}:${auth.secret}`)}`,
      },
      body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
    })
    expect(repeated.status).toBe(400)
    expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request')
    expect(
      (await tokenRequest({ grant_type: 'password', username: 'a', password: 'b' }, auth)).json
        .error,
    ).toBe('unsupported_grant_type')
    expect((await tokenRequest({ grant_type: 'authorization_code' }, auth)).json.error).toBe(
      'invalid_request',
    )
    const json = await t.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"grant_type":"refresh_token"}',
    })
    expect(json.status).toBe(400)
    const huge = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: 'x'.repeat(20_000) },
      auth,
    )
    expect(huge.json.error).toBe('invalid_request')
  })

  it('refuses a removed app with unauthorized_client', async () => {
    const { admin, app } = await setUp()
    const { removeClient } = await import('../../src/services/clients.ts')
    await removeClient(
      t.deps,
      {
        id: admin.id,
        tenantId: admin.tenantId,
        role: 'global_admin',
        email: admin.email,
        displayName: 'A',
        sessionId: 's',
      },
      app.client.clientId,
      { requestId: 'r', ip: null, language: 'en' },
    )
    const refused = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { id: app.client.clientId, secret: app.clientSecret! },
    )
    expect(refused.json.error).toBe('unauthorized_client')
  })
})

describe('CORS on the JSON endpoints', () => {
  it('answers a public app registered origin, and nobody else', async () => {
    const { admin } = await setUp()
    await registerTestApp(t, admin, {
      name: 'Single-page app',
      type: 'public',
      redirectUris: ['https://spa.example.test/cb'],
    })
    for (const path of ['/oauth/token', '/oauth/userinfo', '/.well-known/jwks.json']) {
      const allowed = await t.app.request(path, {
        method: 'OPTIONS',
        headers: { Origin: 'https://spa.example.test', 'Access-Control-Request-Method': 'POST' },
      })
      expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://spa.example.test')
      expect(allowed.headers.get('Access-Control-Allow-Credentials')).toBeNull()
      const other = await t.app.request(path, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      })
      expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull()
    }
    // A confidential app's origin is not a browser app's: it calls from its server.
    const web = await t.app.request('/oauth/token', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.test', 'Access-Control-Request-Method': 'POST' },
    })
    expect(web.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })
})
