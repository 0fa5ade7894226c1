import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { JWK } from 'jose'
import type { Logger } from '../../core/logger.ts'
import { generateOidcKey, parseOidcJwk } from '../../core/oidc/signing-keys.ts'
import { encodeBase64Url } from '../../core/random.ts'
import {
  decodeEncryptionKey,
  decodeSigningKey,
  ENCRYPTION_KEY_RULE,
  OIDC_KEY_RULE,
  SIGNING_KEY_RULE,
} from '../common-config.ts'
import { ConfigError } from './config.ts'

/** A server key kept in configuration or, failing that, in an owner-only file beside the database. */
interface KeySpec {
  variable: string
  file: string
  rule: string
  decode(text: string): Uint8Array | null
  /** What is lost with the file, for the warning when one is generated. */
  loss: string
}

const SIGNING_KEY: KeySpec = {
  variable: 'ONCEPASS_SIGNING_KEY',
  file: 'signing-key',
  rule: SIGNING_KEY_RULE,
  decode: decodeSigningKey,
  loss: 'every session ends',
}

const ENCRYPTION_KEY: KeySpec = {
  variable: 'ONCEPASS_ENCRYPTION_KEY',
  file: 'encryption-key',
  rule: ENCRYPTION_KEY_RULE,
  decode: decodeEncryptionKey,
  loss: 'every enrolled authenticator and recovery code stops working',
}

/**
 * The JWT signing key: from configuration when set; otherwise generated once (256 random bits)
 * into `signing-key` beside the database file, readable by the owner only, and reused after.
 * A key that is not base64url or shorter than 32 bytes is refused with a `ConfigError` naming
 * where it came from. The key itself is never logged or printed.
 */
export function loadSigningKey(
  configured: string | undefined,
  databasePath: string,
  logger: Logger,
): Uint8Array {
  return loadKey(SIGNING_KEY, configured, databasePath, logger)
}

/**
 * The key that seals TOTP seeds at rest (AES-256-GCM), handled like the signing key: a malformed
 * or short `ONCEPASS_ENCRYPTION_KEY` stops the start; unset, one is generated into
 * `encryption-key` beside the database. A copy of the database alone then still reveals no seed,
 * but a copy of the whole folder does: production sets the variable from a secret store.
 */
export function loadEncryptionKey(
  configured: string | undefined,
  databasePath: string,
  logger: Logger,
): Uint8Array {
  return loadKey(ENCRYPTION_KEY, configured, databasePath, logger)
}

function loadKey(
  spec: KeySpec,
  configured: string | undefined,
  databasePath: string,
  logger: Logger,
): Uint8Array {
  if (configured !== undefined) {
    const key = spec.decode(configured)
    if (!key) throw new ConfigError(`${spec.variable}: must be ${spec.rule}`)
    return key
  }
  const path = join(dirname(databasePath), spec.file)
  try {
    return readKeyFile(spec, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = crypto.getRandomValues(new Uint8Array(32))
  try {
    // 'wx': never overwrite a key another process just wrote.
    writeFileSync(path, `${encodeBase64Url(key)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(spec, path)
    throw error
  }
  logger.warn(`${spec.file.replace('-', '_')}_generated`, {
    file: path,
    note: `Set ${spec.variable} to manage the key yourself; ${spec.loss} if this file is lost.`,
  })
  return key
}

function readKeyFile(spec: KeySpec, path: string): Uint8Array {
  const key = spec.decode(readFileSync(path, 'utf8').trim())
  if (key) return key
  // The message names the file but never quotes it: whatever is in there may be a secret.
  throw new ConfigError(
    `The ${spec.file.replace('-', ' ')} file ${path} does not hold a usable key: it must be ${spec.rule}. ` +
      `Write such a key into it, delete it to have one generated (${spec.loss}), ` +
      `or set ${spec.variable}.`,
  )
}

const OIDC_KEY_FILE = 'oidc-signing-key.json'

/**
 * The OpenID Provider's private signing key: `ONCEPASS_OIDC_SIGNING_KEY` when set; otherwise
 * generated once (ES256) into `oidc-signing-key.json` beside the database, owner-only, and reused.
 */
export async function loadOidcSigningKey(
  configured: JWK | undefined,
  databasePath: string,
  logger: Logger,
): Promise<JWK> {
  if (configured) return configured
  const path = join(dirname(databasePath), OIDC_KEY_FILE)
  try {
    return readOidcKeyFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = await generateOidcKey()
  try {
    writeFileSync(path, `${JSON.stringify(key)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOidcKeyFile(path)
    throw error
  }
  logger.warn('oidc_signing_key_generated', {
    file: path,
    kid: key.kid,
    note: 'Set ONCEPASS_OIDC_SIGNING_KEY to manage the key yourself; apps must fetch the new JWKS if this file is lost.',
  })
  return key
}

function readOidcKeyFile(path: string): JWK {
  const key = parseOidcJwk(readFileSync(path, 'utf8'), { private: true })
  if (key) return key
  throw new ConfigError(
    `The OpenID signing key file ${path} does not hold a usable key: it must be ${OIDC_KEY_RULE}. ` +
      'Delete it to have one generated, or set ONCEPASS_OIDC_SIGNING_KEY.',
  )
}
