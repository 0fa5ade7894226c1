import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/logger.ts'
import type { NoticeMailer } from '../core/mail.ts'
import type { OidcProvider } from '../core/oidc/signing-keys.ts'
import type { PasswordHasher } from '../core/password-hasher.ts'
import type { RandomSource } from '../core/random.ts'
import type { Keyring } from '../core/secret-box.ts'
import type { TokenConfig } from '../core/tokens.ts'
import type { Database } from '../db/database.ts'
import type { Settings } from './settings.ts'

/** Everything a use case needs, wired once per runtime (see `src/runtime/*`). */
export interface Deps {
  database: Database
  hasher: PasswordHasher
  clock: Clock
  random: RandomSource
  logger: Logger
  tokens: TokenConfig
  settings: Settings
  /** Mail, rendered from the copy dictionary; undefined when no transport is configured. */
  mailer?: NoticeMailer
  /** Keys for secrets at rest (TOTP seeds, recovery-code hashes); absent in the operator CLI. */
  encryption?: Keyring
  /** The OpenID Provider (issuer and signing keys); absent in the operator CLI. */
  oidc?: OidcProvider
  /** Outbound HTTP, for back-channel logout to apps: `fetch` on both runtimes. */
  fetch: typeof fetch
}
