import { afterEach, describe, expect, it } from 'vitest'
import { deliverOutbox, REQUEST_DIGEST } from '../../src/services/outbox.ts'
import { copyFor } from '../../src/ui/copy.ts'
import { formBrowser } from '../helpers/form-browser.ts'
import {
  CLIENT_IP_HEADER,
  createTestApp,
  recordingMailer,
  type TestApp,
} from '../helpers/test-app.ts'

// The forgot-password queue as admins live with it: one digest mail per admin per window however
// many ask, a count in the menu, and a request taken off the queue without a reset.
let t: TestApp
afterEach(() => t.close())

const { open, submit, signInAs } = formBrowser(() => t.app)

type Admin = Awaited<ReturnType<TestApp['seedTenant']>>

/** A forgot-password request, with the work it does after its answer done. */
async function ask(email: string, ip = '203.0.113.7') {
  const res = await t.post(
    'auth/forgot-password',
    { email },
    { headers: { [CLIENT_IP_HEADER]: ip } },
  )
  await t.settled()
  return res
}

async function openRequests(admin: Admin) {
  const res = await t.get('password-reset-requests', admin.accessToken)
  return res.json.items as { id: string; email: string }[]
}

async function auditOf(admin: Admin, event: string) {
  const res = await t.get(`audit-events?event=${event}`, admin.accessToken)
  return res.json.items as { actorId: string; targetId: string | null; outcome: string }[]
}

/** Users of the tenant (made while the admin's token is fresh), to ask later. */
async function addUsers(admin: Admin, count: number) {
  const emails: string[] = []
  for (let i = 0; i < count; i++) {
    const email = `asker${i}@example.com`
    const created = await t.post(
      'users',
      { email, displayName: `Asker ${i}`, role: 'user' },
      { token: admin.accessToken },
    )
    expect(created.status, created.text).toBe(201)
    emails.push(email)
  }
  return emails
}

/** Each asks once, from the addresses of one office. */
async function askAll(emails: string[]) {
  for (const [i, email] of emails.entries()) {
    expect((await ask(email, `203.0.113.${i}`)).status).toBe(202)
  }
}

describe("the admins' digest of forgot-password requests", () => {
  it('gathers a burst into one mail per admin naming everyone; a later request in the window waits', async () => {
    const recorded = recordingMailer()
    t = await createTestApp({ mailer: recorded.mailer })
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'helper@example.com')
    const requestMails = () => {
      const subjects = [copyFor('en').mail.requestSubject, copyFor('en').mail.requestsSubject]
      return recorded.sent.filter((mail) => subjects.includes(mail.subject))
    }

    const askers = await addUsers(admin, 8)
    const burst = askers.slice(0, 6)
    await askAll(burst)
    await t.settled()
    // Still gathering: nothing has gone out yet.
    expect(requestMails()).toEqual([])
    t.clock.advance(REQUEST_DIGEST.gatherMs)
    await deliverOutbox(t.deps)
    const mails = requestMails()
    expect(mails.map((mail) => mail.to).sort()).toEqual([admin.email, helper.email].sort())
    for (const mail of mails) {
      expect(mail.subject).toBe(copyFor('en').mail.requestsSubject)
      for (const email of burst) expect(mail.text).toContain(email)
      expect(mail.text).toContain('6 users')
    }

    // Within the window: queued, counted in the menu, but no second mail.
    t.clock.advance(60_000)
    const late = askers[6]!
    await askAll([late])
    await t.settled()
    t.clock.advance(5 * 60_000)
    await deliverOutbox(t.deps)
    expect(requestMails()).toHaveLength(2)
    const queued = await t.rows<{ n: number }>(
      'select count(*) as n from password_reset_requests where closed_at is null',
    )
    expect(queued[0]?.n).toBe(7)

    // The next window: a new digest, once it has gathered.
    t.clock.advance(REQUEST_DIGEST.windowMs)
    const next = askers[7]!
    await askAll([next])
    await t.settled()
    t.clock.advance(REQUEST_DIGEST.gatherMs)
    await deliverOutbox(t.deps)
    const fresh = requestMails().slice(2)
    expect(fresh.map((mail) => mail.to).sort()).toEqual([admin.email, helper.email].sort())
    expect(fresh[0]?.subject).toBe(copyFor('en').mail.requestSubject)
    expect(fresh[0]?.text).toContain(next)
  })

  it('writes one notice per admin for a burst, in the outbox too (no mail transport)', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    await askAll(await addUsers(admin, 6))
    const outbox = await t.get('outbox', admin.accessToken)
    const digests = outbox.json.items.filter(
      (item: { kind: string }) => item.kind === 'forgot_password_request',
    )
    expect(digests).toHaveLength(1)
    expect(digests[0].notice.accountEmails).toHaveLength(6)
  })
})

describe('dismissing a request (API)', () => {
  it('takes it off the queue, audited; again, or from another tenant, it is a 404', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    await ask(bob.email)
    const [request] = await openRequests(admin)
    const other = await t.seedTenant('Other')

    const foreign = await t.call('DELETE', `password-reset-requests/${request!.id}`, {
      token: other.accessToken,
    })
    expect(foreign.status).toBe(404)
    expect(foreign.json.code).toBe('NOT_FOUND')
    expect(await openRequests(admin)).toHaveLength(1)

    const res = await t.call('DELETE', `password-reset-requests/${request!.id}`, {
      token: admin.accessToken,
    })
    expect(res.status, res.text).toBe(204)
    expect(await openRequests(admin)).toEqual([])
    expect(await auditOf(admin, 'password_reset_request_dismissed')).toEqual([
      expect.objectContaining({ actorId: admin.id, targetId: bob.id, outcome: 'success' }),
    ])
    // Bob's password is what it was.
    const signIn = await t.post('auth/sign-in', { email: bob.email, password: bob.password })
    expect(signIn.json.status).toBe('signed_in')

    const again = await t.call('DELETE', `password-reset-requests/${request!.id}`, {
      token: admin.accessToken,
    })
    expect(again.status).toBe(404)
    expect(await auditOf(admin, 'password_reset_request_dismissed')).toHaveLength(1)
    // Bob may ask again: a dismissed request does not count as open.
    await ask(bob.email)
    expect(await openRequests(admin)).toHaveLength(1)
  })

  it('refuses a plain user (403, audited) and a password admin on a global admin’s request', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'helper@example.com')
    const boss = await t.seedUser(admin.accessToken, 'global_admin', 'boss@example.com')
    await ask(bob.email)
    await ask(boss.email, '203.0.113.8')
    const requests = await openRequests(admin)
    const idOf = (email: string) => requests.find((r) => r.email === email)!.id

    const plain = await t.call('DELETE', `password-reset-requests/${idOf(bob.email)}`, {
      token: bob.accessToken,
    })
    expect(plain.status).toBe(403)
    expect(plain.json.code).toBe('FORBIDDEN_ROLE')
    const byHelper = await t.call('DELETE', `password-reset-requests/${idOf(boss.email)}`, {
      token: helper.accessToken,
    })
    expect(byHelper.status).toBe(403)
    expect(byHelper.json.code).toBe('FORBIDDEN_ROLE')
    const own = await t.call('DELETE', `password-reset-requests/${idOf(boss.email)}`, {
      token: boss.accessToken,
    })
    expect(own.status).toBe(403)
    expect(own.json.code).toBe('CANNOT_MANAGE_SELF')
    expect(await openRequests(admin)).toHaveLength(2)

    const refusals = await auditOf(admin, 'password_reset_request_dismiss_denied')
    expect(refusals.map((e) => [e.actorId, e.outcome])).toEqual(
      expect.arrayContaining([
        [bob.id, 'denied'],
        [helper.id, 'denied'],
        [boss.id, 'denied'],
      ]),
    )
  })

  it('answers a malformed id with a clear 400 and changes nothing', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    await ask(bob.email)
    const res = await t.call('DELETE', `password-reset-requests/${'x'.repeat(65)}`, {
      token: admin.accessToken,
    })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('VALIDATION_FAILED')
    expect(await openRequests(admin)).toHaveLength(1)
  })
})

describe('the requests page', () => {
  it('dismisses with a button named for whose request it is, then says so once', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    await ask(bob.email)
    const [request] = await openRequests(admin)
    const browser = await signInAs(admin.email, admin.password)
    const queue = await open(browser, '/admin/requests')
    expect(queue.html).toContain(`action="/admin/requests/${request!.id}/dismiss"`)
    expect(queue.html).toContain('aria-label="Dismiss the request of bob@example.com"')

    // From another site: refused, the request stays.
    const crossSite = await submit(
      browser,
      `/admin/requests/${request!.id}/dismiss`,
      {},
      {
        Origin: 'https://evil.example',
      },
    )
    expect(crossSite.response.status).toBe(403)
    expect(await openRequests(admin)).toHaveLength(1)

    const done = await submit(browser, `/admin/requests/${request!.id}/dismiss`, {})
    expect(done.response.status).toBe(303)
    expect(done.response.headers.get('Location')).toBe('/admin/requests')
    const after = await open(browser, '/admin/requests')
    expect(after.html).toContain(copyFor('en').requestDismissed)
    expect(after.html).toContain('No open requests.')
    expect((await open(browser, '/admin/requests')).html).not.toContain(
      copyFor('en').requestDismissed,
    )
    expect(await auditOf(admin, 'password_reset_request_dismissed')).toHaveLength(1)

    // Posted again (Back, then the button): the request is gone, a readable 404.
    const twice = await submit(browser, `/admin/requests/${request!.id}/dismiss`, {})
    expect(twice.response.status).toBe(404)
  })

  it('refuses a plain user (403 page, audited) and leaves the request open', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    await ask(bob.email)
    const [request] = await openRequests(admin)
    const browser = await signInAs(bob.email, bob.password)
    const refused = await submit(browser, `/admin/requests/${request!.id}/dismiss`, {})
    expect(refused.response.status).toBe(403)
    expect(await openRequests(admin)).toHaveLength(1)
    expect(await auditOf(admin, 'password_reset_request_dismiss_denied')).toEqual([
      expect.objectContaining({ actorId: bob.id, outcome: 'denied' }),
    ])
  })
})

describe("the menu's count of open requests", () => {
  const badge = (html: string) =>
    /<span class="nav-count" aria-hidden="true">([^<]+)<\/span><span class="visually-hidden"> \(([^)]+)\)<\/span>/.exec(
      html,
    )

  it('shows none at zero, the number with words for screen readers, and 99+ past the bound', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    const browser = await signInAs(admin.email, admin.password)
    expect(badge((await open(browser, '/admin/users')).html)).toBeNull()

    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@example.com')
    await ask(bob.email)
    await ask(ann.email)
    const two = badge((await open(browser, '/admin/users')).html)
    expect(two?.slice(1)).toEqual(['2', '2 open'])

    // A long queue (as an old deployment could hold), counted only up to the bound.
    for (let i = 0; i < 120; i++) {
      await t.run(
        'insert into password_reset_requests (id, tenant_id, user_id, created_at) values (?, ?, ?, ?)',
        `old-${i}`,
        admin.tenantId,
        bob.id,
        t.clock.now(),
      )
    }
    const many = badge((await open(browser, '/admin/audit')).html)
    expect(many?.slice(1)).toEqual(['99+', 'more than 99 open'])

    // Another tenant's admin counts only their own; a plain user has no such menu.
    const other = await t.seedTenant('Other')
    const otherBrowser = await signInAs(other.email, other.password)
    expect(badge((await open(otherBrowser, '/admin/users')).html)).toBeNull()
    const bobBrowser = await signInAs(bob.email, bob.password)
    expect((await open(bobBrowser, '/account')).html).not.toContain('nav-count')
  })
})
