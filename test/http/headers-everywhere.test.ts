import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/app.ts'
import { PAGE_CSP, REVEAL_CSP } from '../../src/http/pages/index.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Every route of both surfaces, taken from the built app's own route table (so a route added
// tomorrow is walked too), requested signed in and not, with a bad body, with a wrong method, and
// against a database that fails every read: each answer, 2xx to 5xx, carries the security headers.

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
const BASE: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

interface Route {
  method: string
  path: string
}

/** The routes a client can call: registered with a method, no wildcard, de-duplicated. */
function callableRoutes(app: TestApp['app']): Route[] {
  const seen = new Set<string>()
  return app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
    .filter(
      (route) =>
        !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`),
    )
    .map(({ method, path }) => ({ method, path }))
}

/**
 * The values each header of an answer on `path` may take. The CSP is the surface's own, or the
 * deny-all one the root gives whatever no surface answered (a 405 is decided before the pages).
 */
function allowedHeaders(path: string): Record<string, string[]> {
  const base = Object.fromEntries(Object.entries(BASE).map(([name, value]) => [name, [value]]))
  if (path.startsWith('/api/') || path === '/healthz' || path === '/openapi.json') {
    return { ...base, 'content-security-policy': [API_CSP], 'cache-control': ['no-store'] }
  }
  // The OpenID Provider's public documents (discovery, the JWKS) may be cached by apps; its
  // token, userinfo and revocation answers never.
  if (path.startsWith('/.well-known/')) {
    const cache = ['public, max-age=300', 'no-store']
    return { ...base, 'content-security-policy': [API_CSP], 'cache-control': cache }
  }
  if (
    path.startsWith('/oauth/') &&
    !['/oauth/authorize', '/oauth/end-session'].some((page) => path.startsWith(page))
  ) {
    return { ...base, 'content-security-policy': [API_CSP], 'cache-control': ['no-store'] }
  }
  const csp = path.startsWith('/reveal/') ? REVEAL_CSP : PAGE_CSP
  const cache = path.startsWith('/assets/') ? ['public, max-age=3600', 'no-store'] : ['no-store']
  return { ...base, 'content-security-policy': [csp, API_CSP], 'cache-control': cache }
}

function headerProblems(label: string, path: string, res: Response): string[] {
  const problems: string[] = []
  for (const [name, values] of Object.entries(allowedHeaders(path))) {
    const actual = res.headers.get(name)
    if (!values.includes(actual ?? ''))
      problems.push(`${label} → ${res.status}: ${name} is ${actual}`)
  }
  if (!/^[\w-]{16}$/.test(res.headers.get('x-request-id') ?? '')) {
    problems.push(`${label} → ${res.status}: no request id`)
  }
  for (const leak of ['x-powered-by', 'server']) {
    if (res.headers.has(leak)) problems.push(`${label} → ${res.status}: ${leak} sent`)
  }
  return problems
}

const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE', 'POST', 'GET']

let t: TestApp
let adminToken: string
let adminCookie: string
let userId: string
beforeAll(async () => {
  t = await createTestApp({ setupToken: 's'.repeat(43) })
  const admin = await t.seedTenant()
  adminToken = admin.accessToken
  userId = (await t.seedUser(admin.accessToken, 'user', 'walked@example.com')).id
  const signIn = await t.app.request('/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    body: new URLSearchParams({ email: admin.email, password: admin.password }).toString(),
  })
  adminCookie = signIn.headers.getSetCookie().find((c) => c.startsWith('oncepass_session='))!
  adminCookie = adminCookie.split(';')[0]!
}, 60_000)
afterAll(() => t.close())

/** The requests of one route: without and with credentials, a bad body, a wrong method. */
function casesFor(route: Route, routes: Route[]): { label: string; request: Request }[] {
  const path = route.path.replace(/:[^/]+/g, userId)
  const url = `http://localhost${path}`
  const isApi = path.startsWith('/api/')
  const signedIn: Record<string, string> = isApi
    ? { Authorization: `Bearer ${path.endsWith('/setup') ? 's'.repeat(43) : adminToken}` }
    : { Cookie: adminCookie }
  const unsafe = route.method !== 'GET'
  const sameSite = { Origin: 'http://localhost' }
  const bodyless = (headers: Record<string, string>) =>
    unsafe
      ? {
          ...sameSite,
          ...headers,
          'Content-Type': isApi ? 'application/json' : 'application/x-www-form-urlencoded',
        }
      : headers
  const registered = new Set(routes.filter((r) => r.path === route.path).map((r) => r.method))
  const wrong = OTHER_METHODS.find(
    (m) => !registered.has(m) && !(m === 'GET' && registered.has('HEAD')),
  )!
  const cases = [
    {
      label: 'anonymous',
      request: new Request(url, {
        method: route.method,
        headers: bodyless({}),
        body: unsafe ? (isApi ? '{}' : 'a=b') : undefined,
      }),
    },
    {
      label: 'signed in',
      request: new Request(url, {
        method: route.method,
        headers: bodyless(signedIn),
        body: unsafe ? (isApi ? '{}' : 'a=b') : undefined,
      }),
    },
    { label: 'wrong method', request: new Request(url, { method: wrong, headers: signedIn }) },
  ]
  if (unsafe) {
    const bad = isApi
      ? { type: 'application/json', body: '{"broken":' }
      : { type: 'multipart/form-data', body: '--x\r\nbroken' }
    cases.push({
      label: 'bad body',
      request: new Request(url, {
        method: route.method,
        headers: { ...sameSite, ...signedIn, 'Content-Type': bad.type },
        body: bad.body,
      }),
    })
  }
  return cases.map(({ label, request }) => ({
    label: `${route.method} ${route.path} ${label}`,
    request,
  }))
}

describe('security headers on every route', () => {
  it('on every answer of every route, signed in or not, bad body, wrong method', async () => {
    const routes = callableRoutes(t.app)
    expect(routes.some((r) => r.path.startsWith('/api/'))).toBe(true)
    expect(routes.some((r) => r.path.startsWith('/admin/'))).toBe(true)
    const problems: string[] = []
    const statuses = new Set<number>()
    let answers = 0
    for (const route of routes) {
      for (const { label, request } of casesFor(route, routes)) {
        const res = await t.app.request(request)
        await res.arrayBuffer()
        answers++
        statuses.add(res.status)
        problems.push(...headerProblems(label, new URL(request.url).pathname, res))
      }
    }
    expect(problems).toEqual([])
    // The walk met successes, redirects and each kind of refusal.
    for (const status of [200, 303, 400, 401, 405]) expect(statuses).toContain(status)
    expect(answers).toBeGreaterThan(3 * routes.length)
  }, 120_000)

  it('on the 500s of a database that fails every read, on every route', async () => {
    const broken = createApp({
      ...t.deps,
      database: {
        ...t.deps.database,
        db: new Proxy(t.deps.database.db, {
          get() {
            throw new Error('injected: the disk is gone')
          },
        }),
      },
    })
    const routes = callableRoutes(t.app)
    const problems: string[] = []
    let serverErrors = 0
    for (const route of routes) {
      for (const { label, request } of casesFor(route, routes)) {
        const res = await broken.request(request)
        await res.arrayBuffer()
        if (res.status >= 500) serverErrors++
        problems.push(...headerProblems(`${label} (faulty db)`, new URL(request.url).pathname, res))
      }
    }
    expect(problems).toEqual([])
    // Most routes read the database: their signed-in requests must have met the fault.
    expect(serverErrors).toBeGreaterThan(routes.length / 2)
  }, 120_000)
})
