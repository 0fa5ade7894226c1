import { availableParallelism } from 'node:os'
import { z } from 'zod'
import type { HashSchedulerOptions } from '../../core/hash-scheduler.ts'
import {
  describeConfigError,
  type SharedConfig,
  SharedEnvSchema,
  toSharedConfig,
} from '../shared-config.ts'

const NodeEnvSchema = SharedEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/oncepass.sqlite'),
  ONCEPASS_ADMIN_EMAIL: z.email().default('admin@example.com'),
  ONCEPASS_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  ONCEPASS_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  /** e.g. `x-forwarded-for` behind a reverse proxy you run; unset: the socket address. */
  ONCEPASS_TRUST_PROXY_HEADER: z.string().toLowerCase().optional(),
})

/** A configuration problem the operator must fix: its message names it and is safe to print. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface NodeConfig extends SharedConfig {
  port: number
  host: string
  databasePath: string
  adminEmail: string
  trustProxyHeader: string | undefined
  hashing: HashSchedulerOptions
}

/**
 * Reads and validates the environment once, at start-up: the only place that reads it.
 * Throws a readable error naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): NodeConfig {
  const parsed = NodeEnvSchema.safeParse(env)
  if (!parsed.success) throw new ConfigError(describeConfigError(parsed.error))
  const e = parsed.data
  return {
    ...toSharedConfig(e),
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    adminEmail: e.ONCEPASS_ADMIN_EMAIL,
    trustProxyHeader: e.ONCEPASS_TRUST_PROXY_HEADER,
    hashing: { maxInFlight: e.ONCEPASS_HASH_CONCURRENCY, maxQueue: e.ONCEPASS_HASH_QUEUE },
  }
}
