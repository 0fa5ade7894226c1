import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formBrowser } from '../helpers/form-browser.ts'
import { CLIENT_IP_HEADER, createTestApp, type TestApp } from '../helpers/test-app.ts'

// The audit log narrowed the way an admin looks for something: by a user's email, by event and
// by day; in the API and on the page, where each event is a sentence.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { open, signInAs } = formBrowser(() => t.app)
const DAY = 86_400_000

async function tenantWithHistory() {
  const admin = await t.seedTenant()
  const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
  t.clock.advance(DAY)
  // A failed sign-in of Ann's from an IPv4 client seen through a dual-stack socket.
  await t.post(
    'auth/sign-in',
    { email: ann.email, password: 'not her password at all' },
    { headers: { [CLIENT_IP_HEADER]: '::ffff:192.0.2.7' } },
  )
  t.clock.advance(DAY)
  // A day later the admin's session is over: they sign in again.
  const signedIn = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
  admin.accessToken = signedIn.json.accessToken
  await t.post(`users/${ann.id}/password-reset`, { mode: 'generate' }, { token: admin.accessToken })
  return { admin, ann }
}

const events = async (token: string, query: string) => {
  const res = await t.get(`audit-events?${query}`, token)
  expect(res.status, res.text).toBe(200)
  return res.json.items as { event: string; targetId: string | null; at: string }[]
}

describe('the audit log, narrowed', () => {
  it('by email, event and time range in the API', async () => {
    const { admin, ann } = await tenantWithHistory()
    const byEmail = await events(
      admin.accessToken,
      `email=${encodeURIComponent('ANN@example.com')}`,
    )
    expect(byEmail.length).toBeGreaterThan(2)
    expect(byEmail.every((e) => e.targetId === ann.id)).toBe(true)
    const fails = await events(admin.accessToken, 'event=authn_login_fail')
    expect(fails.map((e) => e.event)).toEqual(['authn_login_fail'])
    const start = new Date(Date.parse(fails[0]!.at)).toISOString().slice(0, 10)
    const thatDay = await events(
      admin.accessToken,
      `from=${start}T00:00:00Z&to=${new Date(Date.parse(start) + DAY).toISOString()}`,
    )
    expect(thatDay.map((e) => e.event)).toEqual(['authn_login_fail'])
    expect(await events(admin.accessToken, 'email=nobody@example.com')).toEqual([])
    for (const bad of ['event=made_up', 'from=yesterday', 'to=2026-13-01T00:00:00Z']) {
      expect((await t.get(`audit-events?${bad}`, admin.accessToken)).status, bad).toBe(400)
    }
  })

  it("never reveals another tenant's user by email", async () => {
    const { ann } = await tenantWithHistory()
    const other = await t.seedTenant('Globex')
    expect(await events(other.accessToken, `email=${ann.email}`)).toEqual([])
  })

  it('on the page: sentences, a readable address, filters by day, and a word for an unknown email', async () => {
    const { admin } = await tenantWithHistory()
    const browser = await signInAs(admin.email, admin.password)
    const all = await open(browser, '/admin/audit')
    expect(all.html).toContain('admin-acme@example.com reset the password of ann@example.com')
    expect(all.html).toContain('A sign-in as ann@example.com failed')
    expect(all.html).toContain('>192.0.2.7<')
    expect(all.html).not.toContain('::ffff:')

    const failDay = new Date(t.clock.now() - DAY).toISOString().slice(0, 10)
    const day = await open(browser, `/admin/audit?from=${failDay}&to=${failDay}`)
    expect(day.html).toContain('A sign-in as ann@example.com failed')
    expect(day.html).not.toContain('reset the password of')
    expect(day.html).toContain(`name="from" type="date" value="${failDay}"`)

    const byEvent = await open(
      browser,
      '/admin/audit?event=password_reset_issued&email=ann@example.com',
    )
    expect(byEvent.html).toContain('reset the password of ann@example.com')
    expect(byEvent.html).not.toContain('A sign-in as')
    expect(byEvent.html).toContain('<option value="password_reset_issued" selected="">')

    const nobody = await open(browser, '/admin/audit?email=nobody@example.com')
    expect(nobody.html).toContain('No user of your organisation has this email.')
    expect((await open(browser, '/admin/audit?from=2026-02-30')).response.status).toBe(400)
  })
})
