import { availableParallelism } from 'node:os'
import { z } from 'zod'
import type { HashSchedulerOptions } from '../../core/hash-scheduler.ts'
import {
  describeConfigError,
  defaultSender,
  type SharedConfig,
  SharedEnvSchema,
  toSharedConfig,
} from '../common-config.ts'

// What the server and the CLI both read: the service's settings and the database file.
const StorageEnvSchema = SharedEnvSchema.extend({
  DATABASE_PATH: z.string().min(1).default('./data/oncepass.sqlite'),
})

// The server reads all of that plus what only the HTTP server uses.
const NodeEnvSchema = StorageEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  ONCEPASS_ADMIN_EMAIL: z.email().default('admin@example.com'),
  ONCEPASS_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  ONCEPASS_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  /** Longest wait for a hash slot before the request is shed (503 + Retry-After). */
  ONCEPASS_HASH_MAX_WAIT_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** e.g. `x-forwarded-for` behind a reverse proxy you run; unset: the socket address. */
  ONCEPASS_TRUST_PROXY_HEADER: z.string().toLowerCase().optional(),
  /** `smtp://user:pass@host:port` or `smtps://…`; unset, no mail is sent (notices wait in the outbox). */
  ONCEPASS_SMTP_URL: z
    .url({ protocol: /^smtps?$/, abort: true, error: 'must be an smtp:// or smtps:// URL' })
    .optional(),
})

/** A configuration problem the operator must fix: its message names it and is safe to print. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface NodeConfig extends SharedConfig {
  publicUrl: string
  /** The public origin, plus its `localhost` spelling when the loopback default is in use. */
  siteOrigins: string[]
  port: number
  host: string
  databasePath: string
  adminEmail: string
  trustProxyHeader: string | undefined
  hashing: HashSchedulerOptions
  /** The SMTP transport, when `ONCEPASS_SMTP_URL` is set (the sender is `mailFrom`). */
  smtp: { url: string; from: string } | undefined
}

export interface CliConfig extends SharedConfig {
  databasePath: string
}

type Env = Record<string, string | undefined>

function parseEnv<Schema extends z.ZodType>(schema: Schema, env: Env): z.output<Schema> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) throw new ConfigError(describeConfigError(parsed.error))
  return parsed.data
}

/**
 * Reads and validates the environment once, at start-up: the only place that reads it.
 * Throws a `ConfigError` naming every bad variable.
 */
export function loadConfig(env: Env = process.env): NodeConfig {
  const e = parseEnv(NodeEnvSchema, env)
  const publicUrl = e.ONCEPASS_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`
  return {
    ...toSharedConfig(e),
    publicUrl,
    // The default is a loopback address, which a newcomer may just as well open as localhost.
    siteOrigins: e.ONCEPASS_PUBLIC_URL ? [publicUrl] : [publicUrl, `http://localhost:${e.PORT}`],
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    adminEmail: e.ONCEPASS_ADMIN_EMAIL,
    trustProxyHeader: e.ONCEPASS_TRUST_PROXY_HEADER,
    hashing: {
      maxInFlight: e.ONCEPASS_HASH_CONCURRENCY,
      maxQueue: e.ONCEPASS_HASH_QUEUE,
      maxWaitMs: e.ONCEPASS_HASH_MAX_WAIT_MS,
    },
    smtp: e.ONCEPASS_SMTP_URL
      ? { url: e.ONCEPASS_SMTP_URL, from: e.ONCEPASS_MAIL_FROM ?? defaultSender(publicUrl) }
      : undefined,
  }
}

/**
 * The CLI's configuration: the database file and the service settings, validated exactly as the
 * server validates them. Variables only the HTTP server reads (PORT, HOST, the hashing queue, …)
 * are ignored, so a bad one cannot block a break-glass reset. Throws a `ConfigError`.
 */
export function loadCliConfig(env: Env = process.env): CliConfig {
  const e = parseEnv(StorageEnvSchema, env)
  return {
    ...toSharedConfig(e),
    databasePath: e.DATABASE_PATH,
  }
}
