import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Logger } from '../../core/logger.ts'
import { encodeBase64Url } from '../../core/random.ts'
import { decodeSigningKey, SIGNING_KEY_RULE } from '../shared-config.ts'
import { ConfigError } from './config.ts'

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
  if (configured !== undefined) {
    const key = decodeSigningKey(configured)
    if (!key) throw new ConfigError(`ONCEPASS_SIGNING_KEY: must be ${SIGNING_KEY_RULE}`)
    return key
  }
  const path = join(dirname(databasePath), 'signing-key')
  try {
    return readKeyFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = crypto.getRandomValues(new Uint8Array(32))
  try {
    // 'wx': never overwrite a key another process just wrote.
    writeFileSync(path, `${encodeBase64Url(key)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path)
    throw error
  }
  logger.warn('signing_key_generated', {
    file: path,
    note: 'Set ONCEPASS_SIGNING_KEY to manage the key yourself; sessions end if this file is lost.',
  })
  return key
}

function readKeyFile(path: string): Uint8Array {
  const key = decodeSigningKey(readFileSync(path, 'utf8').trim())
  if (key) return key
  // The message names the file but never quotes it: whatever is in there may be a secret.
  throw new ConfigError(
    `The signing key file ${path} does not hold a usable key: it must be ${SIGNING_KEY_RULE}. ` +
      'Write such a key into it, delete it to have one generated (every session then ends), ' +
      'or set ONCEPASS_SIGNING_KEY.',
  )
}
