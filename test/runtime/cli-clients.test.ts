import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { generateOidcKey, loadOidcKeys } from '../../src/core/oidc/signing-keys.ts'
import { createApp } from '../../src/http/app.ts'
import { loadConfig } from '../../src/runtime/node/config.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { loadSigningKey } from '../../src/runtime/node/signing-key.ts'
import { openSqliteDatabase, type SqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'

// `oncepass client create` and `oncepass oidc-key`, the real command against a database file,
// checked through the app a server would build on that file. Each command is a process of its
// own (a few seconds on a busy machine), hence the longer timeout.
const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const CALLBACK = 'https://timesheets.example.test/callback'
let dir: string | undefined
let database: SqliteDatabase | undefined
afterEach(async () => {
  await database?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  database = dir = undefined
})

function cliFor(databasePath: string) {
  return (...args: string[]) =>
    run(join(ROOT, 'bin/oncepass.js'), args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath },
    })
}

/** The command's exit code and output when it fails. */
async function refusal(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => {
      throw new Error('the command succeeded')
    },
    (e: unknown) => e,
  )) as { code: number; stdout: string; stderr: string }
  return error
}

async function setUp() {
  dir = mkdtempSync(join(tmpdir(), 'oncepass-cli-'))
  const databasePath = join(dir, 'data', 'oncepass.sqlite')
  const cli = cliFor(databasePath)
  const created = JSON.parse(
    (await cli('tenant', 'create', '--name', 'Acme', '--admin-email', 'root@acme.test', '--json'))
      .stdout,
  ) as { tenantId: string }
  return { cli, databasePath, tenantId: created.tenantId }
}

/** The app a server builds on the same file (the same keyed-digest key beside it). */
async function serverOn(databasePath: string) {
  const config = loadConfig({ DATABASE_PATH: databasePath })
  database = openSqliteDatabase(databasePath)
  const logger = createJsonLogger(() => {})
  return createApp(
    createNodeDeps(config, {
      database,
      logger,
      signingKey: loadSigningKey(config.signingKey, databasePath, logger),
      oidcKey: await generateOidcKey(),
    }),
  )
}

describe('oncepass client create', { timeout: 120_000 }, () => {
  it('--json: one object, the secret once; the server accepts it; audited as the operator', async () => {
    const { cli, databasePath, tenantId } = await setUp()
    const { stdout, stderr } = await cli(
      'client',
      'create',
      '--tenant',
      tenantId,
      '--name',
      ' Timesheets ',
      '--redirect-uri',
      CALLBACK,
      '--redirect-uri',
      'http://127.0.0.1:4000/callback',
      '--json',
    )
    expect(stdout.endsWith('\n')).toBe(true)
    expect(stdout.trim().split('\n')).toHaveLength(1)
    const client = JSON.parse(stdout)
    expect(Object.keys(client).sort()).toEqual([
      'clientId',
      'clientSecret',
      'name',
      'redirectUris',
      'type',
    ])
    expect(client).toMatchObject({
      name: 'Timesheets',
      type: 'confidential',
      redirectUris: [CALLBACK, 'http://127.0.0.1:4000/callback'],
    })
    expect(client.clientSecret).toMatch(/^[\w-]{43}$/)
    expect(stderr).not.toContain(client.clientSecret)

    // The server on the same file knows the app and takes its secret (and no other).
    const app = await serverOn(databasePath)
    const revoke = (secret: string) =>
      app.request('/oauth/revoke', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${btoa(`${client.clientId}:${secret}`)}`,
        },
        body: new URLSearchParams({ token: 'not-a-token' }).toString(),
      })
    expect((await revoke(client.clientSecret)).status).toBe(200)
    expect((await revoke(`${client.clientSecret}x`)).status).toBe(401)

    const audit = database!.sqlite
      .prepare("select * from audit_events where event = 'app_registered'")
      .all() as Record<string, unknown>[]
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ tenant_id: tenantId, actor_id: null, actor_role: 'operator' })
    const tables = database!.sqlite
      .prepare("select name from sqlite_master where type = 'table'")
      .all() as { name: string }[]
    for (const { name } of tables) {
      const rows = JSON.stringify(database!.sqlite.prepare(`select * from "${name}"`).all())
      expect(rows, name).not.toContain(client.clientSecret)
    }
  })

  it('--public: no secret; without --json, the client ID and where to point the app', async () => {
    const { cli, tenantId } = await setUp()
    const spa = JSON.parse(
      (
        await cli(
          'client',
          'create',
          '--tenant',
          tenantId,
          '--name',
          'Desktop',
          '--redirect-uri',
          'http://127.0.0.1/callback',
          '--public',
          '--json',
        )
      ).stdout,
    )
    expect(Object.keys(spa).sort()).toEqual(['clientId', 'name', 'redirectUris', 'type'])
    expect(spa.type).toBe('public')

    const { stdout } = await cli(
      'client',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Timesheets',
      '--redirect-uri',
      CALLBACK,
    )
    expect(stdout).toMatch(/client ID: +[\w-]{22}\n/)
    expect(stdout).toMatch(/client secret: +[\w-]{43} +\(shown once/)
    expect(stdout).toContain(`redirect URI:   ${CALLBACK}`)
    expect(stdout).toContain('/.well-known/openid-configuration')
  })

  it('refuses an unknown tenant and each bad argument, with a reason and exit 1, writing nothing', async () => {
    const { cli, databasePath, tenantId } = await setUp()
    const unknown = await refusal(
      cli('client', 'create', '--tenant', 'nope', '--name', 'X', '--redirect-uri', CALLBACK),
    )
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no tenant with the id nope')
    expect(unknown.stdout).toBe('')
    // An id may start with a dash: it is still the value of --tenant.
    const dashed = await refusal(
      cli('client', 'create', '--tenant', '-Zm9v', '--name', 'X', '--redirect-uri', CALLBACK),
    )
    expect(dashed.stderr).toContain('no tenant with the id -Zm9v')
    const missing = await refusal(cli('client', 'create', '--tenant', '--name', 'X'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('--tenant')

    const bad: [string[], string][] = [
      [
        ['--name', 'X', '--redirect-uri', 'http://app.example.test/cb'],
        '--redirect-uri http://app.example.test/cb: Must use https',
      ],
      [['--name', 'X'], '--redirect-uri is required'],
      [['--redirect-uri', CALLBACK], '--name is required'],
      [['--name', 'Time\u202esheets', '--redirect-uri', CALLBACK], '--name: Must not contain'],
    ]
    const refused = await Promise.all(
      bad.map(([args]) => refusal(cli('client', 'create', '--tenant', tenantId, ...args))),
    )
    bad.forEach(([, reason], i) => {
      expect(refused[i]!.code, reason).toBe(1)
      expect(refused[i]!.stderr).toContain(reason)
      expect(refused[i]!.stdout).toBe('')
    })
    expect((await refusal(cli('client', 'create', '--name', 'X'))).stderr).toContain(
      '--tenant is required',
    )

    database = openSqliteDatabase(databasePath)
    expect(database.sqlite.prepare('select id from oauth_clients').all()).toEqual([])
  })
})

describe('oncepass oidc-key', { timeout: 120_000 }, () => {
  it('prints a new private ES256 JWK on one line, the provider loads it, and it touches no file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oncepass-cli-'))
    const cli = cliFor(join(dir, 'data', 'oncepass.sqlite'))
    const [first, second] = await Promise.all([cli('oidc-key'), cli('oidc-key')])
    for (const { stdout, stderr } of [first!, second!]) {
      expect(stdout.endsWith('\n')).toBe(true)
      expect(stdout.trim().split('\n')).toHaveLength(1)
      expect(stderr).toBe('')
      const jwk = JSON.parse(stdout)
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
      expect(typeof jwk.d).toBe('string')
      expect(typeof jwk.kid).toBe('string')
      const keys = await loadOidcKeys(jwk)
      expect(keys.jwks.keys[0]).not.toHaveProperty('d')
    }
    expect(JSON.parse(first!.stdout).d).not.toBe(JSON.parse(second!.stdout).d)
    expect(existsSync(join(dir, 'data')) && readdirSync(join(dir, 'data')).length > 0).toBe(false)
    expect((await refusal(cli('oidc-key', 'extra'))).code).toBe(1)
  })
})
