import { z } from 'zod'
import { defaultSettings, type Settings } from '../services/deps.ts'

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback)

/** The settings both runtimes read the same way: from environment variables or Worker vars. */
export const SharedEnvSchema = z.object({
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
  ONCEPASS_ALLOW_PERMANENT_ADMIN_PASSWORDS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  ONCEPASS_IP_LOCK_THRESHOLD: count(defaultSettings.signInThrottle.ipLockThreshold),
  ONCEPASS_RESETS_PER_ADMIN_PER_MINUTE: count(defaultSettings.resetRateLimit.perAdminPerMinute),
  ONCEPASS_RESETS_PER_USER_PER_MINUTE: count(defaultSettings.resetRateLimit.perTargetPerMinute),
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

export type SharedEnv = z.output<typeof SharedEnvSchema>

export interface SharedConfig {
  /** base64url; Node generates one when absent, Workers require it. */
  signingKey: string | undefined
  issuer: string
  audience: string
  allowedOrigins: string[]
  settings: Settings
}

export function toSharedConfig(e: SharedEnv): SharedConfig {
  return {
    signingKey: e.ONCEPASS_SIGNING_KEY,
    issuer: e.ONCEPASS_ISSUER,
    audience: e.ONCEPASS_AUDIENCE,
    allowedOrigins: e.ONCEPASS_ALLOWED_ORIGINS,
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

/** One readable message naming every bad variable. */
export function describeConfigError(error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  return `Invalid configuration:\n${lines.join('\n')}`
}
