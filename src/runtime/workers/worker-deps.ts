import type { Context } from 'hono'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import type { Mailer } from '../../core/mail.ts'
import { type OidcProvider, oidcProvider } from '../../core/oidc/signing-keys.ts'
import type { PasswordHasher } from '../../core/password-hasher.ts'
import { createPooledCryptoRandom, decodeBase64Url, type RandomSource } from '../../core/random.ts'
import type { Keyring } from '../../core/secret-box.ts'
import type { Database } from '../../db/database.ts'
import type { HttpDeps } from '../../http/env.ts'
import { createHttpDeps } from '../create-deps.ts'
import { decodeEncryptionKey, encryptionKeyring } from '../common-config.ts'
import { createWasmArgon2Hasher } from './argon2-hasher.ts'
import type { WorkerConfig } from './config.ts'

const random = createPooledCryptoRandom()
// No hash scheduler here, unlike Node: WASM argon2 computes synchronously on the isolate's one
// thread, so hashes already run one at a time and nothing could wait in a queue (Cloudflare
// spreads load over isolates instead). A queue would also be unsafe: a request waiting on a
// promise that another request resolves is cancelled by workerd as hung.
const hasher = createWasmArgon2Hasher(random)
const signingKeys = new Map<string, Uint8Array>()
const keyrings = new Map<string, Keyring>()
const providers = new Map<string, OidcProvider>()

/** Cloudflare sets the real client address; nothing else on the request is trusted for it. */
export const cloudflareClientIp = (c: Context) => c.req.header('CF-Connecting-IP') ?? null

/** Wires the Workers runtime's dependencies; the behaviour tests in workerd call it too. */
export function createWorkerDeps(
  config: Omit<WorkerConfig, 'siteOrigins'> & { siteOrigins?: string[] },
  parts: {
    database: Database
    logger: Logger
    clock?: Clock
    hasher?: PasswordHasher
    random?: RandomSource
    clientIp?: (c: Context) => string | null
    mailer?: Mailer
    fetch?: typeof fetch
  },
): HttpDeps {
  let signingKey = signingKeys.get(config.signingKey)
  if (!signingKey) {
    signingKey = decodeBase64Url(config.signingKey)
    signingKeys.set(config.signingKey, signingKey)
  }
  const keyringId = [config.encryptionKey, ...config.previousEncryptionKeys].join(',')
  let encryption = keyrings.get(keyringId)
  if (!encryption) {
    encryption = encryptionKeyring(
      decodeEncryptionKey(config.encryptionKey)!,
      config.previousEncryptionKeys,
    )
    keyrings.set(keyringId, encryption)
  }
  return createHttpDeps({
    ...config,
    ...parts,
    signingKey,
    encryption,
    oidc: config.publicUrl ? providerFor(config.publicUrl, config) : undefined,
    siteOrigins: config.siteOrigins ?? (config.publicUrl ? [config.publicUrl] : []),
    hasher: parts.hasher ?? hasher,
    random: parts.random ?? random,
    clientIp: parts.clientIp ?? cloudflareClientIp,
  })
}

/** One provider per isolate and key set: its keys are imported once, on first use. */
function providerFor(
  issuer: string,
  config: Pick<WorkerConfig, 'oidcSigningKey' | 'oidcPreviousKeys'>,
) {
  const id = JSON.stringify([issuer, config.oidcSigningKey, config.oidcPreviousKeys])
  let provider = providers.get(id)
  if (!provider) {
    provider = oidcProvider(issuer, config.oidcSigningKey, config.oidcPreviousKeys)
    providers.set(id, provider)
  }
  return provider
}
