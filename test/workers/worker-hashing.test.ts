import { applyD1Migrations, reset } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterAll, beforeAll, expect, it } from 'vitest'

// Each test file has its own module instances: this file's first request meets an isolate whose
// WASM argon2 instance does not exist yet. A valid config is cached per env object, so the setup
// token goes on before that request.

const SETUP_TOKEN = 'workers-hashing-setup-token-0123456789abcdef'
const bindings = env as unknown as Record<string, unknown>

beforeAll(async () => {
  await reset()
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  bindings.ONCEPASS_SETUP_TOKEN = SETUP_TOKEN
})
afterAll(() => {
  delete bindings.ONCEPASS_SETUP_TOKEN
})

async function post(path: string, body: unknown, i: number, token?: string) {
  const response = await exports.default.fetch(`https://oncepass.test/api/v1/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'CF-Connecting-IP': `192.0.2.${10 + i}`,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as any }
}

const unknownAccount = (i: number) =>
  post('auth/sign-in', { email: `nobody${i}@example.com`, password: 'a wrong password here' }, i)

it('answers every request of a burst that meets a cold isolate', async () => {
  // Each is an unknown account: one argon2 verify against the dummy hash, then 401.
  const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => unknownAccount(i)))
  expect(burst.map((response) => response.status)).toEqual(Array(16).fill(401))
})

it('gives each request of a concurrent burst its own verify result', async () => {
  const setup = await post(
    'setup',
    { tenantName: 'Acme', adminEmail: 'root@acme.example' },
    100,
    SETUP_TOKEN,
  )
  const email = 'root@acme.example'
  const challenge = await post(
    'auth/sign-in',
    { email, password: setup.json.temporaryPassword },
    100,
  )
  const password = 'the admin chose this passphrase'
  const changed = await post(
    'auth/password-change',
    { challengeToken: challenge.json.challengeToken, newPassword: password },
    100,
  )
  expect(changed.status).toBe(200)

  // Right passwords interleaved with unknown accounts, all verified by the isolate's one WASM
  // instance: exactly the right ones sign in.
  const burst = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0 ? post('auth/sign-in', { email, password }, 20 + i) : unknownAccount(20 + i),
    ),
  )
  expect(burst.map((response) => response.status)).toEqual(
    Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 200 : 401)),
  )
})
