import { defaultPasswordPolicy, type PasswordPolicy } from '../core/password-policy.ts'

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
    /** Failures per account (email) that lock it; each further one doubles the lock. */
    accountLockThreshold: number
    /** The account's count restarts after this long with no failure and no lock. */
    accountQuietSeconds: number
    /**
     * Consecutive failures (no success in between) after which the account signs in no more
     * until an admin reset: the hard ceiling, whatever the time between attempts.
     */
    accountHardStopFailures: number
    /** How long an account's consecutive failures are remembered after the last one. */
    accountMemorySeconds: number
    /**
     * How long a network the account signed in from stays known after that sign-in. Failures from
     * a known network count toward the account's lock but not its hard stop, which does not
     * apply there (they have a ceiling of their own): nobody elsewhere can stop the account for
     * its user.
     */
    knownNetworkSeconds: number
    /** How long a wrong password is remembered (as a keyed digest): its repeats count no more. */
    repeatedPasswordSeconds: number
    /** Failures from one client IP within `ipWindowSeconds` that lock it out. */
    ipLockThreshold: number
    ipWindowSeconds: number
    /** First lock duration; it doubles with every further failure. */
    baseLockSeconds: number
    maxLockSeconds: number
  }
  resetRateLimit: { perAdminPerMinute: number; perTargetPerMinute: number }
  /** Forgot-password requests counted per client IP and per email within one window. */
  forgotPasswordLimit: { windowSeconds: number; perIp: number; perEmail: number }
  /** A repeated refusal (same event, reason and actor or token family) is audited once per window. */
  repeatedRefusalWindowSeconds: number
  /** Admins must have TOTP, verified within `mfa.stepUpSeconds`, to reset anyone. */
  requireAdminMfa: boolean
  mfa: {
    /** How long a started enrollment waits for its confirming code. */
    enrollmentTtlSeconds: number
    /** Lifetime of the MFA sign-in step between password and code. */
    tokenTtlSeconds: number
    /** How recent a session's second factor must be for an admin reset (step-up). */
    stepUpSeconds: number
  }
  /** A reset (password or MFA) needs the caller verified by the admin, or a written override. */
  requireCallerVerification: boolean
  /** A reset of a global or password admin waits for another global admin's approval. */
  requireApprovalForAdminResets: boolean
  callerVerification: {
    /** How long a started verification waits for its code. */
    codeTtlSeconds: number
    /** How long a verified caller counts, for that admin and that user. */
    validSeconds: number
    /** Wrong codes that burn a verification. */
    maxAttempts: number
    /** Verifications started per user per hour (each tells the user; a mailed one sends a code). */
    startsPerUserPerHour: number
  }
  approvals: {
    /** How long a request waits for a decision. */
    ttlSeconds: number
    /** How long after approval an on-screen reset can be shown to the requester. */
    revealSeconds: number
    /** Requests an admin may make per hour (each mails every other global admin). */
    requestsPerAdminPerHour: number
  }
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
    accountQuietSeconds: 15 * 60,
    accountHardStopFailures: 100,
    accountMemorySeconds: 24 * 60 * 60,
    knownNetworkSeconds: 30 * 24 * 60 * 60,
    repeatedPasswordSeconds: 15 * 60,
    ipLockThreshold: 50,
    ipWindowSeconds: 15 * 60,
    baseLockSeconds: 30,
    maxLockSeconds: 15 * 60,
  },
  resetRateLimit: { perAdminPerMinute: 30, perTargetPerMinute: 5 },
  forgotPasswordLimit: { windowSeconds: 60 * 60, perIp: 10, perEmail: 3 },
  repeatedRefusalWindowSeconds: 15 * 60,
  requireAdminMfa: false,
  mfa: { enrollmentTtlSeconds: 10 * 60, tokenTtlSeconds: 5 * 60, stepUpSeconds: 15 * 60 },
  requireCallerVerification: false,
  requireApprovalForAdminResets: false,
  callerVerification: {
    codeTtlSeconds: 10 * 60,
    validSeconds: 15 * 60,
    maxAttempts: 5,
    startsPerUserPerHour: 10,
  },
  approvals: { ttlSeconds: 24 * 60 * 60, revealSeconds: 60 * 60, requestsPerAdminPerHour: 10 },
}
