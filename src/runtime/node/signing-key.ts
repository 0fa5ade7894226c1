import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Logger } from '../../core/logger.ts'
import { decodeBase64Url, encodeBase64Url } from '../../core/random.ts'

/**
 * The JWT signing key: from configuration when set; otherwise generated once (256 random bits)
 * into `signing-key` beside the database file, readable by the owner only, and reused after.
 * The key itself is never logged.
 */
export function loadSigningKey(
  configured: string | undefined,
  databasePath: string,
  logger: Logger,
): Uint8Array {
  if (configured) return decodeBase64Url(configured)
  const path = join(dirname(databasePath), 'signing-key')
  try {
    return decodeBase64Url(readFileSync(path, 'utf8').trim())
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = crypto.getRandomValues(new Uint8Array(32))
  try {
    // 'wx': never overwrite a key another process just wrote.
    writeFileSync(path, `${encodeBase64Url(key)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return decodeBase64Url(readFileSync(path, 'utf8').trim())
    throw error
  }
  logger.warn('signing_key_generated', {
    file: path,
    note: 'Set ONCEPASS_SIGNING_KEY to manage the key yourself; sessions end if this file is lost.',
  })
  return key
}
