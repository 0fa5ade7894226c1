import type { Context } from 'hono'
import type { RequestMeta } from '../services/caller.ts'
import type { AppEnv } from './env.ts'

/** The request facts the audit trail records: our own request id and the real client IP. */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { requestId: c.var.requestId, ip: c.var.deps.clientIp(c) }
}
