import { createJsonLogger } from '../../core/logger.ts'
import { createApp } from '../../http/app.ts'
import { problem } from '../../http/problem.ts'
import { loadWorkerConfig, type WorkerEnv } from './config.ts'
import { createD1Database } from './d1-database.ts'
import { createWorkerDeps } from './worker-deps.ts'

// Workers Logs / `wrangler tail` collect console output: one JSON object per line.
const logger = createJsonLogger((line) => console.log(line))

/**
 * The Workers entry: bindings → config (validated at first use) → D1 → deps → the same app the
 * Node server runs. A D1 session is per request, so the app is built per request (cheap: routes
 * and schemas are module-level).
 */
export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let config: ReturnType<typeof loadWorkerConfig>
    try {
      config = loadWorkerConfig(env)
    } catch (error) {
      logger.error('config_invalid', { message: (error as Error).message })
      return problem('INTERNAL_ERROR')
    }
    const deps = createWorkerDeps(config, { database: createD1Database(env.DB), logger })
    return createApp(deps).fetch(request, env, ctx)
  },
} satisfies ExportedHandler<WorkerEnv>
