import { createJsonLogger } from '../../core/logger.ts'
import { canDeliverOutbox, deliverOutbox, sendErrorCode } from '../../services/outbox.ts'
import { cryptoRandom, randomToken } from '../../core/random.ts'
import { createApp } from '../../http/app.ts'
import { applySecurityHeaders } from '../../http/middleware/security-headers.ts'
import { problem } from '../../http/problem.ts'
import type { Database } from '../../db/database.ts'
import { withDatabase } from '../create-deps.ts'
import { loadWorkerConfig, type WorkerConfig, WorkerConfigError, type WorkerEnv } from './config.ts'
import { createBindingMailer } from './binding-mailer.ts'
import { assertD1Sessions, createD1Database } from './d1-database.ts'
import { createWorkerDeps } from './worker-deps.ts'

// Workers Logs / `wrangler tail` collect console output: one JSON object per line.
const logger = createJsonLogger((line) => console.log(line))

/**
 * The Workers entry: bindings → config (validated at first use) → the same app the Node server runs,
 * built once per isolate. A D1 session is per request: each request's own session reaches the
 * handlers through the context (`depsFor`), never through state shared between requests.
 */
export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    try {
      const app = appFor(loadWorkerConfig(env), env)
      // A broken binding is the deployment's fault, not the request's: refused before the app.
      assertD1Sessions(env.DB)
      return await app.fetch(request, env, ctx)
    } catch (error) {
      return failClosed(error)
    }
  },
  /** The cron trigger (wrangler.toml): notices a request's `waitUntil` could not send are retried. */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext) {
    const config = loadWorkerConfig(env)
    const mailer = mailerFor(config, env)
    const deps = createWorkerDeps(config, { database: createD1Database(env.DB), logger, mailer })
    if (!canDeliverOutbox(deps)) return
    ctx.waitUntil(
      deliverOutbox(deps).then(
        (result) => logger.info('outbox_delivered', result),
        (error: unknown) => logger.error('outbox_delivery_failed', { error: sendErrorCode(error) }),
      ),
    )
  },
} satisfies ExportedHandler<WorkerEnv>

const apps = new WeakMap<WorkerConfig, ReturnType<typeof createApp>>()

/** The app for this configuration (one per isolate in practice: the env does not change). */
function appFor(config: WorkerConfig, env: WorkerEnv) {
  let app = apps.get(config)
  if (!app) {
    const deps = createWorkerDeps(config, {
      database: outsideRequest,
      logger,
      mailer: mailerFor(config, env),
    })
    app = createApp(deps, {
      depsFor: (c) => withDatabase(deps, createD1Database((c.env as WorkerEnv).DB)),
    })
    apps.set(config, app)
  }
  return app
}

/** Mail through the `MAIL` binding when it is bound; it needs a sender address to send from. */
function mailerFor(config: WorkerConfig, env: WorkerEnv) {
  if (!env.MAIL) return undefined
  if (!config.mailFrom) {
    throw new WorkerConfigError(
      'Invalid Worker configuration:\n  ONCEPASS_MAIL_FROM: is required with the MAIL binding; set it under [vars] in wrangler.toml',
    )
  }
  return createBindingMailer(env.MAIL, config.mailFrom)
}

// The app-wide deps hold no database: only a request has a D1 session to read through.
const outsideRequest: Database = {
  get db(): never {
    throw new Error('no D1 session outside a request')
  },
  writeAtomically: () => Promise.reject(new Error('no D1 session outside a request')),
}

/**
 * Anything that fails outside the app's own error handling (a missing secret, a broken binding)
 * gets the app's generic 500: same body, security headers and request id, no detail outward.
 * The reason goes to the log only.
 */
function failClosed(error: unknown): Response {
  const requestId = randomToken(cryptoRandom, 12)
  if (error instanceof WorkerConfigError) {
    logger.error('config_invalid', { requestId, message: error.message })
  } else {
    logger.error('worker_failed', {
      requestId,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    })
  }
  return applySecurityHeaders(
    problem('INTERNAL_ERROR', { requestId }, { 'X-Request-Id': requestId }),
  )
}
