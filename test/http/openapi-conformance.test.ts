import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyCheckOf } from '../../src/core/reveal-crypto.ts'
import { type RecordedCall, recordResponses } from '../helpers/harness.ts'
import { totpCode } from '../helpers/mfa.ts'
import { checkResponse, matchTemplate, type OpenApiDocument } from '../helpers/openapi-validator.ts'
import { createTestApp, recordingMailer, runtime, type TestApp } from '../helpers/test-app.ts'

// /openapi.json as a client's response validator reads it: every response of a broad journey
// (each operation's success and each kind of error) must have a documented status, a documented
// content type and a body that matches the schema. The whole behaviour suite can be checked the
// same way: npx vitest run -c test/helpers/responses.vitest.config.ts

let t: TestApp
let mail: ReturnType<typeof recordingMailer>
let calls: RecordedCall[]
let stopRecording: () => void
beforeEach(async () => {
  mail = recordingMailer()
  t = await createTestApp({
    mailer: mail.mailer,
    setupToken: 's'.repeat(43),
    settings: { resetRateLimit: { perAdminPerMinute: 30, perTargetPerMinute: 2 } },
  })
  calls = []
  stopRecording = recordResponses((call) => calls.push(call))
})
afterEach(async () => {
  stopRecording()
  await t.close()
})

const documentOf = async (app: TestApp) => (await app.get('/openapi.json')).json as OpenApiDocument

/** Every violation of every recorded response, checked against its own app's document. */
async function violations(): Promise<string[]> {
  const documents = new Map<RecordedCall['app'], OpenApiDocument>()
  const found = new Set<string>()
  for (const call of calls) {
    let document = documents.get(call.app)
    if (!document) {
      document = (await (await call.app.request('/openapi.json')).json()) as OpenApiDocument
      documents.set(call.app, document)
    }
    for (const violation of checkResponse(document, call)) found.add(violation)
  }
  return [...found].sort()
}

describe('/openapi.json', () => {
  it('documents every status, content type and body a broad journey meets', async () => {
    const passphrase = 'a long passphrase for the journey'
    const setup = await t.post(
      'setup',
      { tenantName: 'Acme', adminEmail: 'root@example.com' },
      { headers: { Authorization: `Bearer ${'s'.repeat(43)}` } },
    )
    expect(setup.status).toBe(201)
    expect((await t.post('setup', { tenantName: 'B', adminEmail: 'b@example.com' })).status).toBe(
      401,
    )
    const root = await t.completeFirstSignIn(
      'root@example.com',
      setup.json.temporaryPassword,
      passphrase,
    )
    const again = await t.post(
      'setup',
      { tenantName: 'B', adminEmail: 'b@example.com' },
      { headers: { Authorization: `Bearer ${'s'.repeat(43)}` } },
    )
    expect(again.status).toBe(409)
    const token = root.accessToken

    // Users: create, duplicate, list, one, a missing one, a path parameter too long.
    const created = await t.post(
      'users',
      { email: 'bob@example.com', displayName: 'Bob', role: 'user' },
      { token },
    )
    expect(created.status).toBe(201)
    const bobId = created.json.user.id as string
    expect(
      (
        await t.post(
          'users',
          { email: 'bob@example.com', displayName: 'B', role: 'user' },
          { token },
        )
      ).status,
    ).toBe(409)
    expect((await t.get('users?limit=1', token)).status).toBe(200)
    expect((await t.get('users?limit=0', token)).status).toBe(400)
    expect((await t.get(`users/${bobId}`, token)).status).toBe(200)
    expect((await t.get('users/nobody', token)).status).toBe(404)
    expect((await t.get(`users/${'x'.repeat(65)}`, token)).status).toBe(400)

    // Apps: register (with and without a secret), a bad URI, list, one, rotate, remove.
    const app = await t.post(
      'clients',
      { name: 'Timesheets', type: 'confidential', redirectUris: ['https://app.example/cb'] },
      { token },
    )
    expect(app.status).toBe(201)
    const appId = app.json.client.clientId as string
    const spa = { name: 'SPA', type: 'public', redirectUris: ['http://127.0.0.1/cb'] }
    expect((await t.post('clients', spa, { token })).status).toBe(201)
    const badUri = { ...spa, redirectUris: ['http://app.example/cb'] }
    expect((await t.post('clients', badUri, { token })).status).toBe(400)
    expect((await t.get('clients', token)).status).toBe(200)
    expect((await t.get(`clients/${appId}`, token)).status).toBe(200)
    expect((await t.post(`clients/${appId}/secret`, undefined, { token })).status).toBe(201)
    expect((await t.call('DELETE', `clients/${appId}`, { token })).status).toBe(204)
    expect((await t.get(`clients/${appId}`, token)).status).toBe(404)
    expect((await t.post(`clients/${appId}/secret`, undefined, { token })).status).toBe(404)

    // The forced change: a challenge, a 403 elsewhere, a policy refusal, then a session.
    const challenge = await t.post('auth/sign-in', {
      email: 'bob@example.com',
      password: created.json.temporaryPassword,
    })
    expect(challenge.json.status).toBe('password_change_required')
    expect((await t.get('me', challenge.json.challengeToken)).status).toBe(403)
    const weak = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: 'short',
    })
    expect(weak.status).toBe(422)
    const bob = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: passphrase,
    })
    expect(bob.status).toBe(200)
    expect(
      (await t.post('auth/password-change', { challengeToken: 'x', newPassword: 'y' })).status,
    ).toBe(401)

    // Me, own password change, refresh, sign-out.
    expect((await t.get('me', bob.json.accessToken)).status).toBe(200)
    expect((await t.get('users', bob.json.accessToken)).status).toBe(403)
    const own = (body: object) => t.post('me/password', body, { token: bob.json.accessToken })
    expect(
      (await own({ currentPassword: 'not my password at all', newPassword: 'x' })).status,
    ).toBe(403)
    expect((await own({ currentPassword: passphrase, newPassword: 'short' })).status).toBe(422)
    expect(
      (await own({ currentPassword: passphrase, newPassword: `${passphrase} two` })).status,
    ).toBe(204)
    const refreshed = await t.post('auth/refresh', { refreshToken: bob.json.refreshToken })
    expect(refreshed.status).toBe(200)
    expect((await t.post('auth/refresh', { refreshToken: 'no such token' })).status).toBe(401)
    expect(
      (await t.post('auth/sign-out', undefined, { token: refreshed.json.accessToken })).status,
    ).toBe(204)
    expect((await t.get('me', refreshed.json.accessToken)).status).toBe(401)
    expect((await t.get('me')).status).toBe(401)

    // Resets: issue, replay, key reuse, policy, rate limit, status, requests, audit.
    const reset = (body: object, key?: string) =>
      t.post(`users/${bobId}/password-reset`, body, {
        token,
        headers: key ? { 'Idempotency-Key': key } : {},
      })
    expect((await reset({ mode: 'generate' }, 'journey-key-1')).status).toBe(201)
    expect((await reset({ mode: 'generate' }, 'journey-key-1')).status).toBe(409)
    expect((await reset({ mode: 'custom', password: passphrase }, 'journey-key-1')).status).toBe(
      422,
    )
    expect((await reset({ mode: 'custom', password: 'short' })).status).toBe(422)
    expect((await reset({ mode: 'generate', requireChange: false })).status).toBe(422)
    expect((await reset({ mode: 'generate' }, 'not valid')).status).toBe(400)
    expect((await reset({ mode: 'generate' })).status).toBe(201)
    expect((await reset({ mode: 'generate' })).status).toBe(429)
    // Delivery: a one-time link, revealed once; the outbox of notices.
    t.clock.advance(61_000)
    const linked = await reset({
      mode: 'generate',
      delivery: { method: 'link', recipients: ['bob@example.com'] },
    })
    expect(linked.status).toBe(201)
    const [, revealId, revealKey] = /\/reveal\/([\w-]+)#([\w-]+)/.exec(
      mail.sent.find((m) => m.text.includes('/reveal/'))!.text,
    )!
    const keyCheck = await keyCheckOf(revealKey!)
    const revealAs = (email: string, check = keyCheck) =>
      t.post(`reveal/${revealId}`, { email, keyCheck: check })
    expect((await t.post(`reveal/${revealId}`, { email: 'bob@example.com' })).status).toBe(400)
    expect((await revealAs('bob@example.com', await keyCheckOf('A'.repeat(43)))).status).toBe(422)
    expect((await revealAs('nobody@example.com')).status).toBe(404)
    expect((await revealAs('bob@example.com')).status).toBe(200)
    expect((await revealAs('bob@example.com')).status).toBe(410)
    expect((await t.get('outbox', token)).status).toBe(200)
    expect(
      (await t.post('users/nobody/password-reset', { mode: 'generate' }, { token })).status,
    ).toBe(404)
    expect((await t.get(`users/${bobId}/password-reset`, token)).status).toBe(200)
    expect((await t.get('users/nobody/password-reset', token)).status).toBe(404)
    expect((await t.post('auth/forgot-password', { email: 'bob@example.com' })).status).toBe(202)
    await t.settled()
    const [request] = (await t.get('password-reset-requests', token)).json.items
    const dismiss = (id: string) => t.call('DELETE', `password-reset-requests/${id}`, { token })
    expect((await dismiss(request.id)).status).toBe(204)
    expect((await dismiss(request.id)).status).toBe(404)
    expect((await t.call('PATCH', 'me', { token, body: { language: 'en' } })).status).toBe(200)
    expect((await t.get('audit-events?limit=5', token)).status).toBe(200)
    expect((await t.get('audit-events?cursor=%%%', token)).status).toBe(400)

    // TOTP: enroll, confirm, sign in with a code, step up, an admin's reset, turn it off.
    const enroll = (currentPassword: string) =>
      t.post('me/mfa/totp', { currentPassword }, { token })
    expect((await t.post('me/mfa/totp', undefined, { token })).status).toBe(400)
    expect((await enroll('not the passphrase')).status).toBe(401)
    const enrolled = await enroll(passphrase)
    expect(enrolled.status).toBe(201)
    expect((await enroll(passphrase)).status).toBe(201)
    const secret = (await enroll(passphrase)).json.secret as string
    const codeNow = () => totpCode(secret, t.clock.now())
    expect((await t.post('me/mfa/totp/confirm', { code: '000000' }, { token })).status).toBe(401)
    expect((await t.post('me/mfa/totp/confirm', { code: codeNow() }, { token })).status).toBe(200)
    expect((await enroll(passphrase)).status).toBe(409)
    t.clock.advance(30_000)
    const step = await t.post('auth/sign-in', { email: 'root@example.com', password: passphrase })
    expect(step.json.status).toBe('mfa_required')
    const mfaToken = step.json.mfaToken as string
    expect((await t.post('auth/mfa', { mfaToken, code: '000000' })).status).toBe(401)
    expect((await t.post('auth/mfa', { mfaToken, code: codeNow() })).status).toBe(200)
    t.clock.advance(30_000)
    expect((await t.post('me/mfa/verify', { code: codeNow() }, { token })).status).toBe(204)
    expect((await t.post(`users/${bobId}/mfa-reset`, undefined, { token })).status).toBe(204)
    expect((await t.post('users/nobody/mfa-reset', undefined, { token })).status).toBe(404)
    // Sign out of all sessions, block and unblock sign-in.
    expect((await t.call('DELETE', `users/${bobId}/sessions`, { token })).status).toBe(200)
    expect((await t.call('PUT', `users/${bobId}/block`, { token })).status).toBe(204)
    expect((await t.call('DELETE', `users/${bobId}/block`, { token })).status).toBe(204)
    expect((await t.call('PUT', 'users/nobody/block', { token })).status).toBe(404)
    t.clock.advance(30_000)
    const off = { currentPassword: passphrase, code: codeNow() }
    expect((await t.call('DELETE', 'me/mfa/totp', { token, body: off })).status).toBe(204)
    expect((await t.call('DELETE', 'me/mfa/totp', { token, body: off })).status).toBe(409)

    // The helpdesk: a caller checked by a mailed code; an admin's reset asked, decided, shown.
    const check = await t.post(`users/${bobId}/verifications`, { method: 'email' }, { token })
    expect(check.status).toBe(201)
    const code = /^(\d{6})$/m.exec(mail.sent.findLast((m) => m.to === 'bob@example.com')!.text)![1]!
    const enter = (typed: string) =>
      t.post(`verifications/${check.json.verificationId}`, { code: typed }, { token })
    expect((await enter(code === '000000' ? '111111' : '000000')).status).toBe(422)
    expect((await enter(code)).status).toBe(200)
    expect((await enter(code)).status).toBe(410)
    t.deps.settings.requireApprovalForAdminResets = true
    const person = async (email: string, role: string) => {
      const made = await t.post('users', { email, displayName: email, role }, { token })
      const signedIn = await t.completeFirstSignIn(email, made.json.temporaryPassword, passphrase)
      return { id: made.json.user.id as string, token: signedIn.accessToken }
    }
    const grace = await person('grace@example.com', 'global_admin')
    const pat = await person('pat@example.com', 'password_admin')
    const ask = () => t.post(`users/${pat.id}/password-reset`, { mode: 'generate' }, { token })
    const asked = (await ask()).json.approvalId as string
    const decide = (id: string, what: string, as: string, body?: object) =>
      t.post(`approvals/${id}/${what}`, body, { token: as })
    expect((await t.get('approvals?status=pending', token)).json.items).toHaveLength(1)
    expect((await t.get(`approvals/${asked}`, token)).status).toBe(200)
    expect((await t.get('approvals/nothing', token)).status).toBe(404)
    expect((await decide(asked, 'approve', token)).status).toBe(403)
    expect((await decide(asked, 'approve', grace.token, { mode: 'custom' })).status).toBe(400)
    expect((await decide(asked, 'approve', grace.token)).status).toBe(200)
    expect((await decide(asked, 'execute', token)).status).toBe(201)
    expect((await decide(asked, 'execute', token)).status).toBe(409)
    const denied = (await ask()).json.approvalId as string
    expect((await decide(denied, 'deny', grace.token, { reason: 'not now' })).status).toBe(200)
    const cancelled = (await ask()).json.approvalId as string
    expect((await decide(cancelled, 'cancel', token)).status).toBe(200)
    t.clock.advance(24 * 3600_000)
    const late = (await t.post('auth/sign-in', { email: 'root@example.com', password: passphrase }))
      .json.accessToken as string
    const expired = (await t.post(`users/${pat.id}/mfa-reset`, undefined, { token: late })).json
    t.clock.advance(24 * 3600_000)
    const graceAgain = await t.post('auth/sign-in', {
      email: 'grace@example.com',
      password: passphrase,
    })
    expect((await decide(expired.approvalId, 'approve', graceAgain.json.accessToken)).status).toBe(
      410,
    )
    t.deps.settings.requireApprovalForAdminResets = false

    // Sign-in: wrong password, locked, and every refusal before a handler.
    let guess = 0
    // Each a different wrong password: the same one again would not count toward the lock.
    const wrong = () =>
      t.post('auth/sign-in', { email: 'bob@example.com', password: `wrong one ${guess++}` })
    for (let i = 0; i < 5; i++) expect((await wrong()).status).toBe(401)
    expect((await wrong()).status).toBe(429)
    expect((await t.post('auth/sign-in', '{"email":')).status).toBe(400)
    expect((await t.post('auth/sign-in', { email: 'a@b.c' })).status).toBe(400)
    expect(
      (await t.post('auth/sign-in', 'email=a', { headers: { 'Content-Type': 'text/plain' } }))
        .status,
    ).toBe(415)
    expect(
      (await t.post('auth/sign-in', { email: 'a@b.c', password: 'x'.repeat(20_000) })).status,
    ).toBe(413)
    const foreign = { headers: { Origin: 'https://evil.example' } }
    expect((await t.post('auth/forgot-password', { email: 'a@b.c' }, foreign)).status).toBe(403)
    expect((await t.call('DELETE', 'me')).status).toBe(405)
    expect((await t.get('auth/refresh')).status).toBe(405)
    expect((await t.get('/healthz')).json).toEqual({ status: 'ok' })
    expect((await t.post('/healthz')).status).toBe(405)
    expect((await t.get('users/x/y/z', token)).status).toBe(404)

    // Each documented operation was met at least once with a success.
    const document = await documentOf(t)
    const succeeded = new Set(
      calls
        .filter((call) => call.status < 300)
        .map((call) => `${call.method.toLowerCase()} ${matchTemplate(document, call.path)}`),
    )
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    )
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([])
    expect(await violations()).toEqual([])
  })

  // On Workers argon2 runs on the isolate's one thread and never sheds load; see sign-in.test.ts.
  it.skipIf(runtime === 'workers')('documents 503 where hashing sheds load', async () => {
    const busy = await createTestApp({ hashing: { maxInFlight: 1, maxQueue: 1 } })
    try {
      const admin = await busy.seedTenant()
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          busy.post('auth/sign-in', { email: admin.email, password: admin.password }),
        ),
      )
      expect(attempts.map((r) => r.status)).toContain(503)
    } finally {
      await busy.close()
    }
    expect(await violations()).toEqual([])
  })

  it('lists the statuses every operation answers by its kind, so none can be left out', async () => {
    const document = await documentOf(t)
    const missing: string[] = []
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as [string, any][]) {
        const expected = [405, 500, 503]
        if (operation.parameters?.length || operation.requestBody) expected.push(400)
        if (method === 'post') expected.push(400, 403, 413, 415)
        if (operation.security?.length) expected.push(401, 403)
        for (const status of expected) {
          const response = operation.responses[status]
          const type = response?.content && Object.keys(response.content)
          if (!response || type?.[0] !== 'application/problem+json') {
            missing.push(`${method.toUpperCase()} ${path} ${status}`)
          }
        }
      }
    }
    expect([...new Set(missing)]).toEqual([])
  })
})
