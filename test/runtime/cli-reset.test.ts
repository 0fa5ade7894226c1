import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { createApp } from '../../src/http/app.ts'
import { loadConfig } from '../../src/runtime/node/config.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { loadSigningKey } from '../../src/runtime/node/signing-key.ts'
import { openSqliteDatabase, type SqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'

// The break-glass reset end to end: the real `oncepass` command against the file a running
// server uses, checked through that server's API (built in-process, as main.ts builds it).
const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
let dir: string | undefined
let database: SqliteDatabase | undefined
afterEach(async () => {
  await database?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  database = dir = undefined
})

it('user reset-password --json: one JSON object, old password and session dead, forced change, audited without secrets', async () => {
  dir = mkdtempSync(join(tmpdir(), 'oncepass-cli-'))
  const databasePath = join(dir, 'data', 'oncepass.sqlite')
  const cli = (...args: string[]) =>
    run(join(ROOT, 'bin/oncepass.js'), args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath },
    })

  const created = JSON.parse(
    (await cli('tenant', 'create', '--name', 'Acme', '--admin-email', 'root@acme.test', '--json'))
      .stdout,
  )

  const config = loadConfig({ DATABASE_PATH: databasePath })
  database = openSqliteDatabase(databasePath)
  const logger = createJsonLogger(() => {})
  const app = createApp(
    createNodeDeps(config, {
      database,
      logger,
      signingKey: loadSigningKey(config.signingKey, databasePath, logger),
    }),
  )
  const call = async (path: string, options: { body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = {}
    if (options.token) headers.Authorization = `Bearer ${options.token}`
    if (options.body) headers['Content-Type'] = 'application/json'
    const response = await app.request(`/api/v1/${path}`, {
      method: options.body ? 'POST' : 'GET',
      headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
    })
    const text = await response.text()
    return { status: response.status, text, json: text ? JSON.parse(text) : null }
  }
  const signIn = (password: string) =>
    call('auth/sign-in', { body: { email: 'root@acme.test', password } })
  async function completeChange(temporaryPassword: string, newPassword: string) {
    const challenge = await signIn(temporaryPassword)
    expect(challenge.json.status).toBe('password_change_required')
    const signedIn = await call('auth/password-change', {
      body: { challengeToken: challenge.json.challengeToken, newPassword },
    })
    expect(signedIn.json.status).toBe('signed_in')
    return signedIn.json as { accessToken: string; refreshToken: string }
  }

  const chosen = 'the admin chose this long passphrase'
  const session = await completeChange(created.temporaryPassword, chosen)
  expect((await call('me', { token: session.accessToken })).status).toBe(200)

  const { stdout, stderr } = await cli(
    'user',
    'reset-password',
    '--email',
    'Root@Acme.test',
    '--json',
  )
  expect(stdout.endsWith('\n')).toBe(true)
  expect(stdout.trim().split('\n')).toHaveLength(1)
  const reset = JSON.parse(stdout)
  expect(Object.keys(reset).sort()).toEqual([
    'email',
    'expiresAt',
    'temporaryPassword',
    'tenantId',
    'userId',
  ])
  expect(reset).toMatchObject({
    tenantId: created.tenantId,
    userId: created.userId,
    email: 'root@acme.test',
  })
  expect(reset.temporaryPassword).toMatch(/^[\w]{4}(-[\w]{4}){3}$/)
  expect(reset.temporaryPassword).not.toBe(created.temporaryPassword)
  const lifetime = Date.parse(reset.expiresAt) - Date.now()
  expect(lifetime).toBeGreaterThan(23 * 3600_000)
  expect(lifetime).toBeLessThanOrEqual(24 * 3600_000)
  expect(stderr).not.toContain(reset.temporaryPassword)

  // The old password no longer signs in; the session it opened is over, refresh token included.
  const old = await signIn(chosen)
  expect(old.status).toBe(401)
  expect(old.json.code).toBe('INVALID_CREDENTIALS')
  expect((await call('me', { token: session.accessToken })).status).toBe(401)
  const refreshed = await call('auth/refresh', { body: { refreshToken: session.refreshToken } })
  expect(refreshed.status).toBe(401)

  // The new temporary password gets a challenge, not a session, and the change completes.
  const second = 'and now a second long passphrase'
  const again = await completeChange(reset.temporaryPassword, second)

  const audit = await call(`audit-events?userId=${created.userId}`, { token: again.accessToken })
  expect(audit.status).toBe(200)
  const resets = (
    audit.json.items as { event: string; targetId: string; outcome: string }[]
  ).filter((item) => item.event === 'password_reset_issued')
  expect(resets).toHaveLength(1)
  expect(resets[0]).toMatchObject({ targetId: created.userId, outcome: 'success' })

  // No secret in the audit trail, neither as the API shows it nor in the table itself.
  const rows = JSON.stringify(database.sqlite.prepare('select * from audit_events').all())
  const secrets = [
    created.temporaryPassword,
    reset.temporaryPassword,
    chosen,
    second,
    session.accessToken,
    session.refreshToken,
  ]
  for (const secret of secrets) {
    expect(audit.text).not.toContain(secret)
    expect(rows).not.toContain(secret)
  }
  expect(rows).not.toMatch(/\$argon2id\$/)
})
