import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/logger.ts'
import type { PasswordHasher } from '../core/password-hasher.ts'
import { defaultPasswordPolicy, type PasswordPolicy } from '../core/password-policy.ts'
import type { RandomSource } from '../core/random.ts'
import type { Role } from '../core/roles.ts'
import type { TokenConfig } from '../core/tokens.ts'
import type { Database } from '../db/database.ts'

/** Tunables with safe defaults; each runtime's config reads and validates them once. */
export interface Settings {
  accessTokenTtlSeconds: number
  /** Idle timeout: a refresh token unused this long is dead. */
  refreshIdleSeconds: number
  /** Absolute session lifetime, whatever the activity. */
  sessionAbsoluteSeconds: number
  challengeTtlSeconds: number
  temporaryPasswordTtlSeconds: number
  allowPermanentAdminPasswords: boolean
  idempotencyTtlSeconds: number
  passwordPolicy: PasswordPolicy
  signInThrottle: {
    /** Consecutive failures per account (email) that lock it; each further one doubles the lock. */
    accountLockThreshold: number
    /** Failures from one client IP that lock it out. */
    ipLockThreshold: number
    /** First lock duration; it doubles with every further failure. */
    baseLockSeconds: number
    maxLockSeconds: number
  }
  resetRateLimit: { perAdminPerMinute: number; perTargetPerMinute: number }
}

export const defaultSettings: Settings = {
  accessTokenTtlSeconds: 10 * 60,
  refreshIdleSeconds: 30 * 60,
  sessionAbsoluteSeconds: 12 * 60 * 60,
  challengeTtlSeconds: 10 * 60,
  temporaryPasswordTtlSeconds: 24 * 60 * 60,
  allowPermanentAdminPasswords: false,
  idempotencyTtlSeconds: 24 * 60 * 60,
  passwordPolicy: defaultPasswordPolicy,
  signInThrottle: {
    accountLockThreshold: 5,
    ipLockThreshold: 50,
    baseLockSeconds: 30,
    maxLockSeconds: 15 * 60,
  },
  resetRateLimit: { perAdminPerMinute: 30, perTargetPerMinute: 5 },
}

/** Everything a use case needs, wired once per runtime (see `src/runtime/*`). */
export interface Deps {
  database: Database
  hasher: PasswordHasher
  clock: Clock
  random: RandomSource
  logger: Logger
  tokens: TokenConfig
  settings: Settings
}

/** Facts about the request that the audit trail records. */
export interface RequestMeta {
  requestId: string
  ip: string | null
}

/** The signed-in caller, as loaded from the database on this request. */
export interface Actor {
  id: string
  tenantId: string
  role: Role
  email: string
  displayName: string
  sessionId: string
}
