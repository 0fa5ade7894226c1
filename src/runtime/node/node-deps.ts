import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { Clock } from '../../core/clock.ts'
import { createHashScheduler } from '../../core/hash-scheduler.ts'
import type { Logger } from '../../core/logger.ts'
import type { Mailer } from '../../core/mail.ts'
import type { JWK } from 'jose'
import { oidcProvider } from '../../core/oidc/signing-keys.ts'
import type { PasswordHasher } from '../../core/password-hasher.ts'
import type { Keyring } from '../../core/secret-box.ts'
import type { Database } from '../../db/database.ts'
import type { HttpDeps } from '../../http/env.ts'
import { createHttpDeps } from '../create-deps.ts'
import { createArgon2Hasher } from './argon2-hasher.ts'
import { nodeEs256Signer } from './es256-signer.ts'
import type { NodeConfig } from './config.ts'
import { createSmtpMailer } from './smtp-mailer.ts'

/** The client IP: a trusted proxy's header when configured (its last hop), else the socket peer. */
export function nodeClientIp(trustProxyHeader: string | undefined) {
  return (c: Context): string | null => {
    if (trustProxyHeader) {
      const value = c.req.header(trustProxyHeader)
      const last = value?.split(',').at(-1)?.trim()
      if (last) return last
    }
    try {
      return getConnInfo(c).remote.address ?? null
    } catch {
      return null // not served by @hono/node-server (e.g. app.request in tests)
    }
  }
}

/** Wires the Node server's dependencies; tests call it too, overriding what they must. */
export function createNodeDeps(
  config: Pick<
    NodeConfig,
    | 'issuer'
    | 'audience'
    | 'trustProxyHeader'
    | 'publicUrl'
    | 'siteOrigins'
    | 'allowedOrigins'
    | 'hashing'
    | 'settings'
  > &
    Partial<Pick<NodeConfig, 'smtp' | 'oidcPreviousKeys'>>,
  parts: {
    database: Database
    logger: Logger
    signingKey: Uint8Array
    encryption?: Keyring
    clock?: Clock
    hasher?: PasswordHasher
    clientIp?: (c: Context) => string | null
    mailer?: Mailer
    /** The OpenID Provider's private signing key (see `loadOidcSigningKey`). */
    oidcKey?: JWK
    fetch?: typeof fetch
  },
): HttpDeps {
  return createHttpDeps({
    ...config,
    ...parts,
    // Every hash and verify goes through one scheduler: bounded concurrency, bounded queue.
    hasher: createHashScheduler(parts.hasher ?? createArgon2Hasher(), config.hashing),
    clientIp: parts.clientIp ?? nodeClientIp(config.trustProxyHeader),
    mailer: parts.mailer ?? (config.smtp ? createSmtpMailer(config.smtp) : undefined),
    oidc:
      parts.oidcKey && config.publicUrl
        ? oidcProvider(config.publicUrl, parts.oidcKey, config.oidcPreviousKeys, nodeEs256Signer)
        : undefined,
  })
}
