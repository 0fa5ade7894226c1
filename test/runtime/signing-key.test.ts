import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { ConfigError, loadConfig } from '../../src/runtime/node/config.ts'
import { loadSigningKey } from '../../src/runtime/node/signing-key.ts'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const dirs: string[] = []
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-key-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const logLines: string[] = []
const logger = createJsonLogger((line) => logLines.push(line))
const base64url = (bytes: number) => Buffer.alloc(bytes, 0xa5).toString('base64url')

// Each is refused: too short once decoded, or not base64url at all.
const badKeys = {
  '2 bytes (the text "abc")': 'abc',
  '31 bytes': base64url(31),
  '45 characters, which no base64 string has (4n+1)': 'Q'.repeat(45),
  'standard base64 with + / and padding': Buffer.alloc(32, 0xfb).toString('base64'),
  'base64url with a space inside': `${base64url(20)} ${base64url(20)}`,
  empty: '',
}

describe('ONCEPASS_SIGNING_KEY', () => {
  it.each(Object.entries(badKeys))(
    'refuses %s, naming the variable but not its value',
    (_, key) => {
      let error: unknown
      try {
        loadConfig({ ONCEPASS_SIGNING_KEY: key })
      } catch (thrown) {
        error = thrown
      }
      expect(error).toBeInstanceOf(ConfigError)
      const message = (error as Error).message
      expect(message).toContain('ONCEPASS_SIGNING_KEY')
      expect(message).toContain('at least 32')
      if (key.length > 0) expect(message).not.toContain(key)
    },
  )

  it('accepts base64url of 32 bytes or more and signs with exactly those bytes', () => {
    for (const bytes of [32, 33, 64]) {
      const text = base64url(bytes)
      const config = loadConfig({ ONCEPASS_SIGNING_KEY: text })
      const key = loadSigningKey(config.signingKey, join(tempDir(), 'x.sqlite'), logger)
      expect(Buffer.from(key).equals(Buffer.alloc(bytes, 0xa5))).toBe(true)
    }
  })
})

describe('the signing-key file', () => {
  it.each(Object.entries(badKeys))(
    'holding %s stops the start with a message naming the file, never its content',
    (_, content) => {
      const dir = tempDir()
      writeFileSync(join(dir, 'signing-key'), `${content}\n`, { mode: 0o600 })
      let error: unknown
      try {
        loadSigningKey(undefined, join(dir, 'oncepass.sqlite'), logger)
      } catch (thrown) {
        error = thrown
      }
      expect(error).toBeInstanceOf(ConfigError)
      const message = (error as Error).message
      expect(message).toContain(join(dir, 'signing-key'))
      expect(message).toContain('at least 32')
      if (content.length > 0) expect(message).not.toContain(content)
      // The file is left as it was: the operator decides what to do with it.
      expect(readFileSync(join(dir, 'signing-key'), 'utf8')).toBe(`${content}\n`)
    },
  )

  it('is generated once with 32 random bytes and read back unchanged', () => {
    const path = join(tempDir(), 'oncepass.sqlite')
    const first = loadSigningKey(undefined, path, logger)
    const second = loadSigningKey(undefined, path, logger)
    expect(first).toHaveLength(32)
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true)
  })

  it('with a key too short, the server refuses to start and does not print the key', async () => {
    const dir = tempDir()
    const content = 'shortkey-abc'
    writeFileSync(join(dir, 'signing-key'), `${content}\n`, { mode: 0o600 })
    const started = run(process.execPath, ['--import', 'tsx', 'src/runtime/node/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DATABASE_PATH: join(dir, 'oncepass.sqlite') },
      timeout: 20_000,
    })
    const failure = await started.then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(failure).not.toBeNull()
    expect(failure!.code).toBe(1)
    expect(failure!.stderr).toContain(join(dir, 'signing-key'))
    expect(failure!.stderr).toContain('does not hold a usable key')
    // The operator's message, not a crash: no stack frames.
    expect(failure!.stderr).not.toMatch(/^\s+at /m)
    expect(`${failure!.stdout}${failure!.stderr}`).not.toContain(content)
    expect(failure!.stdout).not.toContain('server_started')
    expect(failure!.stdout.toLowerCase()).not.toContain('password')
  })
})
