import type { Clock } from '../../src/core/clock.ts'
import type { HashSchedulerOptions } from '../../src/core/hash-scheduler.ts'
import type { MailMessage, Mailer } from '../../src/core/mail.ts'
import type { PasswordHasher } from '../../src/core/password-hasher.ts'
import { createApp } from '../../src/http/app.ts'
import type { HttpDeps } from '../../src/http/env.ts'
import { createBackgroundTasks } from '../../src/runtime/node/background-tasks.ts'
import type { Settings } from '../../src/services/settings.ts'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'
import type { RecordedResponse } from './openapi-validator.ts'

// The runtime-agnostic half of the test app: requests through the one app factory, and seeding
// through the public API. Each runtime's helper (test-app.ts on Node, test-app.workers.ts in
// workerd) builds the dependencies and calls buildHarness; the behaviour tests import
// '../helpers/test-app.ts', which the Workers test project maps to the Workers helper.

export const CLIENT_IP_HEADER = 'x-test-client-ip'
export const API = '/api/v1'
export const TEST_START = Date.UTC(2026, 10, 22, 12, 0, 0)
export const TEST_ORIGINS = ['https://admin.example.test']
/** The app's public origin in tests: the origin `app.request` gives every request. */
export const TEST_PUBLIC_URL = 'http://localhost'

export interface TestAppOptions {
  settings?: Partial<Settings>
  hashing?: Partial<HashSchedulerOptions>
  /** Enables `POST /api/v1/setup` with this token (off by default). */
  setupToken?: string
  /** A mail transport (none by default: notices wait in the outbox, links are refused). */
  mailer?: Mailer
  /** Outbound HTTP (back-channel logout); by default every call fails, as offline. */
  fetch?: typeof fetch
}

/** The OpenID Provider's signing key in tests: a fixed test value, not a secret. */
export { default as TEST_OIDC_KEY } from './test-oidc-key.json' with { type: 'json' }

/** A mail transport that keeps what it was given; `failFor` makes sends to those addresses fail. */
export function recordingMailer() {
  const sent: MailMessage[] = []
  const failFor = new Set<string>()
  const mailer: Mailer = {
    async send(message) {
      if (failFor.has(message.to)) throw Object.assign(new Error('refused'), { responseCode: 550 })
      sent.push(message)
    },
  }
  return { mailer, sent, failFor }
}

/** A real hasher that counts its calls (a spy beside the real thing, never instead of it). */
export function countingHasher(inner: PasswordHasher) {
  const calls = { hash: 0, verify: 0 }
  const hasher: PasswordHasher = {
    hash: (password) => {
      calls.hash++
      return inner.hash(password)
    },
    verify: (hash, password) => {
      calls.verify++
      return inner.verify(hash, password)
    },
  }
  return { hasher, calls }
}

export interface RuntimeParts {
  runtime: 'node' | 'workers'
  deps: HttpDeps
  clock: Clock & { advance(ms: number): void }
  logLines: string[]
  hashCalls: { hash: number; verify: number }
  rows<T>(text: string, ...params: unknown[]): Promise<T[]>
  run(text: string, ...params: unknown[]): Promise<void>
  weakHash(password: string): Promise<string>
  close(): void | Promise<void>
}

/** A response `call` got, with the app that answered it (whose /openapi.json describes it). */
export interface RecordedCall extends RecordedResponse {
  app: { request(path: string): Response | Promise<Response> }
}

const recorders = new Set<(call: RecordedCall) => void>()

/**
 * Hands every response that any harness's `call` gets to `sink` until the returned function is
 * called, so a test or a setup file can check them against the API document.
 *
 * @example
 * const calls: RecordedCall[] = []
 * const stop = recordResponses((call) => calls.push(call))
 */
export function recordResponses(sink: (call: RecordedCall) => void): () => void {
  recorders.add(sink)
  return () => recorders.delete(sink)
}

export function buildHarness<P extends RuntimeParts>(parts: P) {
  const { deps } = parts
  const app = createApp(deps)
  // As the Node server does: work left running past a response (notices sent after commit, a
  // forgot-password request's follow-up) is waited for before the database closes, and by
  // `settled()`, whichever way a test sends its request.
  const background = createBackgroundTasks()
  const request = app.request
  app.request = (input, init, env, executionCtx) =>
    request(input, init, env, executionCtx ?? background)

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.Authorization = `Bearer ${options.token}`
    let body: string | undefined
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
      headers['Content-Type'] ??= 'application/json'
    }
    const url = path.startsWith('/') ? path : `${API}/${path}`
    const response = await app.request(url, { method, headers, body })
    const text = await response.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      // not JSON: callers use `text`
    }
    for (const record of recorders) {
      record({
        app,
        method,
        path: new URL(url, TEST_PUBLIC_URL).pathname,
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
        json,
      })
    }
    return { status: response.status, headers: response.headers, text, json }
  }

  const post = (
    path: string,
    body?: unknown,
    options: { token?: string; headers?: Record<string, string> } = {},
  ) => call('POST', path, { ...options, body })
  const get = (path: string, token?: string) => call('GET', path, { token })

  /** Signs in with a temporary password and completes the forced change. */
  async function completeFirstSignIn(
    email: string,
    temporaryPassword: string,
    newPassword: string,
  ) {
    const challenge = await post('auth/sign-in', { email, password: temporaryPassword })
    if (challenge.json?.status !== 'password_change_required') {
      throw new Error(`expected a challenge: ${challenge.text}`)
    }
    const signedIn = await post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword,
    })
    if (signedIn.status !== 200) throw new Error(`change failed: ${signedIn.text}`)
    return signedIn.json as { accessToken: string; refreshToken: string }
  }

  /** A tenant whose global admin has already set their own password and holds a session. */
  async function seedTenant(name = 'Acme', adminEmail = `admin-${name.toLowerCase()}@example.com`) {
    const issued = await createTenantWithAdmin(deps, { name, adminEmail })
    const password = `${name} admin passphrase for tests`
    const tokens = await completeFirstSignIn(adminEmail, issued.temporaryPassword, password)
    return { tenantId: issued.tenantId, id: issued.userId, email: adminEmail, password, ...tokens }
  }

  /** A user created by `adminToken`, who has set their own password and holds a session. */
  async function seedUser(
    adminToken: string,
    role: 'user' | 'password_admin' | 'global_admin',
    email: string,
  ) {
    const created = await post(
      'users',
      { email, displayName: email.split('@')[0], role },
      { token: adminToken },
    )
    if (created.status !== 201) throw new Error(`create failed: ${created.text}`)
    // Digits only: random hex could spell an email name ("ada") and fail the policy by chance.
    const password = `a long chosen passphrase ${crypto.getRandomValues(new Uint32Array(1))[0]}`
    const tokens = await completeFirstSignIn(email, created.json.temporaryPassword, password)
    return { id: created.json.user.id as string, email, role, password, ...tokens }
  }

  async function close() {
    await background.settled()
    await parts.close()
  }

  /** Waits for what responses left running (notices sent after commit). */
  const settled = () => background.settled()

  return {
    ...parts,
    app,
    call,
    post,
    get,
    completeFirstSignIn,
    seedTenant,
    seedUser,
    settled,
    close,
  }
}
