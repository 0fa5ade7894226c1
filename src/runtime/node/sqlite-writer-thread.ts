/**
 * The writer thread: every atomic write of the server runs here, on a connection of its own per
 * database file, so that SQLite's commit (its fsync, which `synchronous=FULL` requires) and its
 * automatic WAL checkpoints never hold the event loop. Messages come from sqlite-writer.ts; the
 * thread's bundle holds only this file, the statement cache and the pragma reader.
 */
import { parentPort } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { readPragmas } from './sqlite-pragmas.ts'
import { cacheStatements } from './sqlite-statements.ts'
import type { WriteQuery, WriterReply, WriterRequest } from './sqlite-writer.ts'

interface Connection {
  sqlite: BetterSqlite3.Database
  runAll: BetterSqlite3.Transaction<(queries: WriteQuery[]) => number[]>
  busyTimeoutMs: number
}

const connections = new Map<string, Connection>()
/** Until a write sets its own deadline (and for the checkpoint of a close before any write). */
const INITIAL_BUSY_TIMEOUT_MS = 2000

function open(path: string): Connection {
  const sqlite = new BetterSqlite3(path)
  // The file is already in WAL mode (the serving connection migrated it); these are per connection.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${INITIAL_BUSY_TIMEOUT_MS}`)
  const prepare = cacheStatements((text) => sqlite.prepare(text))
  const runAll = sqlite.transaction((queries: WriteQuery[]) =>
    queries.map((query) => prepare(query.sql).run(...query.params).changes),
  )
  return { sqlite, runAll, busyTimeoutMs: INITIAL_BUSY_TIMEOUT_MS }
}

function connectionTo(path: string): Connection {
  let connection = connections.get(path)
  if (!connection) {
    connection = open(path)
    connections.set(path, connection)
  }
  return connection
}

/**
 * One write: IMMEDIATE (the write lock taken up front), all statements or none. A lock another
 * process holds is waited for on this thread, never past the write's deadline, so that writes
 * queued behind a held lock give up together instead of one after another.
 */
function write(path: string, queries: WriteQuery[], deadline: number): number[] {
  const connection = connectionTo(path)
  const waitMs = Math.floor(deadline - Date.now())
  if (waitMs <= 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
  if (waitMs !== connection.busyTimeoutMs) {
    connection.sqlite.pragma(`busy_timeout = ${waitMs}`)
    connection.busyTimeoutMs = waitMs
  }
  return connection.runAll.immediate(queries)
}

function close(path: string): void {
  connections.get(path)?.sqlite.close()
  connections.delete(path)
}

function answer(request: WriterRequest): WriterReply {
  try {
    if (request.kind === 'close') {
      close(request.path)
      return { id: request.id, changes: [] }
    }
    // A diagnostic: what this connection, the one every commit goes through, was set to.
    if (request.kind === 'pragmas') {
      return { id: request.id, pragmas: readPragmas(connectionTo(request.path).sqlite) }
    }
    return { id: request.id, changes: write(request.path, request.queries, request.deadline) }
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown }
    return { id: request.id, error: { message: String(message), code: String(code ?? '') } }
  }
}

parentPort!.on('message', (request: WriterRequest) => {
  parentPort!.postMessage(answer(request))
})
