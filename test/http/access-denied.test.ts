import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REFUSALS_PER_ACTOR } from '../../src/services/repeated-refusals.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { formBrowser } from '../helpers/form-browser.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'
import type { AuditEventRow } from '../helpers/audit-rows.ts'

// A plain user at the admin console or its API: the use case refuses (403) and audits the refusal
// (`access_denied`), the same row whichever surface asked, and a bounded few rows however often.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const { signInAs, open, submit } = formBrowser(() => t.app)
const window = defaultSettings.repeatedRefusalWindowSeconds * 1000

type Row = Pick<
  AuditEventRow,
  'event' | 'tenant_id' | 'actor_id' | 'actor_role' | 'target_id' | 'outcome' | 'reason' | 'details'
>
const refusals = () =>
  t.rows<Row>(
    `select event, tenant_id, actor_id, actor_role, target_id, outcome, reason, details
     from audit_events where event = 'access_denied' order by at, rowid`,
  )

async function plainUser() {
  const admin = await t.seedTenant()
  const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
  return { admin, bob }
}

describe('a plain user at an admin page or API route', () => {
  it('is refused alike by a page and its API twin, and both leave the same audit row', async () => {
    const { admin, bob } = await plainUser()
    // Each pair: the API route, the page, and the action the row names.
    const pairs = [
      { api: 'users', page: '/admin/users', action: 'users.list', target: null },
      {
        api: `users/${admin.id}`,
        page: `/admin/users/${admin.id}`,
        action: 'users.read',
        target: admin.id,
      },
      { api: 'audit-events', page: '/admin/audit', action: 'audit.list', target: null },
      {
        api: 'password-reset-requests',
        page: '/admin/requests',
        action: 'requests.list',
        target: null,
      },
      { api: 'outbox', page: '/admin/outbox', action: 'outbox.list', target: null },
    ]
    for (const pair of pairs) {
      // A fresh window and a fresh token for each pair.
      t.clock.advance(window)
      const { accessToken } = (
        await t.post('auth/sign-in', { email: bob.email, password: bob.password })
      ).json
      const browser = await signInAs(bob.email, bob.password)
      const before = (await refusals()).length

      const api = await t.get(pair.api, accessToken)
      expect(api.status, pair.api).toBe(403)
      expect(api.json.code, pair.api).toBe('FORBIDDEN')
      const afterApi = await refusals()
      expect(afterApi, pair.api).toHaveLength(before + 1)
      const row = afterApi.at(-1)!
      expect(row, pair.api).toEqual({
        event: 'access_denied',
        tenant_id: admin.tenantId,
        actor_id: bob.id,
        actor_role: 'user',
        target_id: pair.target,
        outcome: 'denied',
        reason: 'FORBIDDEN',
        details: JSON.stringify({ action: pair.action }),
      })

      // The page asks the same use case: refused alike, and within the window it is the same
      // refusal, already recorded.
      const page = await open(browser, pair.page)
      expect(page.response.status, pair.page).toBe(403)
      expect(page.html).toContain('You are not allowed')
      expect(await refusals(), pair.page).toHaveLength(before + 1)

      // In the next window the page records it, and the row is the API's row.
      t.clock.advance(window)
      await open(browser, pair.page)
      const afterPage = await refusals()
      expect(afterPage, pair.page).toHaveLength(before + 2)
      expect(afterPage.at(-1), pair.page).toEqual(row)
    }
  })

  it('adding a user: the page and the API refuse a plain user with the same audited reason', async () => {
    const { bob } = await plainUser()
    const created = await t.post(
      'users',
      { email: 'new@example.com', displayName: 'New', role: 'user' },
      { token: bob.accessToken },
    )
    expect(created.status).toBe(403)
    expect(created.json.code).toBe('FORBIDDEN_ROLE')
    const [row] = await refusals()
    expect(row).toMatchObject({
      actor_id: bob.id,
      reason: 'FORBIDDEN_ROLE',
      details: JSON.stringify({ action: 'users.create' }),
    })
    t.clock.advance(window)
    const browser = await signInAs(bob.email, bob.password)
    expect((await open(browser, '/admin/users/new')).response.status).toBe(403)
    const rows = await refusals()
    expect(rows).toHaveLength(2)
    expect(rows[1]).toEqual(row)
  })

  it('a loop of refusals adds a bounded few rows', async () => {
    const { admin, bob } = await plainUser()
    const browser = await signInAs(bob.email, bob.password)
    const paths = ['users', 'audit-events', 'outbox', 'password-reset-requests']
    for (let i = 0; i < 200; i++) {
      expect((await t.get(paths[i % paths.length]!, bob.accessToken)).status).toBe(403)
      expect((await open(browser, '/admin/users')).response.status).toBe(403)
    }
    // One per kind (here four), never one per request.
    expect(await refusals()).toHaveLength(paths.length)
    // Made-up targets: at most the per-actor cap, and one more row counting the rest.
    for (let i = 0; i < 100; i++) await t.get(`users/made-up-${i}`, bob.accessToken)
    const rows = await refusals()
    expect(rows.length).toBeLessThanOrEqual(REFUSALS_PER_ACTOR + 1)
    // Yet every refusal is counted: 200 by the API, 200 by the page, 100 made-up targets.
    const counted = rows.map((row) => (JSON.parse(row.details ?? '{}').count as number) ?? 1)
    expect(counted.reduce((sum, n) => sum + n, 0)).toBe(500)
    // Admins are not refused, and leave no such row.
    expect((await t.get('users', admin.accessToken)).status).toBe(200)
    expect((await refusals()).every((row) => row.actor_id === bob.id)).toBe(true)
  })
})

describe('a password admin or a plain user at Applications', () => {
  it('is refused by every app route and page with the audited use case named in the row', async () => {
    const admin = await t.seedTenant()
    const WEB_APP = {
      name: 'Timesheets',
      type: 'confidential',
      redirectUris: ['https://timesheets.example.test/callback'],
    }
    const clientId = (await t.post('clients', WEB_APP, { token: admin.accessToken })).json.client
      .clientId as string
    const app = `/admin/apps/${clientId}`
    const form = {
      formToken: 'form-token',
      name: 'Sneaky',
      type: 'confidential',
      redirectUris: WEB_APP.redirectUris[0]!,
    }
    const people = [
      await t.seedUser(admin.accessToken, 'password_admin', 'pat@example.com'),
      await t.seedUser(admin.accessToken, 'user', 'bob@example.com'),
    ]
    for (const person of people) {
      const { role } = person
      // The browser signs in again after each wait: a session left idle that long has ended.
      let browser = await signInAs(person.email, person.password)
      // Each: what the API asks and what the page asks, both naming one use case.
      const cases = [
        {
          action: 'apps.list',
          api: (token: string) => t.get('clients', token),
          pages: [() => open(browser, '/admin/apps')],
        },
        {
          action: 'apps.create',
          api: (token: string) => t.post('clients', WEB_APP, { token }),
          pages: [
            () => open(browser, '/admin/apps/new'),
            () => submit(browser, '/admin/apps', form),
          ],
        },
        {
          action: 'apps.read',
          api: (token: string) => t.get(`clients/${clientId}`, token),
          pages: [
            () => open(browser, app),
            () => open(browser, `${app}/secret`),
            () => open(browser, `${app}/remove`),
          ],
        },
        {
          action: 'apps.rotate_secret',
          api: (token: string) => t.post(`clients/${clientId}/secret`, undefined, { token }),
          pages: [() => submit(browser, `${app}/secret`, { secretRotatedAt: '' })],
        },
        {
          action: 'apps.remove',
          api: (token: string) => t.call('DELETE', `clients/${clientId}`, { token }),
          pages: [() => submit(browser, `${app}/remove`, {})],
        },
      ]
      for (const asked of cases) {
        t.clock.advance(window)
        const { accessToken } = (
          await t.post('auth/sign-in', { email: person.email, password: person.password })
        ).json
        const before = (await refusals()).length
        const api = await asked.api(accessToken)
        expect(api.status, `${role} ${asked.action}`).toBe(403)
        expect(api.json.code, `${role} ${asked.action}`).toBe('FORBIDDEN_ROLE')
        const rows = await refusals()
        expect(rows, `${role} ${asked.action}`).toHaveLength(before + 1)
        const row = rows.at(-1)!
        expect(row, `${role} ${asked.action}`).toEqual({
          event: 'access_denied',
          tenant_id: admin.tenantId,
          actor_id: person.id,
          actor_role: role,
          target_id: null,
          outcome: 'denied',
          reason: 'FORBIDDEN_ROLE',
          details: JSON.stringify({ action: asked.action }),
        })
        for (const page of asked.pages) {
          // In a new window, the page's refusal is recorded again: the API's row, to the letter.
          t.clock.advance(window)
          browser = await signInAs(person.email, person.password)
          const refused = await page()
          expect(refused.response.status, `${role} ${asked.action}`).toBe(403)
          expect(refused.html).toContain('You are not allowed')
          const after = await refusals()
          expect(after, `${role} ${asked.action} page`).toHaveLength(
            before + 1 + asked.pages.indexOf(page) + 1,
          )
          expect(after.at(-1), `${role} ${asked.action} page`).toEqual(row)
        }
      }
    }
    // Nothing was changed by the refused requests: the one app stands, with its first secret.
    const apps = await t.rows<{ id: string; secret_rotated_at: number | null }>(
      'select id, secret_rotated_at from oauth_clients where removed_at is null',
    )
    expect(apps).toEqual([{ id: clientId, secret_rotated_at: null }])
  })
})
