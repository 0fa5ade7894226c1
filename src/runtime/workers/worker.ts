import { createJsonLogger } from '../../core/logger.ts'
import { cryptoRandom, randomToken } from '../../core/random.ts'
import { createApp } from '../../http/app.ts'
import { applySecurityHeaders } from '../../http/middleware/security-headers.ts'
import { problem } from '../../http/problem.ts'
import { loadWorkerConfig, WorkerConfigError, type WorkerEnv } from './config.ts'
import { createD1Database } from './d1-database.ts'
import { createWorkerDeps } from './worker-deps.ts'

// Workers Logs / `wrangler tail` collect console output: one JSON object per line.
const logger = createJsonLogger((line) => console.log(line))

/**
 * The Workers entry: bindings → config (validated at first use) → D1 session → deps → the same app
 * the Node server runs. A D1 session is per request, so the app is built per request (cheap: routes
 * and schemas are module-level).
 */
export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    try {
      const config = loadWorkerConfig(env)
      const deps = createWorkerDeps(config, { database: createD1Database(env.DB), logger })
      return await createApp(deps).fetch(request, env, ctx)
    } catch (error) {
      return failClosed(error)
    }
  },
} satisfies ExportedHandler<WorkerEnv>

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
