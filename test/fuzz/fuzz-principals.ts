import type { TestApp } from '../helpers/test-app.ts'
import type { Caller, IdRef } from './fuzz-requests.ts'

// The real callers a fuzz run signs its requests with: a global admin and a user of one tenant
// (each with a bearer token and a browser session cookie) and a user of another tenant. The fuzz
// may end their sessions (a sign-out, a reset of the user): each request is sent with live ones,
// re-established through the public surfaces, or with fresh accounts when that fails.

interface Principal {
  id: string
  email: string
  password: string
  accessToken: string
  cookie: string | undefined
}

const IP = { 'x-test-client-ip': '192.0.2.200' }
let serial = 0

export function createPrincipals(t: TestApp, setupToken: string) {
  let admin: Principal
  let user: Principal
  let strangerId: string
  let fresh = true

  async function seedAll() {
    serial++
    const seeded = await t.seedTenant(`Fuzz${serial}`)
    admin = { ...seeded, cookie: undefined }
    user = {
      ...(await t.seedUser(admin.accessToken, 'user', `u${serial}@example.com`)),
      cookie: undefined,
    }
    const other = await t.seedTenant(`Other${serial}`)
    strangerId = (await t.seedUser(other.accessToken, 'user', `s${serial}@example.com`)).id
  }

  /** True when the bearer token still opens GET /me. */
  async function tokenAlive(p: Principal) {
    return (await t.call('GET', 'me', { token: p.accessToken, headers: IP })).status === 200
  }

  async function cookieAlive(p: Principal) {
    if (!p.cookie) return false
    const res = await t.app.request('/account', { headers: { Cookie: p.cookie, ...IP } })
    return res.status === 200
  }

  async function signInApi(p: Principal): Promise<boolean> {
    const res = await t.post(
      'auth/sign-in',
      { email: p.email, password: p.password },
      { headers: IP },
    )
    if (res.status !== 200 || res.json?.status !== 'signed_in') return false
    p.accessToken = res.json.accessToken
    return true
  }

  async function signInPage(p: Principal): Promise<boolean> {
    const res = await t.app.request('/sign-in', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'http://localhost',
        ...IP,
      },
      body: new URLSearchParams({ email: p.email, password: p.password }).toString(),
    })
    const session = res.headers.getSetCookie().find((c) => c.startsWith('oncepass_session='))
    if (!session) return false
    p.cookie = session.split(';')[0]
    return true
  }

  /** Live tokens and cookies for both callers (re-seeded when they cannot be restored). */
  async function ensureLive() {
    if (fresh) {
      await seedAll()
      fresh = false
    }
    for (const p of [admin, user]) {
      const ok =
        ((await tokenAlive(p)) || (await signInApi(p))) &&
        ((await cookieAlive(p)) || (await signInPage(p)))
      if (!ok) {
        // Locked out, password changed, session rules tripped: start over with new accounts.
        await seedAll()
        return ensureLive()
      }
    }
  }

  return {
    ensureLive,
    bearer(caller: Caller): string | undefined {
      if (caller === 'admin') return admin.accessToken
      if (caller === 'user') return user.accessToken
      if (caller === 'setup') return setupToken
      if (caller === 'garbage') return 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'
      return undefined
    },
    cookie(caller: Caller): string | undefined {
      if (caller === 'admin') return admin.cookie
      if (caller === 'user') return user.cookie
      if (caller === 'garbage') return 'oncepass_session=not-a-session'
      return undefined
    },
    id(ref: IdRef): string {
      if ('text' in ref) return ref.text
      return ref.ref === 'admin' ? admin.id : ref.ref === 'user' ? user.id : strangerId
    },
  }
}

export type Principals = ReturnType<typeof createPrincipals>
