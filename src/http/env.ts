import type { Context } from 'hono'
import type { PendingAuthorization } from '../core/oidc/pending-request.ts'
import type { Actor } from '../services/caller.ts'
import type { Deps } from '../services/deps.ts'

/** What the HTTP layer needs beyond the use cases' dependencies. */
export interface HttpDeps extends Deps {
  /** The real client IP, from the socket or a trusted proxy header; the runtime knows which. */
  clientIp(c: Context): string | null
  /** The service's public origin (`ONCEPASS_PUBLIC_URL`): links and cookie security. */
  publicUrl?: string
  /**
   * The origins that count as this site for same-origin checks: the public origin (and its
   * loopback alias when it was defaulted). Never derived from the request's own Host or URL.
   */
  siteOrigins: string[]
  /** Other origins allowed to call the JSON API from a browser (exact match, CORS). */
  allowedOrigins: string[]
  /** Enables `POST /api/v1/setup` for a fresh deployment; unset, the route does not exist. */
  setupToken?: string
}

export interface AppEnv {
  Variables: {
    /** This request's dependencies: on Workers they carry the request's own D1 session. */
    deps: HttpDeps
    requestId: string
    actor: Actor
    /** An app's authorization request this browser is signing in for (see pages/authorize.ts). */
    pending?: PendingAuthorization
  }
}
