import { applyD1Migrations, reset } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The whole path of a deployment, through the Worker entry only: bindings → config → a D1
// session per request → the app. Nothing here builds deps or an app itself.

const SETUP_TOKEN = 'workers-journey-setup-token-0123456789abcdef'
const bindings = env as unknown as Record<string, unknown>
const realDb = env.DB
// The real binding, recording the session each request opens.
const sessions: string[] = []
const recordingDb = {
  withSession(constraint: D1SessionConstraint | D1SessionBookmark) {
    sessions.push(constraint)
    return realDb.withSession(constraint)
  },
}
let requests = 0

// A valid config is cached per env object, so the setup token goes on before this file's first
// request (each test file has its own module instances) and comes off after its last.
beforeAll(async () => {
  await reset()
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  bindings.ONCEPASS_SETUP_TOKEN = SETUP_TOKEN
  bindings.DB = recordingDb
})
afterAll(() => {
  delete bindings.ONCEPASS_SETUP_TOKEN
  bindings.DB = realDb
})

async function call(
  path: string,
  options: { body?: unknown; token?: string; ip: string; headers?: Record<string, string> },
) {
  requests++
  const response = await exports.default.fetch(`https://oncepass.test/api/v1/${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      'CF-Connecting-IP': options.ip,
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as any,
  }
}

/** When the user's notice of this kind was sent (polled: it goes out after the response). */
async function sentAt(userId: string, kind: string): Promise<number | null> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const row = await realDb
      .prepare(
        'SELECT sent_at FROM outbox WHERE kind = ? AND recipient = (SELECT email FROM users WHERE id = ?)',
      )
      .bind(kind, userId)
      .first<{ sent_at: number | null }>()
    if (row?.sent_at) return row.sent_at
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return null
}

const ADMIN_IP = '198.51.100.7'
const USER_IP = '203.0.113.42'

/** Temporary password → challenge (no session) → chosen password → a fresh session. */
async function firstSignIn(
  email: string,
  temporaryPassword: string,
  newPassword: string,
  ip: string,
) {
  const challenge = await call('auth/sign-in', { body: { email, password: temporaryPassword }, ip })
  expect(challenge.status).toBe(200)
  expect(challenge.json.status).toBe('password_change_required')
  expect(challenge.json).not.toHaveProperty('accessToken')
  const changed = await call('auth/password-change', {
    body: { challengeToken: challenge.json.challengeToken, newPassword },
    ip,
  })
  expect(changed.status).toBe(200)
  expect(changed.json.status).toBe('signed_in')
  return changed.json as { accessToken: string; refreshToken: string }
}

describe('a deployment, end to end through the Worker entry', () => {
  it('setup → admin → user → reset → old session dead → forced change → /me', async () => {
    const setup = await call('setup', {
      body: { tenantName: 'Acme', adminEmail: 'root@acme.example' },
      token: SETUP_TOKEN,
      ip: ADMIN_IP,
    })
    expect(setup.status).toBe(201)
    expect(setup.headers.get('cache-control')).toBe('no-store')
    const admin = await firstSignIn(
      'root@acme.example',
      setup.json.temporaryPassword,
      'the admin chose this passphrase',
      ADMIN_IP,
    )

    const created = await call('users', {
      body: { email: 'bob@acme.example', displayName: 'Bob', role: 'user' },
      token: admin.accessToken,
      ip: ADMIN_IP,
    })
    expect(created.status).toBe(201)
    const bobId = created.json.user.id as string
    const bob = await firstSignIn(
      'bob@acme.example',
      created.json.temporaryPassword,
      'lanterns over a quiet harbour',
      USER_IP,
    )
    expect((await call('me', { token: bob.accessToken, ip: USER_IP })).status).toBe(200)

    const resetRequest = {
      body: { mode: 'generate' },
      token: admin.accessToken,
      ip: ADMIN_IP,
      headers: { 'Idempotency-Key': 'journey-reset-0001' },
    }
    const issued = await call(`users/${bobId}/password-reset`, resetRequest)
    expect(issued.status).toBe(201)
    expect(issued.json).toMatchObject({ userId: bobId, requireChange: true, sessionsRevoked: 1 })
    const temporaryPassword = issued.json.temporaryPassword as string
    // A retry with the same key neither rotates the password again nor shows it again.
    const retried = await call(`users/${bobId}/password-reset`, resetRequest)
    expect(retried.status).toBe(409)
    expect(retried.json).toMatchObject({
      code: 'RESET_ALREADY_ISSUED',
      resetId: issued.json.resetId,
    })
    expect(JSON.stringify(retried.json)).not.toContain(temporaryPassword)
    // Bob hears of the reset at once: the write that queued his notice starts a delivery pass
    // past the response (waitUntil), through the MAIL binding, not at the next cron retry.
    expect(await sentAt(bobId, 'password_reset_by_admin')).not.toBeNull()

    // Bob's session from before the reset is dead on its very next use.
    expect((await call('me', { token: bob.accessToken, ip: USER_IP })).status).toBe(401)
    expect(
      (await call('auth/refresh', { body: { refreshToken: bob.refreshToken }, ip: USER_IP }))
        .status,
    ).toBe(401)
    const oldPassword = await call('auth/sign-in', {
      body: { email: 'bob@acme.example', password: 'lanterns over a quiet harbour' },
      ip: USER_IP,
    })
    expect(oldPassword.status).toBe(401)

    const fresh = await firstSignIn(
      'bob@acme.example',
      temporaryPassword,
      'seven ferries cross at dawn',
      USER_IP,
    )
    const me = await call('me', { token: fresh.accessToken, ip: USER_IP })
    expect(me.status).toBe(200)
    expect(me.json).toMatchObject({ id: bobId, email: 'bob@acme.example', role: 'user' })
    expect(me.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')

    // One first-primary D1 session per request, and the client IP taken from CF-Connecting-IP.
    expect(sessions).toEqual(Array(requests).fill('first-primary'))
    const audited = await realDb
      .prepare(
        "SELECT DISTINCT ip FROM audit_events WHERE event = 'password_reset_issued' OR actor_id = ?",
      )
      .bind(bobId)
      .all<{ ip: string }>()
    expect(audited.results.map((row) => row.ip).sort()).toEqual([ADMIN_IP, USER_IP])
  })
})
