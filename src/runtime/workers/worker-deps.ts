import type { Context } from 'hono'
import { type Clock, systemClock } from '../../core/clock.ts'
import { createHashScheduler } from '../../core/hash-scheduler.ts'
import type { Logger } from '../../core/logger.ts'
import type { PasswordHasher } from '../../core/password-hasher.ts'
import { createPooledCryptoRandom, decodeBase64Url, type RandomSource } from '../../core/random.ts'
import type { Database } from '../../db/database.ts'
import type { HttpDeps } from '../../http/env.ts'
import { createWasmArgon2Hasher } from './argon2-hasher.ts'
import type { WorkerConfig } from './config.ts'

const random = createPooledCryptoRandom()
// argon2 in WebAssembly runs on the isolate's one thread: one at a time, a short queue, then 503.
const hasher = createHashScheduler(createWasmArgon2Hasher(random), { maxInFlight: 1, maxQueue: 8 })
const signingKeys = new Map<string, Uint8Array>()

/** Cloudflare sets the real client address; nothing else on the request is trusted for it. */
export const cloudflareClientIp = (c: Context) => c.req.header('CF-Connecting-IP') ?? null

/** Wires the Workers runtime's dependencies; the behaviour tests in workerd call it too. */
export function createWorkerDeps(
  config: WorkerConfig,
  parts: {
    database: Database
    logger: Logger
    clock?: Clock
    hasher?: PasswordHasher
    random?: RandomSource
    clientIp?: (c: Context) => string | null
  },
): HttpDeps {
  let signingKey = signingKeys.get(config.signingKey)
  if (!signingKey) {
    signingKey = decodeBase64Url(config.signingKey)
    signingKeys.set(config.signingKey, signingKey)
  }
  return {
    database: parts.database,
    hasher: parts.hasher ?? hasher,
    clock: parts.clock ?? systemClock,
    random: parts.random ?? random,
    logger: parts.logger,
    tokens: { signingKey, issuer: config.issuer, audience: config.audience },
    settings: config.settings,
    clientIp: parts.clientIp ?? cloudflareClientIp,
    allowedOrigins: config.allowedOrigins,
    setupToken: config.setupToken,
  }
}
