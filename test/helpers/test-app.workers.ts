import { applyD1Migrations, reset } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { createFakeClock } from '../../src/core/clock.ts'
import { createJsonLogger } from '../../src/core/logger.ts'
import { createPooledCryptoRandom, randomToken } from '../../src/core/random.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { createWasmArgon2Hasher } from '../../src/runtime/workers/argon2-hasher.ts'
import { createD1Database } from '../../src/runtime/workers/d1-database.ts'
import { createWorkerDeps } from '../../src/runtime/workers/worker-deps.ts'
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
export const runtime: 'node' | 'workers' = 'workers'

const random = createPooledCryptoRandom()

/**
 * The same test app inside workerd: a freshly migrated local D1 (storage is shared within a test
 * file, so it is wiped first), the WASM argon2id hasher, a fake clock and captured logs.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  await reset()
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  const logLines: string[] = []
  const clock = createFakeClock(TEST_START)
  const counting = countingHasher(createWasmArgon2Hasher(random))
  const deps = createWorkerDeps(
    {
      signingKey: randomToken(random),
      encryptionKey: randomToken(random, 32),
      previousEncryptionKeys: [],
      setupToken: options.setupToken,
      issuer: 'oncepass-test',
      audience: 'oncepass-test-api',
      publicUrl: TEST_PUBLIC_URL,
      allowedOrigins: TEST_ORIGINS,
      oidcSigningKey: TEST_OIDC_KEY,
      oidcPreviousKeys: [],
      settings: { ...defaultSettings, ...options.settings },
    },
    {
      database: createD1Database(env.DB),
      logger: createJsonLogger((line) => logLines.push(line), clock.now),
      clock,
      // As in production, no hash scheduler on Workers (see worker-deps.ts): `options.hashing`
      // is a Node setting.
      hasher: counting.hasher,
      clientIp: (c) => c.req.header(CLIENT_IP_HEADER) ?? null,
      mailer: options.mailer,
      fetch: options.fetch ?? offline,
    },
  )
  return buildHarness({
    runtime: 'workers' as const,
    deps,
    clock,
    logLines,
    hashCalls: counting.calls,
    async rows<T>(text: string, ...params: unknown[]): Promise<T[]> {
      return (
        await env.DB.prepare(text)
          .bind(...params)
          .all<T>()
      ).results
    },
    async run(text: string, ...params: unknown[]): Promise<void> {
      await env.DB.prepare(text)
        .bind(...params)
        .run()
    },
    async weakHash(password: string): Promise<string> {
      const weak = createWasmArgon2Hasher(random, { memoryCost: 4096, timeCost: 1, parallelism: 1 })
      return weak.hash(password.normalize('NFKC'))
    },
    close() {},
  })
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** No network in tests unless a test brings its own `fetch`. */
const offline: typeof fetch = () => Promise.reject(new TypeError('fetch failed: offline in tests'))
