/**
 * The writer thread: every atomic write of the server runs here, on a connection of its own per
 * database file, so that SQLite's commit (its fsync, which `synchronous=FULL` requires) and its
 * automatic WAL checkpoints never hold the event loop. Messages come from sqlite-writer.ts; the
 * thread's bundle holds only this file, the statement cache and the pragma reader.
 *
 * Group commit: the writes that arrive while one group commits are committed together as the next
 * group, one transaction and one fsync, each write in a savepoint of its own. A write that fails
 * rolls back to its savepoint alone; every write is still all-or-nothing and acknowledged only
 * after the fsync that made it durable. Under load, one fsync (~3 ms here) then serves many writes
 * instead of one.
 */
import { parentPort } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { readPragmas } from './sqlite-pragmas.ts'
import { cacheStatements } from './sqlite-statements.ts'
import type { WriteQuery, WriterReply, WriterRequest } from './sqlite-writer.ts'

type Outcome = { changes: number[] } | { error: unknown }

interface Connection {
  sqlite: BetterSqlite3.Database
  runGroup: BetterSqlite3.Transaction<(writes: WriteQuery[][]) => Outcome[]>
  busyTimeoutMs: number
}

type WriteRequest = Extract<WriterRequest, { kind: 'write' }>

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
  // Called inside the group's transaction, better-sqlite3 runs it as a savepoint: a throw rolls
  // back this write's statements only.
  const runAll = sqlite.transaction((queries: WriteQuery[]) =>
    queries.map((query) => prepare(query.sql).run(...query.params).changes),
  )
  const runGroup = sqlite.transaction((writes: WriteQuery[][]) =>
    writes.map((queries): Outcome => {
      try {
        return { changes: runAll(queries) }
      } catch (error) {
        return { error }
      }
    }),
  )
  return { sqlite, runGroup, busyTimeoutMs: INITIAL_BUSY_TIMEOUT_MS }
}

function connectionTo(path: string): Connection {
  let connection = connections.get(path)
  if (!connection) {
    connection = open(path)
    connections.set(path, connection)
  }
  return connection
}

const locked = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })

/**
 * One group of writes to one file: IMMEDIATE (the write lock taken up front), one commit. A lock
 * another process holds is waited for on this thread, never past the earliest deadline of the
 * group, so that writes queued behind a held lock give up together instead of one after another.
 * A failed commit fails every write of the group (SQLite rolled them all back).
 */
function writeGroup(path: string, requests: WriteRequest[]): WriterReply[] {
  const now = Date.now()
  const expired = requests.filter((request) => request.deadline <= now)
  const live = requests.filter((request) => request.deadline > now)
  const replies = expired.map((request) => failure(request.id, locked()))
  if (live.length === 0) return replies
  const connection = connectionTo(path)
  const waitMs = Math.floor(Math.min(...live.map((request) => request.deadline)) - now)
  if (waitMs !== connection.busyTimeoutMs) {
    connection.sqlite.pragma(`busy_timeout = ${Math.max(1, waitMs)}`)
    connection.busyTimeoutMs = waitMs
  }
  try {
    const outcomes = connection.runGroup.immediate(live.map((request) => request.queries))
    outcomes.forEach((outcome, index) => {
      const { id } = live[index]!
      replies.push(
        'changes' in outcome ? { id, changes: outcome.changes } : failure(id, outcome.error),
      )
    })
  } catch (error) {
    for (const { id } of live) replies.push(failure(id, error))
  }
  return replies
}

function failure(id: number, error: unknown): WriterReply {
  const { message, code } = error as { message?: unknown; code?: unknown }
  return { id, error: { message: String(message), code: String(code ?? '') } }
}

function close(path: string): void {
  connections.get(path)?.sqlite.close()
  connections.delete(path)
}

function answer(request: Exclude<WriterRequest, WriteRequest>): WriterReply {
  try {
    if (request.kind === 'close') {
      close(request.path)
      return { id: request.id, changes: [] }
    }
    // A diagnostic: what this connection, the one every commit goes through, was set to.
    return { id: request.id, pragmas: readPragmas(connectionTo(request.path).sqlite) }
  } catch (error) {
    return failure(request.id, error)
  }
}

/** Writes received and not yet committed, in the order they came. */
let pending: WriteRequest[] = []

/**
 * Commits what is pending, one group per file, and answers the group's writes in one message:
 * they are all settled at the same moment, and each message costs the event loop an event.
 */
function commitPending(): void {
  const byPath = new Map<string, WriteRequest[]>()
  for (const request of pending)
    byPath.set(request.path, [...(byPath.get(request.path) ?? []), request])
  pending = []
  for (const [path, requests] of byPath) parentPort!.postMessage(writeGroup(path, requests))
}

parentPort!.on('message', (request: WriterRequest) => {
  if (request.kind === 'write') {
    // The messages already waiting are delivered before this runs: they join the group.
    if (pending.length === 0) setImmediate(commitPending)
    pending.push(request)
    return
  }
  // A close or a diagnostic comes after the writes sent before it.
  commitPending()
  parentPort!.postMessage([answer(request)])
})
