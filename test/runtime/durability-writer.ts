/**
 * Run by durability.test.ts under strace: acknowledged commits, each followed by a marker the
 * trace can see (an `access` of a path naming the commit), so the trace shows whether the WAL
 * reached the disk before the commit was acknowledged.
 *
 *   node --import tsx test/runtime/durability-writer.ts <database> <commits> server|normal
 *
 * `server` commits through the server's writer thread (synchronous=FULL); `normal` is the control,
 * a plain connection with synchronous=NORMAL, which SQLite lets acknowledge before any fsync.
 */
import { accessSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { openSqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'

const [path, commits, mode] = process.argv.slice(2)

function marker(name: string): void {
  try {
    accessSync(`/nonexistent/oncepass-${name}`)
  } catch {
    // the path never exists: the syscall is the point
  }
}

if (mode === 'server') {
  const database = openSqliteDatabase(path!, { writerThread: true })
  await database.writeAtomically([sql`create table probe (n integer)`])
  marker('ack-setup')
  for (let n = 0; n < Number(commits); n++) {
    await database.writeAtomically([sql`insert into probe (n) values (${n})`])
    marker(`ack-${n}`)
  }
  await database.close()
} else {
  const sqlite = new BetterSqlite3(path!)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.exec('create table probe (n integer)')
  marker('ack-setup')
  const insert = sqlite.prepare('insert into probe (n) values (?)')
  for (let n = 0; n < Number(commits); n++) {
    insert.run(n)
    marker(`ack-${n}`)
  }
  sqlite.close()
}
