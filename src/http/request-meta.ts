import type { Context } from 'hono'
import type { RequestMeta } from '../services/caller.ts'
import type { HttpDeps } from './env.ts'

export function requestMeta(c: Context, deps: HttpDeps): RequestMeta {
  return { requestId: c.get('requestId') as string, ip: deps.clientIp(c) }
}
