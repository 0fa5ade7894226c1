import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import type { JWK } from 'jose'
import { z } from 'zod'
import { parseOidcJwk } from '../core/oidc/signing-keys.ts'
import { decodeBase64Url } from '../core/random.ts'
import { createKeyring, ENCRYPTION_KEY_BYTES, type Keyring } from '../core/secret-box.ts'
import { defaultSettings, type Settings } from '../services/settings.ts'

/** HS256 needs a key at least as long as its hash output (RFC 7518 §3.2). */
const MIN_SIGNING_KEY_BYTES = 32

export const SIGNING_KEY_RULE = `base64url (A-Z a-z 0-9 - _, no padding) of at least ${MIN_SIGNING_KEY_BYTES} random bytes`

/**
 * The bytes of a base64url signing key, or null when the text is not base64url or decodes to
 * fewer than 32 bytes. The decoded length is what counts: a length check on the text alone lets
 * through strings that are not base64 at all (4n+1 characters).
 */
export function decodeSigningKey(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const key = decodeBase64Url(text)
  return key.length >= MIN_SIGNING_KEY_BYTES ? key : null
}

export const ENCRYPTION_KEY_RULE = `base64url (A-Z a-z 0-9 - _, no padding) of at least ${ENCRYPTION_KEY_BYTES} random bytes`

/**
 * The AES-256 key a base64url secret stands for, or null when the text is not base64url or
 * decodes to fewer than 32 bytes. 32 bytes are the key itself; a longer secret is condensed to 32
 * with HKDF-SHA-256 (RFC 5869), never truncated, so every byte of it counts.
 */
export function decodeEncryptionKey(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const secret = decodeBase64Url(text)
  if (secret.length < ENCRYPTION_KEY_BYTES) return null
  if (secret.length === ENCRYPTION_KEY_BYTES) return secret
  return hkdf(
    sha256,
    secret,
    undefined,
    utf8ToBytes('oncepass encryption key'),
    ENCRYPTION_KEY_BYTES,
  )
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1')

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback)

/** An origin only (scheme, host, port): the service's public address, used for links and checks. */
const publicOrigin = z
  .url({
    protocol: /^https?$/,
    abort: true,
    error: 'must be an http(s) origin, e.g. https://id.example.com',
  })
  .refine((text) => {
    const url = new URL(text)
    return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
  }, 'must be an origin only: scheme, host and port, no path, query or credentials')
  .transform((text) => new URL(text).origin)

export const OIDC_KEY_RULE =
  'a private P-256 (ES256) key as a JWK in JSON, e.g. from `npx oncepass oidc-key`'

/** The settings both runtimes read the same way: from environment variables or Worker vars. */
export const SharedEnvSchema = z.object({
  ONCEPASS_SIGNING_KEY: z
    .string()
    .refine((text) => decodeSigningKey(text) !== null, `must be ${SIGNING_KEY_RULE}`)
    .optional(),
  ONCEPASS_ENCRYPTION_KEY: z
    .string()
    .refine((text) => decodeEncryptionKey(text) !== null, `must be ${ENCRYPTION_KEY_RULE}`)
    .optional(),
  /** Keys retired from ONCEPASS_ENCRYPTION_KEY, comma-separated: still read, never written. */
  ONCEPASS_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .refine(
      (keys) => keys.every((key) => decodeEncryptionKey(key) !== null),
      `must be a comma-separated list, each ${ENCRYPTION_KEY_RULE}`,
    ),
  /** The OpenID Provider's private signing key, a P-256 JWK as JSON (Node generates one). */
  ONCEPASS_OIDC_SIGNING_KEY: z
    .string()
    .refine((text) => parseOidcJwk(text, { private: true }) !== null, `must be ${OIDC_KEY_RULE}`)
    .transform((text) => parseOidcJwk(text, { private: true })!)
    .optional(),
  /** Retired OpenID keys still published (public parts), a JSON array of P-256 JWKs. */
  ONCEPASS_OIDC_PREVIOUS_KEYS: z
    .string()
    .default('[]')
    .transform((text, context) => {
      const keys = parseJsonArray(text)?.map((key) => parseOidcJwk(key, { private: false }))
      if (keys && keys.every((key) => key !== null)) return keys as JWK[]
      context.addIssue({ code: 'custom', message: 'must be a JSON array of P-256 JWKs' })
      return z.NEVER
    }),
  ONCEPASS_REQUIRE_ADMIN_MFA: booleanFlag,
  ONCEPASS_REQUIRE_CALLER_VERIFICATION: booleanFlag,
  ONCEPASS_REQUIRE_APPROVAL_FOR_ADMIN_RESETS: booleanFlag,
  ONCEPASS_ISSUER: z.string().min(1).default('oncepass'),
  ONCEPASS_AUDIENCE: z.string().min(1).default('oncepass-api'),
  ONCEPASS_ACCESS_TOKEN_TTL: seconds(defaultSettings.accessTokenTtlSeconds, 60, 3600),
  ONCEPASS_REFRESH_IDLE_TTL: seconds(defaultSettings.refreshIdleSeconds, 300, 7 * 86400),
  ONCEPASS_SESSION_MAX_AGE: seconds(defaultSettings.sessionAbsoluteSeconds, 900, 30 * 86400),
  ONCEPASS_CHALLENGE_TTL: seconds(defaultSettings.challengeTtlSeconds, 60, 900),
  ONCEPASS_TEMP_PASSWORD_TTL: seconds(defaultSettings.temporaryPasswordTtlSeconds, 3600, 7 * 86400),
  ONCEPASS_ALLOW_PERMANENT_ADMIN_PASSWORDS: booleanFlag,
  ONCEPASS_IP_LOCK_THRESHOLD: count(defaultSettings.signInThrottle.ipLockThreshold),
  ONCEPASS_RESETS_PER_ADMIN_PER_MINUTE: count(defaultSettings.resetRateLimit.perAdminPerMinute),
  ONCEPASS_RESETS_PER_USER_PER_MINUTE: count(defaultSettings.resetRateLimit.perTargetPerMinute),
  ONCEPASS_PUBLIC_URL: publicOrigin.optional(),
  /** The sender of every mail, e.g. `oncepass <no-reply@acme.example>`. */
  ONCEPASS_MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .refine(
      (text) => text.includes('@') && !/[\r\n]/.test(text),
      'must be a sender address, e.g. oncepass <no-reply@acme.example>',
    )
    .optional(),
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

/**
 * The sender when `ONCEPASS_MAIL_FROM` is unset: no-reply at the public host, or at `localhost`
 * when that host is an IP address (the loopback default), which no mail address can name as is.
 *
 * @example
 * defaultSender('https://id.acme.example') // 'oncepass <no-reply@id.acme.example>'
 */
export function defaultSender(publicUrl: string): string {
  const host = new URL(publicUrl).hostname
  const isAddress = /^[\d.]+$/.test(host) || host.startsWith('[')
  return `oncepass <no-reply@${isAddress ? 'localhost' : host}>`
}

export interface SharedConfig {
  /** base64url; Node generates one when absent, Workers require it. */
  signingKey: string | undefined
  /** base64url; Node generates one when absent, Workers require it. */
  encryptionKey: string | undefined
  previousEncryptionKeys: string[]
  issuer: string
  audience: string
  /** `ONCEPASS_PUBLIC_URL` as an origin, when set; each runtime decides its default. */
  publicUrl: string | undefined
  allowedOrigins: string[]
  /** `ONCEPASS_MAIL_FROM`: the sender address (Node's default: `defaultSender`). */
  mailFrom?: string
  /** The OpenID signing key; Node generates one when absent, Workers require it. */
  oidcSigningKey: JWK | undefined
  oidcPreviousKeys: JWK[]
  settings: Settings
}

export function toSharedConfig(e: SharedEnv): SharedConfig {
  return {
    signingKey: e.ONCEPASS_SIGNING_KEY,
    encryptionKey: e.ONCEPASS_ENCRYPTION_KEY,
    previousEncryptionKeys: e.ONCEPASS_PREVIOUS_ENCRYPTION_KEYS,
    issuer: e.ONCEPASS_ISSUER,
    audience: e.ONCEPASS_AUDIENCE,
    publicUrl: e.ONCEPASS_PUBLIC_URL,
    allowedOrigins: e.ONCEPASS_ALLOWED_ORIGINS,
    mailFrom: e.ONCEPASS_MAIL_FROM,
    oidcSigningKey: e.ONCEPASS_OIDC_SIGNING_KEY,
    oidcPreviousKeys: e.ONCEPASS_OIDC_PREVIOUS_KEYS,
    settings: {
      ...defaultSettings,
      accessTokenTtlSeconds: e.ONCEPASS_ACCESS_TOKEN_TTL,
      refreshIdleSeconds: e.ONCEPASS_REFRESH_IDLE_TTL,
      sessionAbsoluteSeconds: e.ONCEPASS_SESSION_MAX_AGE,
      challengeTtlSeconds: e.ONCEPASS_CHALLENGE_TTL,
      temporaryPasswordTtlSeconds: e.ONCEPASS_TEMP_PASSWORD_TTL,
      allowPermanentAdminPasswords: e.ONCEPASS_ALLOW_PERMANENT_ADMIN_PASSWORDS,
      requireAdminMfa: e.ONCEPASS_REQUIRE_ADMIN_MFA,
      requireCallerVerification: e.ONCEPASS_REQUIRE_CALLER_VERIFICATION,
      requireApprovalForAdminResets: e.ONCEPASS_REQUIRE_APPROVAL_FOR_ADMIN_RESETS,
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

function parseJsonArray(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

/** One readable message naming every bad variable. */
export function describeConfigError(error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  return `Invalid configuration:\n${lines.join('\n')}`
}

/** The keyring for secrets at rest: the current key first, then the retired ones still read. */
export function encryptionKeyring(current: Uint8Array, previous: readonly string[]): Keyring {
  return createKeyring([current, ...previous.map((text) => decodeEncryptionKey(text)!)])
}
