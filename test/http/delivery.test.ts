import { afterEach, describe, expect, it, vi } from 'vitest'
import { keyCheckOf, openSealed } from '../../src/core/reveal-crypto.ts'
import {
  deliverOutbox,
  deliverOutboxSoon,
  noticesQueuedSince,
  queuedNoticeCount,
  REQUEST_DIGEST,
} from '../../src/services/outbox.ts'
import { copyFor } from '../../src/ui/copy.ts'
import { REVEAL_ATTEMPTS, REVEAL_KEY_PROBES } from '../../src/services/reveal.ts'
import {
  CLIENT_IP_HEADER,
  createTestApp,
  recordingMailer,
  type TestApp,
} from '../helpers/test-app.ts'

let t: TestApp
afterEach(() => t.close())

const LINK = /http:\/\/localhost\/reveal\/([A-Za-z0-9_-]+)#([A-Za-z0-9_-]{43})/

async function setUp(options: { mailer?: boolean } = { mailer: true }) {
  const recorded = recordingMailer()
  // Only the link mails: notices from the outbox go out through the same mailer after commit.
  const mail = {
    ...recorded,
    get sent() {
      return recorded.sent.filter((m) => LINK.test(m.text))
    },
  }
  t = await createTestApp(options.mailer ? { mailer: mail.mailer } : {})
  const admin = await t.seedTenant()
  const user = await t.seedUser(admin.accessToken, 'user', 'ann@acme.example')
  return { mail, admin, user }
}

/** A tenant's admin and Ann, with every mail recorded: link mails and outbox notices alike. */
async function setUpRecordingEveryMail() {
  const recorded = recordingMailer()
  t = await createTestApp({ mailer: recorded.mailer })
  const admin = await t.seedTenant()
  const user = await t.seedUser(admin.accessToken, 'user', 'ann@acme.example')
  return { recorded, admin, user }
}

/** A reset whose temporary password the admin is shown: no link is mailed. */
const displayReset = (userId: string, token: string, headers = {}) =>
  t.post(`users/${userId}/password-reset`, { mode: 'generate' }, { token, headers })

const linkReset = (userId: string, token: string, recipients: string[], headers = {}) =>
  t.post(
    `users/${userId}/password-reset`,
    { mode: 'generate', delivery: { method: 'link', recipients } },
    { token, headers },
  )

function linkIn(text: string) {
  const match = LINK.exec(text)
  if (!match) throw new Error(`no link in ${text}`)
  return { id: match[1]!, key: match[2]! }
}

/** The reveal page's request: the email typed and the key check of the link's fragment. */
const reveal = async (link: { id: string; key: string }, email: string) =>
  t.post(`reveal/${link.id}`, { email, keyCheck: await keyCheckOf(link.key) })

describe('a reset delivered as one-time links', () => {
  it('answers 201 without a password, mails each recipient its own link, reveals once', async () => {
    const { mail, admin, user } = await setUp()
    const res = await linkReset(user.id, admin.accessToken, [
      'ann@acme.example',
      'Help@Acme.example',
    ])
    expect(res.status).toBe(201)
    expect(res.json.temporaryPassword).toBeUndefined()
    expect(res.json).toMatchObject({
      userId: user.id,
      requireChange: true,
      delivery: {
        method: 'link',
        recipients: ['ann@acme.example', 'help@acme.example'],
        linkExpiresAt: res.json.expiresAt,
      },
    })
    expect(res.json.delivery.failed).toBeUndefined()
    expect(mail.sent.map((m) => m.to)).toEqual(['ann@acme.example', 'help@acme.example'])
    const [first, second] = mail.sent.map((m) => linkIn(m.text))
    expect(first!.id).not.toBe(second!.id)
    expect(first!.key).not.toBe(second!.key)

    // GET reads nothing: a scanner following the link burns nothing.
    const page = await t.call('GET', `/reveal/${first!.id}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('x-robots-tag')).toBe('noindex')
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'")
    expect(page.text).toContain('Show password')
    expect(page.text).toContain('<meta name="robots" content="noindex"/>')

    expect((await reveal(first!, 'someone@acme.example')).status).toBe(404)
    const opened = await reveal(first!, 'ANN@acme.example')
    expect(opened.status).toBe(200)
    expect(opened.headers.get('cache-control')).toBe('no-store')
    const password = await openSealed(first!.key, opened.json)
    expect(password).toMatch(/^[A-Za-z0-9-]{16,}$/)

    const signIn = await t.post('auth/sign-in', { email: user.email, password })
    expect(signIn.json.status).toBe('password_change_required')

    // Burned: this link and the other recipient's.
    expect((await reveal(first!, user.email)).json.code).toBe('REVEAL_GONE')
    expect((await reveal(second!, user.email)).status).toBe(410)

    const status = await t.get(`users/${user.id}/password-reset`, admin.accessToken)
    expect(status.json.delivery).toEqual({
      method: 'link',
      recipients: ['ann@acme.example', 'help@acme.example'],
      sentAt: expect.any(String),
      openedAt: expect.any(String),
      failed: [],
    })
    expect(JSON.stringify(status.json)).not.toContain(password)

    // The access log names the reveal paths without their ids: its reader could burn the links.
    const logged = t.logLines.join('\n')
    expect(logged).toContain('"path":"/reveal/{id}"')
    expect(logged).toContain('"path":"/api/v1/reveal/{id}"')
    for (const link of [first!, second!]) {
      expect(logged).not.toContain(link.id)
      expect(logged).not.toContain(link.key)
    }
  })

  it('a damaged link (wrong key in the fragment) is refused without burning anything', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const { id, key } = linkIn(mail.sent[0]!.text)
    // The first character: the last one of 43 carries two unused bits, and a change there may
    // decode to the very same key.
    const damaged = (key.startsWith('A') ? 'B' : 'A') + key.slice(1)
    const refused = await t.post(`reveal/${id}`, {
      email: user.email,
      keyCheck: await keyCheckOf(damaged),
    })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('REVEAL_KEY_MISMATCH')
    const opened = await t.post(`reveal/${id}`, {
      email: user.email,
      keyCheck: await keyCheckOf(key),
    })
    expect(opened.status).toBe(200)
    expect(await openSealed(key, opened.json)).toMatch(/^[A-Za-z0-9-]{16,}$/)
  })

  it('without the key of the link, knowing its id and the email burns nothing and counts nothing', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const { id, key } = linkIn(mail.sent[0]!.text)
    const state = async () =>
      (
        await t.rows<{ burned: number | null; attempts: number }>(
          'select burned_at as burned, failed_attempts as attempts from reveal_links where id = ?',
          id,
        )
      )[0]
    // The id (from a log, a proxy, a shoulder) and the account's email, but no key.
    const bare = await t.post(`reveal/${id}`, { email: user.email })
    expect(bare.status).toBe(400)
    for (let i = 0; i < 8; i++) {
      const guessed = await t.post(`reveal/${id}`, {
        email: i % 2 ? user.email : `x${i}@acme.example`,
        keyCheck: await keyCheckOf(btoa(String(i).repeat(32)).slice(0, 43)),
      })
      expect(guessed.status).toBe(422)
      expect(guessed.json.code).toBe('REVEAL_KEY_MISMATCH')
    }
    expect(await state()).toEqual({ burned: null, attempts: 0 })
    // Audited, but once per window for this caller and link, not once per try.
    const denied = await t.rows<{ reason: string }>(
      "select reason from audit_events where event = 'reveal_denied'",
    )
    expect(denied).toEqual([{ reason: 'REVEAL_KEY_MISMATCH' }])
    // The recipient, with the link, still gets the password.
    const opened = await reveal({ id, key }, user.email)
    expect(opened.status).toBe(200)
    expect(await openSealed(key, opened.json)).toMatch(/^[A-Za-z0-9-]{16,}$/)
  })

  it('bounds wrong-key probing per client network, without locking the recipient elsewhere', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    const from = (ip: string) => ({ headers: { [CLIENT_IP_HEADER]: ip } })
    const wrong = await keyCheckOf('A'.repeat(43))
    const probe = () =>
      t.post(`reveal/${link.id}`, { email: user.email, keyCheck: wrong }, from('203.0.113.9'))
    for (let i = 0; i < REVEAL_KEY_PROBES; i++) expect((await probe()).status).toBe(422)
    const stopped = await probe()
    expect(stopped.status).toBe(429)
    expect(stopped.json.code).toBe('RATE_LIMITED')
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0)
    // The probing table stays small: one counter, one audit row.
    expect(
      await t.rows("select key from rate_limits where key like 'reveal-probes:%'"),
    ).toHaveLength(1)
    const opened = await t.post(
      `reveal/${link.id}`,
      { email: user.email, keyCheck: await keyCheckOf(link.key) },
      from('198.51.100.20'),
    )
    expect(opened.status).toBe(200)
  })

  it('a retried request with the same Idempotency-Key sends nothing again', async () => {
    const { mail, admin, user } = await setUp()
    const key = { 'Idempotency-Key': 'link-once' }
    const first = await linkReset(user.id, admin.accessToken, [user.email], key)
    expect(first.status).toBe(201)
    const again = await linkReset(user.id, admin.accessToken, [user.email], key)
    expect(again.status).toBe(409)
    expect(again.json).toMatchObject({ code: 'RESET_ALREADY_ISSUED', resetId: first.json.resetId })
    const other = await linkReset(user.id, admin.accessToken, ['help@acme.example'], key)
    expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(mail.sent).toHaveLength(1)
  })

  it('reveals once to two concurrent requests', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    const answers = await Promise.all([reveal(link, user.email), reveal(link, user.email)])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410])
  })

  it('counts wrong emails: at the limit every link is gone, each try audited', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    for (let i = 0; i < 5; i++) expect((await reveal(link, `x${i}@acme.example`)).status).toBe(404)
    expect((await reveal(link, user.email)).status).toBe(410)
    const denied = await t.rows<{ n: number }>(
      "select count(*) as n from audit_events where event = 'reveal_denied'",
    )
    expect(denied[0]!.n).toBe(5)
  })

  it('an unknown link is 404; a newer reset voids older links; expiry ends them', async () => {
    const { mail, admin, user } = await setUp()
    expect((await reveal({ id: 'nope', key: 'A'.repeat(43) }, user.email)).status).toBe(404)
    await linkReset(user.id, admin.accessToken, [user.email])
    const older = linkIn(mail.sent[0]!.text)
    await displayReset(user.id, admin.accessToken)
    expect((await reveal(older, user.email)).status).toBe(410)

    await linkReset(user.id, admin.accessToken, [user.email])
    const newer = linkIn(mail.sent[1]!.text)
    t.clock.advance(24 * 3600_000 + 1)
    expect((await reveal(newer, user.email)).status).toBe(410)
  })

  it('reports a failed send in the 201 and the status; the reset stands', async () => {
    const { mail, admin, user } = await setUp()
    mail.failFor.add('help@acme.example')
    const res = await linkReset(user.id, admin.accessToken, [user.email, 'help@acme.example'])
    expect(res.status).toBe(201)
    expect(res.json.delivery.failed).toEqual(['help@acme.example'])
    const status = await t.get(`users/${user.id}/password-reset`, admin.accessToken)
    expect(status.json).toMatchObject({
      status: 'pending',
      delivery: { failed: ['help@acme.example'] },
    })
    // The failed send is audited as the admin's, with the link it concerns, and logged.
    const audited = await t.rows<{
      actor_id: string
      target_id: string
      outcome: string
      details: string
    }>(
      "select actor_id, target_id, outcome, details from audit_events where event = 'reveal_mail_failed'",
    )
    expect(audited).toEqual([
      { actor_id: admin.id, target_id: user.id, outcome: 'failure', details: expect.any(String) },
    ])
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ resetId: res.json.resetId })
    expect(t.logLines.filter((line) => line.includes('"event":"reveal_mail_failed"'))).toHaveLength(
      1,
    )
    expect((await reveal(linkIn(mail.sent[0]!.text), user.email)).status).toBe(200)
  })

  it('refuses bad deliveries: no transport, too many, none or malformed recipients', async () => {
    const { admin, user } = await setUp({ mailer: false })
    const res = await linkReset(user.id, admin.accessToken, [user.email])
    expect(res.status).toBe(422)
    expect(res.json.code).toBe('MAIL_NOT_CONFIGURED')
    const six = Array.from({ length: 6 }, (_, i) => `r${i}@acme.example`)
    expect((await linkReset(user.id, admin.accessToken, six)).status).toBe(400)
    expect((await linkReset(user.id, admin.accessToken, [])).status).toBe(400)
    expect((await linkReset(user.id, admin.accessToken, ['not an email'])).status).toBe(400)
    // Nothing changed: the user's password still works.
    const signIn = await t.post('auth/sign-in', { email: user.email, password: user.password })
    expect(signIn.json.status).toBe('signed_in')
  })
})

describe('what a reveal decides and records', () => {
  const linkState = (id: string) =>
    t.rows<{ burned: number | null; reason: string | null; attempts: number; sealed: number }>(
      `select burned_at as burned, burn_reason as reason, failed_attempts as attempts,
        ciphertext is not null as sealed from reveal_links where id = ?`,
      id,
    )
  const revealAudit = () =>
    t.rows<{ event: string; outcome: string; reason: string | null; target_id: string }>(
      "select event, outcome, reason, target_id from audit_events where event like 'reveal_%' order by at, rowid",
    )

  it('an opened link is audited with its reset and link, and every link of the reset burns as revealed', async () => {
    const { mail, admin, user } = await setUp()
    const created = await linkReset(user.id, admin.accessToken, [user.email, 'help@acme.example'])
    const [first, second] = mail.sent.map((m) => linkIn(m.text))
    expect((await reveal(first!, user.email)).status).toBe(200)
    const opened = await t.rows<{ outcome: string; target_id: string; details: string }>(
      "select outcome, target_id, details from audit_events where event = 'reveal_opened'",
    )
    expect(opened).toHaveLength(1)
    expect(opened[0]).toMatchObject({ outcome: 'success', target_id: user.id })
    expect(JSON.parse(opened[0]!.details)).toMatchObject({
      resetId: created.json.resetId,
      revealId: first!.id,
    })
    for (const link of [first!, second!]) {
      expect(await linkState(link.id)).toEqual([
        { burned: expect.any(Number), reason: 'revealed', attempts: 0, sealed: 0 },
      ])
    }
  })

  it('a wrong email is counted, audited as WRONG_EMAIL, and at the limit the links burn as attempts', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    expect((await reveal(link, 'x@acme.example')).status).toBe(404)
    expect(await linkState(link.id)).toEqual([
      { burned: null, reason: null, attempts: 1, sealed: 1 },
    ])
    expect(await revealAudit()).toEqual([
      { event: 'reveal_denied', outcome: 'denied', reason: 'WRONG_EMAIL', target_id: user.id },
    ])
    for (let i = 1; i < REVEAL_ATTEMPTS; i++) await reveal(link, `x${i}@acme.example`)
    expect(await linkState(link.id)).toEqual([
      { burned: expect.any(Number), reason: 'attempts', attempts: REVEAL_ATTEMPTS, sealed: 0 },
    ])
  })

  it('a link that is gone is 410 before the email is looked at: a wrong one counts nothing', async () => {
    const { mail, admin, user } = await setUp()
    // Opened, hence burned.
    await linkReset(user.id, admin.accessToken, [user.email])
    const opened = linkIn(mail.sent[0]!.text)
    expect((await reveal(opened, user.email)).status).toBe(200)
    // Superseded by a reset that shows the password instead.
    await linkReset(user.id, admin.accessToken, [user.email])
    const superseded = linkIn(mail.sent[1]!.text)
    await displayReset(user.id, admin.accessToken)
    const before = (await revealAudit()).length
    for (const link of [opened, superseded]) {
      const answer = await reveal(link, 'x@acme.example')
      expect(answer.status).toBe(410)
      expect(answer.json.code).toBe('REVEAL_GONE')
      expect((await linkState(link.id))[0]!.attempts).toBe(0)
    }
    expect(await revealAudit()).toHaveLength(before)
  })

  it('a link lives until its expiry, not at it: a wrong email then counts nothing', async () => {
    const { mail, admin, user } = await setUp()
    const created = await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    const expiresAt = Date.parse(created.json.delivery.linkExpiresAt)
    t.clock.advance(expiresAt - t.clock.now() - 1)
    expect((await reveal(link, 'x@acme.example')).status).toBe(404)
    t.clock.advance(1)
    expect((await reveal(link, 'y@acme.example')).status).toBe(410)
    expect((await reveal(link, user.email)).status).toBe(410)
    expect((await linkState(link.id))[0]!.attempts).toBe(1)
  })

  it('a network past its wrong-key probes waits out the window, told how long in Retry-After', async () => {
    const { mail, admin, user } = await setUp()
    await linkReset(user.id, admin.accessToken, [user.email])
    const link = linkIn(mail.sent[0]!.text)
    const wrong = await keyCheckOf('A'.repeat(43))
    const probe = () => t.post(`reveal/${link.id}`, { email: user.email, keyCheck: wrong })
    for (let i = 0; i < REVEAL_KEY_PROBES; i++) expect((await probe()).status).toBe(422)
    expect(await revealAudit()).toEqual([
      {
        event: 'reveal_denied',
        outcome: 'denied',
        reason: 'REVEAL_KEY_MISMATCH',
        target_id: user.id,
      },
    ])
    const windowSeconds = 15 * 60
    expect((await probe()).headers.get('retry-after')).toBe(String(windowSeconds))
    t.clock.advance(60_000)
    const later = await probe()
    expect(later.status).toBe(429)
    expect(later.headers.get('retry-after')).toBe(String(windowSeconds - 60))
    t.clock.advance((windowSeconds - 60) * 1000)
    expect((await probe()).status).toBe(422)
  })
})

describe('notices in the outbox', () => {
  it('are written with the change they report and readable by the tenant admins only', async () => {
    const { admin, user } = await setUp({ mailer: false })
    const issued = await displayReset(user.id, admin.accessToken)
    await t.completeFirstSignIn(
      user.email,
      issued.json.temporaryPassword,
      'another long passphrase 42',
    )
    await t.post('auth/forgot-password', { email: user.email })
    await t.settled()
    const outbox = await t.get('outbox', admin.accessToken)
    expect(outbox.status).toBe(200)
    expect(outbox.json.mailConfigured).toBe(false)
    const kinds = outbox.json.items.map((i: any) => `${i.kind}→${i.recipient}`)
    expect(kinds).toEqual(
      expect.arrayContaining([
        `password_reset_by_admin→${user.email}`,
        `password_changed→${user.email}`,
        `forgot_password_request→${admin.email}`,
      ]),
    )
    expect(JSON.stringify(outbox.json)).not.toContain(issued.json.temporaryPassword)
    // Exactly one notice per committed reset.
    expect(kinds.filter((kind: string) => kind.startsWith('password_reset_by_admin'))).toEqual([
      `password_reset_by_admin→${user.email}`,
    ])
    const other = await t.seedTenant('Other')
    expect((await t.get('outbox', other.accessToken)).json.items).toEqual([
      expect.objectContaining({ kind: 'password_changed', recipient: other.email }),
    ])
    const plain = await t.seedUser(admin.accessToken, 'user', 'bob@acme.example')
    expect((await t.get('outbox', plain.accessToken)).status).toBe(403)
  })

  it('are read once for all the requests that ask together, not once per request', async () => {
    const { recorded, admin, user } = await setUpRecordingEveryMail()
    await t.settled()
    const before = recorded.sent.length
    const asks = Array.from({ length: 5 }, () => deliverOutboxSoon(t.deps))
    expect(new Set(asks).size).toBe(1)
    await displayReset(user.id, admin.accessToken)
    await t.settled()
    expect(recorded.sent.slice(before).map((message) => message.to)).toEqual([user.email])
  })

  it('start a delivery pass only after a write that queued one: other writes read no outbox', async () => {
    const { recorded, admin, user } = await setUpRecordingEveryMail()
    await t.settled()
    const mark = queuedNoticeCount(t.deps.database)
    // A sign-in writes a session and an audit row, a refresh rotates a token: no notice.
    const signIn = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    expect(signIn.status).toBe(200)
    expect((await t.post('auth/refresh', { refreshToken: signIn.json.refreshToken })).status).toBe(
      200,
    )
    expect(noticesQueuedSince(t.deps.database, mark)).toBe(false)
    // The reset's write queues Ann's notice, and it is sent once the answer has left.
    const before = recorded.sent.length
    await displayReset(user.id, admin.accessToken)
    expect(noticesQueuedSince(t.deps.database, mark)).toBe(true)
    await t.settled()
    expect(recorded.sent.slice(before).map((message) => message.to)).toEqual([user.email])
  })

  it('are sent when queued while an earlier pass is still sending: the next pass takes them', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const sent: string[] = []
    let holdAnn = false
    t = await createTestApp({
      mailer: {
        async send(message) {
          sent.push(message.to)
          // Ann's notice is held in its send, as a slow mail server would.
          if (holdAnn && message.to === ann.email) await held
        },
      },
    })
    const admin = await t.seedTenant()
    const ann = await t.seedUser(admin.accessToken, 'user', 'ann@acme.example')
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@acme.example')
    await t.settled()
    sent.length = 0
    holdAnn = true
    await displayReset(ann.id, admin.accessToken)
    await vi.waitFor(() => expect(sent).toEqual([ann.email]))
    await displayReset(bob.id, admin.accessToken)
    release()
    await t.settled()
    expect(sent).toEqual([ann.email, bob.email])
  })

  it("are written in the recipient's language (their choice, else their browser's), not the sender's", async () => {
    const { recorded, admin, user } = await setUpRecordingEveryMail()
    // Ann's browser is Dutch; the admin chose Danish in the switch.
    await t.post(
      'auth/sign-in',
      { email: user.email, password: user.password },
      { headers: { 'Accept-Language': 'nl-NL,nl;q=0.9,en;q=0.5' } },
    )
    await t.call('PATCH', 'me', { token: admin.accessToken, body: { language: 'da' } })
    const issued = await displayReset(user.id, admin.accessToken, { 'Accept-Language': 'sv' })
    const challenge = await t.post('auth/sign-in', {
      email: user.email,
      password: issued.json.temporaryPassword,
    })
    const changed = await t.post(
      'auth/password-change',
      { challengeToken: challenge.json.challengeToken, newPassword: 'another long passphrase 42' },
      { headers: { 'Accept-Language': 'sv' } },
    )
    expect(changed.status).toBe(200)
    await t.post(
      'auth/forgot-password',
      { email: user.email },
      { headers: { 'Accept-Language': 'sv-SE' } },
    )
    // The admins' digest gathers the requests of a burst for a minute before it goes out.
    await t.settled()
    t.clock.advance(REQUEST_DIGEST.gatherMs)
    await deliverOutbox(t.deps)

    const [nl, da] = [copyFor('nl').mail, copyFor('da').mail]
    await vi.waitFor(() =>
      expect(recorded.sent.map((mail) => `${mail.to}: ${mail.subject}`)).toEqual(
        expect.arrayContaining([
          `${user.email}: ${nl.resetSubject}`,
          `${user.email}: ${nl.changedSubject}`,
          `${admin.email}: ${da.requestSubject}`,
        ]),
      ),
    )
  })
})
