import { z } from 'zod'
import {
  describeConfigError,
  type SharedConfig,
  SharedEnvSchema,
  toSharedConfig,
} from '../shared-config.ts'

/** The Worker's bindings: the D1 database plus vars and secrets (see wrangler.toml). */
export interface WorkerEnv {
  DB: D1Database
  ONCEPASS_SIGNING_KEY?: string
  ONCEPASS_SETUP_TOKEN?: string
  [name: string]: unknown
}

const WorkerEnvSchema = SharedEnvSchema.extend({
  // On Workers there is no disk to keep a generated key on: the secret is required.
  ONCEPASS_SIGNING_KEY: SharedEnvSchema.shape.ONCEPASS_SIGNING_KEY.unwrap(),
  ONCEPASS_SETUP_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
})

export interface WorkerConfig extends SharedConfig {
  signingKey: string
  setupToken: string | undefined
}

const parsed = new WeakMap<object, WorkerConfig>()

/**
 * Validates the Worker's vars and secrets at first use (once per isolate and env). A missing or
 * malformed secret throws an error that says which and how to set it.
 */
export function loadWorkerConfig(env: WorkerEnv): WorkerConfig {
  const cached = parsed.get(env)
  if (cached) return cached
  const strings = Object.fromEntries(
    Object.entries(env).filter(([, value]) => typeof value === 'string'),
  )
  const result = WorkerEnvSchema.safeParse(strings)
  if (!result.success) {
    throw new Error(
      `${describeConfigError(result.error)}\nSet secrets with: npx wrangler secret put ONCEPASS_SIGNING_KEY`,
    )
  }
  const config = {
    ...toSharedConfig(result.data),
    signingKey: result.data.ONCEPASS_SIGNING_KEY,
    setupToken: result.data.ONCEPASS_SETUP_TOKEN,
  }
  parsed.set(env, config)
  return config
}
