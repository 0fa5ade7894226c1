import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import {
  openSqliteDatabase,
  SERVING_BUSY_TIMEOUT_MS,
  type SqliteDatabase,
} from '../../src/runtime/node/sqlite-database.ts'

// Durability where commits happen: the server's writer thread makes every commit, so its
// connection is the one that must be WAL + synchronous=FULL; and an acknowledged commit must
// have reached fsync. See docs/security.md, "Durability".

const dirs: string[] = []
const databases: SqliteDatabase[] = []
afterEach(async () => {
  for (const database of databases.splice(0)) await database.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-durability-'))
  dirs.push(dir)
  return dir
}

describe('the connections the server commits and reads through', () => {
  it('the writer thread’s connection: WAL, synchronous=FULL, foreign keys, a lock wait', async () => {
    const database = openSqliteDatabase(join(tempDir(), 'db.sqlite'), { writerThread: true })
    databases.push(database)
    const before = await database.durability()
    await database.writeAtomically([sql`create table probe (n integer)`])
    const after = await database.durability()
    for (const writer of [before.writer, after.writer]) {
      expect(writer).toMatchObject({ journalMode: 'wal', synchronous: 2, foreignKeys: 1 })
      expect(writer!.busyTimeout).toBeGreaterThan(0)
      expect(writer!.queryOnly).toBe(0)
    }
    expect(after.reader).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: 1,
      busyTimeout: SERVING_BUSY_TIMEOUT_MS,
      queryOnly: 1,
    })
  })

  it('without a writer thread (the CLI) the one connection writes, with the same settings', async () => {
    const database = openSqliteDatabase(join(tempDir(), 'db.sqlite'))
    databases.push(database)
    const { reader, writer } = await database.durability()
    expect(writer).toBeNull()
    expect(reader).toMatchObject({ journalMode: 'wal', synchronous: 2, foreignKeys: 1 })
    expect(reader.busyTimeout).toBeGreaterThan(0)
    expect(reader.queryOnly).toBe(0)
  })
})

/** Why strace cannot run here, or undefined when it can. */
function straceUnavailable(): string | undefined {
  const probe = spawnSync('strace', ['-f', '-o', '/dev/null', 'true'], { encoding: 'utf8' })
  if (probe.error) return `strace is not installed (${(probe.error as NodeJS.ErrnoException).code})`
  if (probe.status !== 0) return `strace cannot trace here: ${probe.stderr.trim()}`
  return undefined
}
const unavailable = straceUnavailable()
if (unavailable) {
  console.warn(`durability.test.ts: skipping the fsync trace: ${unavailable}`)
}

/** The WAL syncs and commit markers of a trace, in the order they completed. */
function traceEvents(trace: string): string[] {
  const events: string[] = []
  const pendingWalSync = new Set<string>()
  for (const line of trace.split('\n')) {
    const pid = line.split(' ')[0]!
    const marker = /oncepass-(ack-[\w-]+)/.exec(line)
    if (marker) {
      events.push(marker[1]!)
      continue
    }
    const isWalSync = /\b(fsync|fdatasync)\(\d+<[^>]*-wal>/.test(line)
    if (isWalSync && line.includes('<unfinished ...>')) pendingWalSync.add(pid)
    else if (isWalSync && / = 0$/.test(line)) events.push('wal-sync')
    else if (/<\.\.\. (fsync|fdatasync) resumed>.* = 0$/.test(line) && pendingWalSync.delete(pid)) {
      events.push('wal-sync')
    }
  }
  return events
}

/** How many WAL syncs completed before each acknowledgement and after the one before it. */
function syncsPerCommit(events: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  let since = 0
  for (const event of events) {
    if (event === 'wal-sync') since++
    else {
      counts[event] = since
      since = 0
    }
  }
  return counts
}

function traceCommits(mode: 'server' | 'normal', commits: number): Record<string, number> {
  const dir = tempDir()
  const tracePath = join(dir, 'trace.txt')
  execFileSync(
    'strace',
    [
      ...['-f', '-y', '-o', tracePath],
      ...['-e', 'trace=fsync,fdatasync,access,faccessat,faccessat2'],
      ...[process.execPath, '--import', 'tsx', 'test/runtime/durability-writer.ts'],
      ...[join(dir, 'db.sqlite'), String(commits), mode],
    ],
    { stdio: 'pipe', timeout: 60_000 },
  )
  return syncsPerCommit(traceEvents(readFileSync(tracePath, 'utf8')))
}

const traced = unavailable ? `skipped: ${unavailable}` : 'traced with strace'
describe.skipIf(unavailable !== undefined)(`an acknowledged commit (${traced})`, () => {
  it('has had its WAL synced to disk before the acknowledgement, every time', () => {
    const commits = 20
    const counts = traceCommits('server', commits)
    const acks = Array.from({ length: commits }, (_, n) => `ack-${n}`)
    expect(Object.keys(counts)).toEqual(['ack-setup', ...acks])
    for (const ack of ['ack-setup', ...acks]) expect(counts[ack], ack).toBeGreaterThanOrEqual(1)
  }, 90_000)

  it('which the trace would show missing: synchronous=NORMAL acknowledges without a sync', () => {
    const counts = traceCommits('normal', 20)
    const synced = Object.entries(counts).filter(([ack, n]) => ack !== 'ack-setup' && n > 0)
    expect(synced).toEqual([])
  }, 90_000)
})
