import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../../core/logger.ts'
import type { RandomSource } from '../../core/random.ts'
import { randomToken } from '../../core/random.ts'
import type { AppEnv } from '../env.ts'

/**
 * A one-time link's id is half of what opens it (the account's email is the other): whoever reads
 * the log must not be able to burn it. Every other path is logged as it is.
 */
export function loggablePath(path: string): string {
  return path.replace(/\/reveal\/[^/]+/, '/reveal/{id}')
}

/**
 * Gives each request a server-made id (never trusting one sent in), returns it as X-Request-Id,
 * and writes one access-log line: method, path without query, status, duration. No headers and
 * no bodies are logged, so no token or password can reach the log from here.
 */
export function requestContext(logger: Logger, random: RandomSource): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = randomToken(random, 12)
    c.set('requestId', requestId)
    const started = performance.now()
    await next()
    c.res.headers.set('X-Request-Id', requestId)
    logger.info('http_request', {
      requestId,
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    })
  }
}
