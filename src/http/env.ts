import type { Context } from 'hono'
import type { Actor } from '../services/caller.ts'
import type { Deps } from '../services/deps.ts'

/** What the HTTP layer needs beyond the use cases' dependencies. */
export interface HttpDeps extends Deps {
  /** The real client IP, from the socket or a trusted proxy header; the runtime knows which. */
  clientIp(c: Context): string | null
  /** Origins allowed to call the API from a browser (exact match); same-origin is always allowed. */
  allowedOrigins: string[]
  /** Enables `POST /api/v1/setup` for a fresh deployment; unset, the route does not exist. */
  setupToken?: string
}

export interface AppEnv {
  Variables: {
    requestId: string
    actor: Actor
  }
}
