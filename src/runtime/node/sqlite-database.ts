import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { Database } from '../../db/database.ts'
import { schema } from '../../db/schema.ts'

/** The `drizzle/` folder of the package, found from this module whether run from source or bundled. */
export const MIGRATIONS_FOLDER = findMigrationsFolder(dirname(fileURLToPath(import.meta.url)))

function findMigrationsFolder(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'drizzle', 'meta', '_journal.json'))) return join(dir, 'drizzle')
    if (dirname(dir) === dir) throw new Error(`no drizzle/ migrations folder above ${start}`)
  }
}

export interface SqliteDatabase extends Database {
  /** The raw connection, for pragmas checks and shutdown. */
  sqlite: BetterSqlite3.Database
  close(): void
}

/**
 * Opens (creating its folder if needed) the SQLite file, sets the durability pragmas, applies
 * pending migrations and returns the database port. WAL lets readers run beside the one writer;
 * synchronous=FULL makes every commit durable across power loss; busy_timeout makes a second
 * connection wait for the write lock instead of failing. A folder or file it creates is the
 * owner's alone (0700, 0600): it holds password hashes, and the signing key lives beside it.
 */
export function openSqliteDatabase(
  path: string,
  options: { migrate?: boolean } = {},
): SqliteDatabase {
  const onDisk = path !== ':memory:'
  const created = onDisk && !existsSync(path)
  if (onDisk) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const sqlite = new BetterSqlite3(path)
  // Before WAL is switched on: SQLite creates -wal and -shm with the database file's permissions.
  if (created) chmodSync(path, 0o600)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = drizzle(sqlite, { schema })
  const dialect = new SQLiteSyncDialect()
  // Writes repeat the same few SQL texts with new values: parse each text once.
  const statements = new Map<string, BetterSqlite3.Statement>()
  const statementFor = (text: string) => {
    let statement = statements.get(text)
    if (!statement) {
      if (statements.size >= 256) statements.delete(statements.keys().next().value!)
      statement = sqlite.prepare(text)
      statements.set(text, statement)
    }
    return statement
  }
  // better-sqlite3 is synchronous: the statements run back to back in one transaction (IMMEDIATE:
  // the write lock taken up front), and a throw anywhere rolls all of them back.
  const runAll = sqlite.transaction((queries: { sql: string; params: unknown[] }[]) =>
    queries.map((query) => statementFor(query.sql).run(...query.params).changes),
  )
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  return {
    db,
    sqlite,
    writeAtomically: async (statements) =>
      runAll.immediate(statements.map((statement) => dialect.sqlToQuery(statement.getSQL()))),
    close: () => sqlite.close(),
  }
}
