import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFakeClock } from '../../src/core/clock.ts'
import type { HashSchedulerOptions } from '../../src/core/hash-scheduler.ts'
import { createJsonLogger } from '../../src/core/logger.ts'
import type { PasswordHasher } from '../../src/core/password-hasher.ts'
import { createApp } from '../../src/http/app.ts'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { openSqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'
import { defaultSettings, type Settings } from '../../src/services/deps.ts'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'

export const CLIENT_IP_HEADER = 'x-test-client-ip'
export const API = '/api/v1'

/** A real argon2 hasher that counts its calls (a spy beside the real thing, never instead of it). */
export function countingHasher(inner: PasswordHasher = createArgon2Hasher()) {
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

export interface TestAppOptions {
  settings?: Partial<Settings>
  hashing?: Partial<HashSchedulerOptions>
  /** Enables `POST /api/v1/setup` with this token (off by default, as on Node in production). */
  setupToken?: string
  hasher?: PasswordHasher
}

/**
 * A fresh app on its own SQLite file, built by the same factory as production, with real argon2,
 * a fake clock, captured logs and a header that stands in for the client IP.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-test-'))
  const databasePath = join(dir, 'oncepass.sqlite')
  const database = openSqliteDatabase(databasePath)
  const logLines: string[] = []
  const clock = createFakeClock(Date.UTC(2026, 10, 22, 12, 0, 0))
  const counting = countingHasher(options.hasher)
  const deps = createNodeDeps(
    {
      issuer: 'oncepass-test',
      audience: 'oncepass-test-api',
      trustProxyHeader: CLIENT_IP_HEADER,
      allowedOrigins: ['https://admin.example.test'],
      hashing: { maxInFlight: 2, maxQueue: 64, ...options.hashing },
      settings: { ...defaultSettings, ...options.settings },
    },
    {
      database,
      logger: createJsonLogger((line) => logLines.push(line), clock.now),
      signingKey: crypto.getRandomValues(new Uint8Array(32)),
      clock,
      hasher: counting.hasher,
    },
  )
  if (options.setupToken) deps.setupToken = options.setupToken
  const app = createApp(deps)

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
    const response = await app.request(path.startsWith('/') ? path : `${API}/${path}`, {
      method,
      headers,
      body,
    })
    const text = await response.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      // not JSON: callers use `text`
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
    if (challenge.json?.status !== 'password_change_required')
      throw new Error(`expected a challenge: ${challenge.text}`)
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
    const password = `a long chosen passphrase ${crypto.randomUUID().slice(0, 8)}`
    const tokens = await completeFirstSignIn(email, created.json.temporaryPassword, password)
    return { id: created.json.user.id as string, email, role, password, ...tokens }
  }

  return {
    runtime: 'node' as const,
    app,
    deps,
    database,
    databasePath,
    /** Raw SQL for assertions on stored state (the same on D1 in the Workers helper). */
    async rows<T>(text: string, ...params: unknown[]): Promise<T[]> {
      return database.sqlite.prepare(text).all(...params) as T[]
    },
    async run(text: string, ...params: unknown[]): Promise<void> {
      database.sqlite.prepare(text).run(...params)
    },
    /** An argon2id hash with weaker-than-production parameters, as an old deployment made. */
    async weakHash(password: string): Promise<string> {
      const { hash } = await import('@node-rs/argon2')
      return hash(password.normalize('NFKC'), {
        algorithm: 2,
        memoryCost: 4096,
        timeCost: 1,
        parallelism: 1,
      })
    },
    clock,
    logLines,
    hashCalls: counting.calls,
    call,
    post,
    get,
    completeFirstSignIn,
    seedTenant,
    seedUser,
    close() {
      database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>
