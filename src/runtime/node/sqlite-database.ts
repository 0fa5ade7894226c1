import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { AppError } from '../../core/errors.ts'
import { type Database, toQuery } from '../../db/database.ts'
import { schema } from '../../db/schema.ts'
import { type ConnectionPragmas, readPragmas } from './sqlite-pragmas.ts'
import { cacheStatements } from './sqlite-statements.ts'
import { writeOnWriterThread, type WriteQuery } from './sqlite-writer.ts'

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
  /**
   * The durability pragmas of this connection and of the writer thread's (null without one, when
   * writes go through this connection), as SQLite reports them: a diagnostic for tests and ops.
   */
  durability(): Promise<{ reader: ConnectionPragmas; writer: ConnectionPragmas | null }>
  /** Closes the connection (and the writer thread's, when there is one). */
  close(): Promise<void>
}

/**
 * How long a write keeps asking for the write lock that another process (the CLI, an operator's
 * sqlite3 shell) holds, before it is answered `503 DATABASE_BUSY`. The wait never sleeps on the
 * event loop (better-sqlite3 waits for a lock by sleeping, which would stall every other request):
 * the writer thread waits on its own thread; without it, this connection's busy_timeout is only
 * `SERVING_BUSY_TIMEOUT_MS` and the rest of the wait is `writeAtomically`'s timers.
 */
export const WRITE_LOCK_WAIT_MS = 2000
/** SQLite's own wait for a lock while serving: long enough to ride out a brief one, never a stall. */
export const SERVING_BUSY_TIMEOUT_MS = 5
/** The longest pause between two tries for the lock: also the most a write waits once it is free. */
const MAX_RETRY_DELAY_MS = 100
/** At start-up nothing is served yet, so migrations may block on the lock for this long. */
const STARTUP_BUSY_TIMEOUT_MS = 5000

const busy = () => new AppError('DATABASE_BUSY', { headers: { 'Retry-After': '1' } })
const full = () => new AppError('STORAGE_FULL', { headers: { 'Retry-After': '60' } })

/**
 * SQLite's "locked by another connection" and "disk (or max_page_count) full" as the AppErrors
 * the HTTP layer answers 503 with; any other error is returned as it is.
 */
export function toStorageError(error: unknown): unknown {
  const code = error instanceof BetterSqlite3.SqliteError ? error.code : ''
  if (code.startsWith('SQLITE_BUSY')) return busy()
  if (code === 'SQLITE_FULL') return full()
  return error
}

/**
 * Opens (creating its folder if needed) the SQLite file, sets the durability pragmas, applies
 * pending migrations and returns the database port. WAL lets readers run beside the one writer;
 * synchronous=FULL makes every commit durable across power loss. A folder or file it creates is
 * the owner's alone (0700, 0600): it holds password hashes, and the signing key lives beside it.
 *
 * Failures every write must survive: a write that finds the lock taken waits for it (on the writer
 * thread, or here in retries with backoff) for `writeLockWaitMs` and then throws `DATABASE_BUSY`; a
 * write the disk (or `max_page_count`) has no room for throws `STORAGE_FULL`. Either way the
 * transaction is rolled back: nothing changed.
 *
 * `writerThread` (the server's choice) sends every atomic write to a worker thread with its own
 * connection (sqlite-writer.ts): a commit's fsync and SQLite's automatic WAL checkpoint (which, at
 * a million users, took over 500 ms) then never hold the event loop. This connection only reads
 * from then on (`query_only`), so no write can slip past the writer and contend with it for the
 * lock. Short-lived processes (the CLI) write here.
 */
export function openSqliteDatabase(
  path: string,
  options: { migrate?: boolean; writeLockWaitMs?: number; writerThread?: boolean } = {},
): SqliteDatabase {
  const onDisk = path !== ':memory:'
  const created = onDisk && !existsSync(path)
  if (onDisk) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const sqlite = new BetterSqlite3(path)
  // Before WAL is switched on: SQLite creates -wal and -shm with the database file's permissions.
  if (created) chmodSync(path, 0o600)
  sqlite.pragma(`busy_timeout = ${STARTUP_BUSY_TIMEOUT_MS}`)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  const prepare = cacheStatements((text) => prepareShareable(sqlite, text))
  const db = drizzle(withStorageErrors(sqlite, prepare), { schema })
  // better-sqlite3 is synchronous: the statements run back to back in one transaction (IMMEDIATE:
  // the write lock taken up front), and a throw anywhere rolls all of them back.
  const runAll = sqlite.transaction((queries: WriteQuery[]) =>
    queries.map((query) => prepare(query.sql).run(...query.params).changes),
  )
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  sqlite.pragma(`busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`)
  const waitMs = options.writeLockWaitMs ?? WRITE_LOCK_WAIT_MS
  const writer = options.writerThread && onDisk ? writeOnWriterThread(path) : undefined
  if (writer) sqlite.pragma('query_only = ON')

  /** The write on this thread, retried with backoff while another connection holds the lock. */
  async function writeHere(queries: WriteQuery[]): Promise<number[]> {
    const deadline = performance.now() + waitMs
    for (let attempt = 0; ; attempt++) {
      try {
        return runAll.immediate(queries)
      } catch (error) {
        const mapped = toStorageError(error)
        if (!(mapped instanceof AppError && mapped.code === 'DATABASE_BUSY')) throw mapped
        // Rolled back (or never begun): trying the same statements again is as safe as the first try.
        const delay = retryDelay(attempt)
        if (performance.now() + delay > deadline) throw mapped
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  return {
    db,
    sqlite,
    async writeAtomically(statements) {
      const queries = statements.map(toQuery)
      if (!writer) return writeHere(queries)
      try {
        return await writer.write(queries, waitMs)
      } catch (error) {
        throw toStorageError(error)
      }
    },
    async durability() {
      return { reader: readPragmas(sqlite), writer: writer ? await writer.pragmas() : null }
    },
    async close() {
      await writer?.close()
      // The last connection to close folds the WAL back into the file, which is a write.
      sqlite.pragma('query_only = OFF')
      sqlite.close()
    },
  }
}

/** 2, 4, 8 … ms up to `MAX_RETRY_DELAY_MS`, with jitter so that waiting writes do not move in step. */
function retryDelay(attempt: number): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, 2 ** (attempt + 1))
  const [random] = crypto.getRandomValues(new Uint32Array(1))
  return ceiling / 2 + (random! / 2 ** 32) * (ceiling / 2)
}

/**
 * A statement that never changes mode, so that everyone given it gets what they asked for:
 * `raw()` (drizzle's selects read rows as arrays) answers with a second statement of the same
 * text that is raw for good, instead of switching this one.
 */
function prepareShareable(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  const statement = withMappedErrors(sqlite.prepare(text))
  if (!statement.reader) return statement
  let raw: BetterSqlite3.Statement | undefined
  Object.defineProperty(statement, 'raw', {
    value: (toggle = true) =>
      toggle ? (raw ??= withMappedErrors(sqlite.prepare(text).raw(true))) : statement,
  })
  return statement
}

/** A busy or full database as the AppErrors the HTTP layer answers 503 with. */
function withMappedErrors(statement: BetterSqlite3.Statement): BetterSqlite3.Statement {
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statement[method] as (...args: unknown[]) => unknown
    Object.defineProperty(statement, method, {
      value: function (this: unknown, ...args: unknown[]) {
        try {
          return original.apply(this, args)
        } catch (error) {
          throw toStorageError(error)
        }
      },
    })
  }
  return statement
}

/**
 * The connection as drizzle sees it: its statements come from the cache, so a single-statement
 * write or a read during recovery gets the same AppErrors as `writeAtomically`, not an anonymous
 * 500. Without retries: drizzle's calls are synchronous.
 */
function withStorageErrors(
  sqlite: BetterSqlite3.Database,
  prepare: (text: string) => BetterSqlite3.Statement,
): BetterSqlite3.Database {
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
