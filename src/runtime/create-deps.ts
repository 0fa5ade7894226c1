import type { Context } from 'hono'
import { type Clock, systemClock } from '../core/clock.ts'
import type { Logger } from '../core/logger.ts'
import { type Mailer, withTemplates } from '../core/mail.ts'
import type { OidcProvider } from '../core/oidc/signing-keys.ts'
import type { PasswordHasher } from '../core/password-hasher.ts'
import { createPooledCryptoRandom, type RandomSource } from '../core/random.ts'
import type { Keyring } from '../core/secret-box.ts'
import type { Database } from '../db/database.ts'
import type { HttpDeps } from '../http/env.ts'
import type { Deps } from '../services/deps.ts'
import type { Settings } from '../services/settings.ts'
import { countingQueuedNotices } from '../services/outbox.ts'
import { renderNotice } from '../ui/mail.ts'

/** What every runtime hands over: the ports it built and the settings it validated. */
export interface DepsParts {
  database: Database
  hasher: PasswordHasher
  logger: Logger
  signingKey: Uint8Array
  issuer: string
  audience: string
  settings: Settings
  clock?: Clock
  random?: RandomSource
  /** The mail transport, when one is configured; without it, notices wait in the outbox. */
  mailer?: Mailer
  encryption?: Keyring
  oidc?: OidcProvider
  fetch?: typeof fetch
}

/** What only the HTTP surfaces need on top. */
export interface HttpParts {
  clientIp(c: Context): string | null
  publicUrl?: string
  siteOrigins: string[]
  allowedOrigins: string[]
  setupToken?: string
}

const sharedRandom = createPooledCryptoRandom()

/**
 * The use cases' dependencies, the same shape on every runtime and in the CLI. A new port is one
 * more field here and in `DepsParts`.
 *
 * @example
 * const deps = createDeps({ database, hasher, logger, signingKey, issuer, audience, settings })
 */
export function createDeps(parts: DepsParts): Deps {
  return {
    database: countingQueuedNotices(parts.database),
    hasher: parts.hasher,
    clock: parts.clock ?? systemClock,
    random: parts.random ?? sharedRandom,
    logger: parts.logger,
    tokens: { signingKey: parts.signingKey, issuer: parts.issuer, audience: parts.audience },
    settings: parts.settings,
    mailer: parts.mailer ? withTemplates(parts.mailer, renderNotice) : undefined,
    encryption: parts.encryption,
    oidc: parts.oidc,
    fetch: parts.fetch ?? ((input, init) => fetch(input, init)),
  }
}

/**
 * The same deps over another database (a Worker request's own D1 session), counted as
 * `createDeps` counts its own: a request whose write queued notices then starts a delivery pass.
 */
export function withDatabase<D extends Deps>(deps: D, database: Database): D {
  return { ...deps, database: countingQueuedNotices(database) }
}

/** `createDeps` plus what the HTTP app reads: the client address, the public origin, CORS. */
export function createHttpDeps(parts: DepsParts & HttpParts): HttpDeps {
  return {
    ...createDeps(parts),
    clientIp: parts.clientIp,
    publicUrl: parts.publicUrl,
    siteOrigins: parts.siteOrigins,
    allowedOrigins: parts.allowedOrigins,
    setupToken: parts.setupToken,
  }
}
