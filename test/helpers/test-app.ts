import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { createFakeClock } from '../../src/core/clock.ts'
import { createJsonLogger } from '../../src/core/logger.ts'
import { createKeyring } from '../../src/core/secret-box.ts'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { openSqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import {
  buildHarness,
  CLIENT_IP_HEADER,
  countingHasher,
  TEST_ORIGINS,
  TEST_PUBLIC_URL,
  TEST_OIDC_KEY,
  TEST_START,
  type TestAppOptions,
} from './harness.ts'

export {
  API,
  CLIENT_IP_HEADER,
  countingHasher,
  recordingMailer,
  type TestAppOptions,
} from './harness.ts'

/** Which runtime this helper builds the app for. */
export const runtime: 'node' | 'workers' = 'node'

/**
 * A fresh app on its own SQLite file, built by the same factory as production, with real argon2
 * (@node-rs/argon2), a fake clock, captured logs and a header that stands in for the client IP.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-test-'))
  const databasePath = join(dir, 'oncepass.sqlite')
  // As the server opens it: every write goes through the writer thread.
  const database = openSqliteDatabase(databasePath, { writerThread: true })
  const logLines: string[] = []
  const clock = createFakeClock(TEST_START)
  const counting = countingHasher(createArgon2Hasher())
  const deps = createNodeDeps(
    {
      issuer: 'oncepass-test',
      audience: 'oncepass-test-api',
      trustProxyHeader: CLIENT_IP_HEADER,
      publicUrl: TEST_PUBLIC_URL,
      siteOrigins: [TEST_PUBLIC_URL],
      allowedOrigins: TEST_ORIGINS,
      hashing: { maxInFlight: 2, maxQueue: 64, ...options.hashing },
      settings: { ...defaultSettings, ...options.settings },
    },
    {
      database,
      logger: createJsonLogger((line) => logLines.push(line), clock.now),
      signingKey: crypto.getRandomValues(new Uint8Array(32)),
      encryption: createKeyring([crypto.getRandomValues(new Uint8Array(32))]),
      clock,
      hasher: counting.hasher,
      mailer: options.mailer,
      oidcKey: TEST_OIDC_KEY,
      fetch: options.fetch ?? offline,
    },
  )
  deps.setupToken = options.setupToken
  return buildHarness({
    runtime: 'node' as const,
    deps,
    database,
    databasePath,
    clock,
    logLines,
    hashCalls: counting.calls,
    async rows<T>(text: string, ...params: unknown[]): Promise<T[]> {
      return database.sqlite.prepare(text).all(...params) as T[]
    },
    /** A statement written the way the app writes (on the writer thread): `?` marks each parameter. */
    async run(text: string, ...params: unknown[]): Promise<void> {
      const pieces = text.split('?')
      const template = Object.assign(pieces, { raw: pieces }) as unknown as TemplateStringsArray
      await database.writeAtomically([sql(template, ...params)])
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
    async close() {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  })
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** No network in tests unless a test brings its own `fetch`. */
const offline: typeof fetch = () => Promise.reject(new TypeError('fetch failed: offline in tests'))
