import type { JWK } from 'jose'
import { z } from 'zod'
import { type SharedConfig, SharedEnvSchema, toSharedConfig } from '../common-config.ts'

const WorkerEnvSchema = SharedEnvSchema.extend({
  // On Workers there is no disk to keep a generated key on: the secret is required.
  ONCEPASS_SIGNING_KEY: SharedEnvSchema.shape.ONCEPASS_SIGNING_KEY.unwrap(),
  ONCEPASS_ENCRYPTION_KEY: SharedEnvSchema.shape.ONCEPASS_ENCRYPTION_KEY.unwrap(),
  ONCEPASS_OIDC_SIGNING_KEY: SharedEnvSchema.shape.ONCEPASS_OIDC_SIGNING_KEY.unwrap(),
  ONCEPASS_SETUP_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
})

/**
 * The Worker's bindings: the D1 database, and the vars and secrets (see wrangler.toml) that the
 * schema above validates, each a string when set. The test env extends this type.
 */
export type WorkerEnv = { DB: D1Database; MAIL?: SendEmail } & {
  [Name in keyof typeof WorkerEnvSchema.shape]?: string
}

export interface WorkerConfig extends SharedConfig {
  /** Without a public URL no browser origin counts as this site: forms fail closed. */
  siteOrigins: string[]
  signingKey: string
  encryptionKey: string
  oidcSigningKey: JWK
  setupToken: string | undefined
}

const SECRETS = new Set([
  'ONCEPASS_SIGNING_KEY',
  'ONCEPASS_ENCRYPTION_KEY',
  'ONCEPASS_PREVIOUS_ENCRYPTION_KEYS',
  'ONCEPASS_OIDC_SIGNING_KEY',
  'ONCEPASS_SETUP_TOKEN',
])

/** Vars or secrets the Worker cannot run with. The message names each and how to set it. */
export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError'
}

// Names and reasons only: a value (a malformed key is still most of a key) never enters the text.
function describeWorkerConfigError(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const name = String(issue.path[0])
    const fix = SECRETS.has(name)
      ? `set the secret with: npx wrangler secret put ${name}`
      : 'set it under [vars] in wrangler.toml'
    return `  ${name}: ${issue.message}; ${fix}`
  })
  return `Invalid Worker configuration:\n${lines.join('\n')}`
}

const parsed = new WeakMap<object, WorkerConfig>()

/**
 * Validates the Worker's vars and secrets at first use (once per isolate and env). A missing or
 * malformed secret throws a `WorkerConfigError` that says which and how to set it.
 */
export function loadWorkerConfig(env: WorkerEnv): WorkerConfig {
  const cached = parsed.get(env)
  if (cached) return cached
  const strings = Object.fromEntries(
    Object.entries(env).filter(([, value]) => typeof value === 'string'),
  )
  const result = WorkerEnvSchema.safeParse(strings, {
    error: (issue) => (issue.input === undefined ? 'is missing' : undefined),
  })
  if (!result.success) throw new WorkerConfigError(describeWorkerConfigError(result.error))
  const config = {
    ...toSharedConfig(result.data),
    siteOrigins: result.data.ONCEPASS_PUBLIC_URL ? [result.data.ONCEPASS_PUBLIC_URL] : [],
    signingKey: result.data.ONCEPASS_SIGNING_KEY,
    encryptionKey: result.data.ONCEPASS_ENCRYPTION_KEY,
    oidcSigningKey: result.data.ONCEPASS_OIDC_SIGNING_KEY,
    setupToken: result.data.ONCEPASS_SETUP_TOKEN,
  }
  parsed.set(env, config)
  return config
}
