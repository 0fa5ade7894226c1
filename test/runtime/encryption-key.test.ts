import { execFile } from 'node:child_process'
import { hkdfSync } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { ConfigError, loadConfig } from '../../src/runtime/node/config.ts'
import { loadEncryptionKey } from '../../src/runtime/node/signing-key.ts'
import { enrollTotp, seedSpellings } from '../helpers/mfa.ts'
import { createTestApp } from '../helpers/test-app.ts'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const dirs: string[] = []
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-enc-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const logger = createJsonLogger(() => {})
const base64url = (bytes: number) => Buffer.alloc(bytes, 0x5a).toString('base64url')

describe('ONCEPASS_ENCRYPTION_KEY on Node', () => {
  it.each([
    ['31 bytes', base64url(31)],
    ['standard base64 with padding', Buffer.alloc(32, 0xfb).toString('base64')],
    ['empty', ''],
  ])('refuses %s, naming the variable but not its value', (_, key) => {
    let error: unknown
    try {
      loadConfig({ ONCEPASS_ENCRYPTION_KEY: key })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain('ONCEPASS_ENCRYPTION_KEY: must be base64url')
    if (key) expect((error as Error).message).not.toContain(key)
  })

  it('condenses a longer secret to 32 bytes with HKDF-SHA-256: each byte counts, none is cut off', () => {
    const keyOf = (secret: Buffer) =>
      Buffer.from(loadEncryptionKey(secret.toString('base64url'), join(tempDir(), 'x'), logger))
    const long = Buffer.alloc(64, 0x5a)
    const key = keyOf(long)
    expect(key).toHaveLength(32)
    // RFC 5869's HKDF, computed here by Node's own implementation.
    const expected = hkdfSync('sha256', long, Buffer.alloc(0), 'oncepass encryption key', 32)
    expect(key).toEqual(Buffer.from(expected))
    expect(key).not.toEqual(long.subarray(0, 32))
    const lastByteChanged = Buffer.from(long)
    lastByteChanged[63] = 0x5b
    expect(keyOf(lastByteChanged)).not.toEqual(key)
  })

  it('uses a configured key as is; unset, generates one owner-only file and reuses it', () => {
    const config = loadConfig({ ONCEPASS_ENCRYPTION_KEY: base64url(32) })
    const dir = tempDir()
    const path = join(dir, 'oncepass.sqlite')
    expect(Buffer.from(loadEncryptionKey(config.encryptionKey, path, logger))).toEqual(
      Buffer.alloc(32, 0x5a),
    )
    const first = loadEncryptionKey(undefined, path, logger)
    expect(loadEncryptionKey(undefined, path, logger)).toEqual(first)
    expect(first).toHaveLength(32)
    expect(statSync(join(dir, 'encryption-key')).mode & 0o777).toBe(0o600)
  })

  it('a short key stops the server with a readable message and no stack', async () => {
    const dir = tempDir()
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/runtime/node/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        DATABASE_PATH: join(dir, 'oncepass.sqlite'),
        ONCEPASS_ENCRYPTION_KEY: 'tooshort',
      },
      timeout: 20_000,
    }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure!.stderr).toContain('ONCEPASS_ENCRYPTION_KEY: must be base64url')
    expect(failure!.stderr).not.toContain('tooshort')
    expect(failure!.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('seeds at rest', () => {
  it('the database files hold no spelling of an enrolled seed', async () => {
    const t = await createTestApp()
    try {
      const admin = await t.seedTenant()
      const { secret } = await enrollTotp(t, admin.accessToken, admin.password)
      // Checkpoint the write-ahead log too, then read every file of the database.
      t.database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
      const dir = join(t.databasePath, '..')
      const bytes = readdirSync(dir)
        .filter((name) => name.startsWith('oncepass.sqlite'))
        .map((name) => readFileSync(join(dir, name)).toString('latin1'))
        .join('\n')
      expect(bytes).toContain('v1.') // the sealed form is there
      for (const spelling of seedSpellings(secret)) expect(bytes).not.toContain(spelling)
      const raw = Buffer.from((await import('otpauth')).Secret.fromBase32(secret).bytes).toString(
        'latin1',
      )
      expect(bytes).not.toContain(raw)
    } finally {
      await t.close()
    }
  })
})
