import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, expect, it } from 'vitest'
import { createJsonLogger } from '../../src/core/logger.ts'
import { createApp } from '../../src/http/app.ts'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import { loadConfig } from '../../src/runtime/node/config.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { openSqliteDatabase, type SqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The restore rehearsal: `oncepass backup` taken from the file a serving app writes through its
// writer thread, while resets run in parallel; restored into a fresh folder and served again.
const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname

let t: TestApp | undefined
let restored: SqliteDatabase | undefined
const dirs: string[] = []
afterEach(async () => {
  await restored?.close()
  await t?.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  t = restored = undefined
})

interface Issued {
  password: string
  /** When the 201 came back, on performance.now()'s clock. */
  ackedAt: number
}

it('a backup taken during parallel resets restores, passes integrity_check, signs in, holds no plaintext', async () => {
  t = await createTestApp({
    // The rehearsal wants many resets per user and admin; the limits are not what it tests.
    settings: { resetRateLimit: { perAdminPerMinute: 1e6, perTargetPerMinute: 1e6 } },
    hashing: { maxInFlight: 2, maxQueue: 256 },
  })
  const app = t
  const admin = await app.seedTenant()
  const issued = new Map<string, Issued[]>()
  async function reset(userId: string) {
    const res = await app.post(
      `users/${userId}/password-reset`,
      { mode: 'generate' },
      {
        token: admin.accessToken,
      },
    )
    expect(res.status, res.text).toBe(201)
    issued.get(userId)!.push({ password: res.json.temporaryPassword, ackedAt: performance.now() })
  }
  const seed = async (name: string) => {
    const user = await app.seedUser(admin.accessToken, 'user', `${name}@example.com`)
    issued.set(user.id, [])
    return user
  }
  // Quiet users are reset before the backup only; busy ones all through it.
  const quiet = [await seed('quiet1'), await seed('quiet2')]
  const busy = [await seed('busy1'), await seed('busy2'), await seed('busy3'), await seed('busy4')]
  for (const user of quiet) {
    await reset(user.id)
    await reset(user.id)
  }

  let stop = false
  let inFlight = 0
  const workers = busy.map(async (user) => {
    while (!stop) {
      inFlight++
      await reset(user.id).finally(() => inFlight--)
    }
  })
  // Let the parallel resets get going before the backup starts.
  while ([...issued.values()].reduce((n, list) => n + list.length, 0) < quiet.length * 2 + 8) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }

  const backupDir = mkdtempSync(join(tmpdir(), 'oncepass-backup-'))
  dirs.push(backupDir)
  const backupFile = join(backupDir, 'oncepass-backup.sqlite')
  const backupStarted = performance.now()
  const inFlightAtStart = inFlight
  const { stdout } = await run(
    join(ROOT, 'bin/oncepass.js'),
    ['backup', '--to', backupFile, '--json'],
    { cwd: ROOT, env: { ...process.env, DATABASE_PATH: app.databasePath } },
  )
  const backupEnded = performance.now()
  const report = JSON.parse(stdout)
  const ackedDuringBackup = [...issued.values()]
    .flat()
    .filter((i) => i.ackedAt >= backupStarted && i.ackedAt <= backupEnded).length
  stop = true
  await Promise.all(workers)

  expect(report).toMatchObject({ backup: backupFile, bytes: statSync(backupFile).size })
  expect(statSync(backupFile).mode & 0o777).toBe(0o600)

  // Restore: a fresh folder, the backup copied in as the database, served again.
  const restoreDir = mkdtempSync(join(tmpdir(), 'oncepass-restore-'))
  dirs.push(restoreDir)
  const databasePath = join(restoreDir, 'oncepass.sqlite')
  copyFileSync(backupFile, databasePath)
  const check = new BetterSqlite3(databasePath, { readonly: true })
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
  check.close()
  restored = openSqliteDatabase(databasePath, { writerThread: true })
  const config = loadConfig({ DATABASE_PATH: databasePath })
  const restoredApp = createApp(
    createNodeDeps(config, {
      database: restored,
      logger: createJsonLogger(() => {}),
      signingKey: crypto.getRandomValues(new Uint8Array(32)),
      hasher: createArgon2Hasher(),
      clock: app.clock,
    }),
  )
  const signIn = async (email: string, password: string) => {
    const res = await restoredApp.request('/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
    return { status: res.status, json: (await res.json()) as { status?: string } }
  }

  // Quiet users: exactly the newest password acknowledged before the backup began.
  for (const user of quiet) {
    const newest = issued.get(user.id)!.at(-1)!
    const answer = await signIn(user.email, newest.password)
    expect(answer.json.status, user.email).toBe('password_change_required')
  }
  // Busy users: the snapshot is of a moment during the backup, so it holds the newest password
  // acknowledged before the backup began or one acknowledged after; never an older one.
  const hasher = createArgon2Hasher()
  for (const user of busy) {
    const list = issued.get(user.id)!
    const newestBefore = list.findLastIndex((i) => i.ackedAt < backupStarted)
    expect(newestBefore, user.email).toBeGreaterThanOrEqual(0)
    const [row] = restored.sqlite
      .prepare('select password_hash as hash from users where id = ?')
      .all(user.id) as { hash: string }[]
    const holding: number[] = []
    for (const [index, candidate] of list.entries()) {
      if (await hasher.verify(row!.hash, candidate.password.normalize('NFKC'))) holding.push(index)
    }
    expect(holding, user.email).toHaveLength(1)
    expect(holding[0]!, user.email).toBeGreaterThanOrEqual(newestBefore)
    const answer = await signIn(user.email, list[holding[0]!]!.password)
    expect(answer.json.status, user.email).toBe('password_change_required')
  }

  // No temporary password, issued before, during or after the backup, is in its bytes.
  const bytes = readFileSync(backupFile).toString('latin1')
  const everyPassword = [...issued.values()].flat().map((i) => i.password)
  for (const password of everyPassword) {
    expect(bytes.includes(password)).toBe(false)
    expect(bytes.includes(password.replaceAll('-', ''))).toBe(false)
  }

  console.info(
    `backup rehearsal: ${everyPassword.length} resets, ${inFlightAtStart} in flight when the backup ` +
      `began, ${ackedDuringBackup} acknowledged during it; backup ${report.ms} ms inside a ` +
      `${Math.round(backupEnded - backupStarted)} ms command, ${report.bytes} bytes; integrity_check ok`,
  )
}, 120_000)
