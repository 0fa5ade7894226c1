import { availableParallelism } from 'node:os'
import { z } from 'zod'
import type { HashSchedulerOptions } from '../../core/hash-scheduler.ts'
import { defaultSettings, type Settings } from '../../services/deps.ts'

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

const boolean = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1')

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/oncepass.sqlite'),
  ONCEPASS_ADMIN_EMAIL: z.email().default('admin@example.com'),
  ONCEPASS_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,}$/, 'must be base64url of at least 32 random bytes')
    .optional(),
  ONCEPASS_ISSUER: z.string().min(1).default('oncepass'),
  ONCEPASS_AUDIENCE: z.string().min(1).default('oncepass-api'),
  ONCEPASS_ACCESS_TOKEN_TTL: seconds(defaultSettings.accessTokenTtlSeconds, 60, 3600),
  ONCEPASS_REFRESH_IDLE_TTL: seconds(defaultSettings.refreshIdleSeconds, 300, 7 * 86400),
  ONCEPASS_SESSION_MAX_AGE: seconds(defaultSettings.sessionAbsoluteSeconds, 900, 30 * 86400),
  ONCEPASS_CHALLENGE_TTL: seconds(defaultSettings.challengeTtlSeconds, 60, 900),
  ONCEPASS_TEMP_PASSWORD_TTL: seconds(defaultSettings.temporaryPasswordTtlSeconds, 3600, 7 * 86400),
  ONCEPASS_ALLOW_PERMANENT_ADMIN_PASSWORDS: boolean,
  ONCEPASS_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  ONCEPASS_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  ONCEPASS_IP_LOCK_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultSettings.signInThrottle.ipLockThreshold),
  ONCEPASS_RESETS_PER_ADMIN_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultSettings.resetRateLimit.perAdminPerMinute),
  ONCEPASS_RESETS_PER_USER_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultSettings.resetRateLimit.perTargetPerMinute),
  /** e.g. `x-forwarded-for` behind a reverse proxy you run; unset: the socket address. */
  ONCEPASS_TRUST_PROXY_HEADER: z.string().toLowerCase().optional(),
  ONCEPASS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
})

export interface NodeConfig {
  port: number
  host: string
  databasePath: string
  adminEmail: string
  /** base64url; when absent, a key is generated once and kept beside the database. */
  signingKey: string | undefined
  issuer: string
  audience: string
  trustProxyHeader: string | undefined
  allowedOrigins: string[]
  hashing: HashSchedulerOptions
  settings: Settings
}

/**
 * Reads and validates the environment once, at start-up: the only place that reads it.
 * Throws a readable error naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): NodeConfig {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    adminEmail: e.ONCEPASS_ADMIN_EMAIL,
    signingKey: e.ONCEPASS_SIGNING_KEY,
    issuer: e.ONCEPASS_ISSUER,
    audience: e.ONCEPASS_AUDIENCE,
    trustProxyHeader: e.ONCEPASS_TRUST_PROXY_HEADER,
    allowedOrigins: e.ONCEPASS_ALLOWED_ORIGINS,
    hashing: { maxInFlight: e.ONCEPASS_HASH_CONCURRENCY, maxQueue: e.ONCEPASS_HASH_QUEUE },
    settings: {
      ...defaultSettings,
      accessTokenTtlSeconds: e.ONCEPASS_ACCESS_TOKEN_TTL,
      refreshIdleSeconds: e.ONCEPASS_REFRESH_IDLE_TTL,
      sessionAbsoluteSeconds: e.ONCEPASS_SESSION_MAX_AGE,
      challengeTtlSeconds: e.ONCEPASS_CHALLENGE_TTL,
      temporaryPasswordTtlSeconds: e.ONCEPASS_TEMP_PASSWORD_TTL,
      allowPermanentAdminPasswords: e.ONCEPASS_ALLOW_PERMANENT_ADMIN_PASSWORDS,
      signInThrottle: {
        ...defaultSettings.signInThrottle,
        ipLockThreshold: e.ONCEPASS_IP_LOCK_THRESHOLD,
      },
      resetRateLimit: {
        perAdminPerMinute: e.ONCEPASS_RESETS_PER_ADMIN_PER_MINUTE,
        perTargetPerMinute: e.ONCEPASS_RESETS_PER_USER_PER_MINUTE,
      },
    },
  }
}
