import { Worker } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import type { ConnectionPragmas } from './sqlite-pragmas.ts'

/** One statement of a write: its SQL text and parameters, as they cross to the writer thread. */
export interface WriteQuery {
  sql: string
  params: unknown[]
}

export type WriterRequest =
  | { kind: 'write'; id: number; path: string; queries: WriteQuery[]; deadline: number }
  | { kind: 'pragmas'; id: number; path: string }
  | { kind: 'close'; id: number; path: string }

/** One request's answer. The thread sends them as a list: every write of a group commit at once. */
export type WriterReply =
  | { id: number; changes: number[] }
  | { id: number; pragmas: ConnectionPragmas }
  | { id: number; error: { message: string; code: string } }

/** One database file's writes, run on the process's writer thread (sqlite-writer-thread.ts). */
export interface ThreadWriter {
  /**
   * Runs the queries as one IMMEDIATE transaction there: all of them or none. A lock another
   * process holds is waited for at most `waitMs`; a failure rejects with better-sqlite3's
   * `SqliteError` (SQLITE_BUSY, SQLITE_FULL, a constraint…), as the same write on this thread would.
   */
  write(queries: WriteQuery[], waitMs: number): Promise<number[]>
  /** The pragmas of the thread's connection to the file (the one every commit goes through). */
  pragmas(): Promise<ConnectionPragmas>
  /** Closes the thread's connection to the file, after the writes sent before. */
  close(): Promise<void>
}

interface Waiter {
  resolve: (answer: number[] | ConnectionPragmas) => void
  reject: (error: unknown) => void
}

/**
 * The process's one writer thread, started with the first database that uses it. It keeps the
 * process alive only while a write is in flight.
 */
let thread: Worker | undefined
const waiting = new Map<number, Waiter>()
let lastId = 0

/**
 * Writes to `path` from now on go through the writer thread (started now if need be). After
 * `close()`, a write fails as it would on a closed better-sqlite3 connection; sent on, it would
 * open the file again on the thread (a late write, such as a notice sent past its response).
 */
export function writeOnWriterThread(path: string): ThreadWriter {
  thread ??= startWriterThread()
  let closed = false
  return {
    write: (queries, waitMs) =>
      closed
        ? Promise.reject(new TypeError('The database connection is not open'))
        : (send({
            kind: 'write',
            id: ++lastId,
            path,
            queries,
            deadline: Date.now() + waitMs,
          }) as Promise<number[]>),
    pragmas: () => send({ kind: 'pragmas', id: ++lastId, path }) as Promise<ConnectionPragmas>,
    close: async () => {
      closed = true
      if (thread) await send({ kind: 'close', id: ++lastId, path })
    },
  }
}

function send(request: WriterRequest): Promise<number[] | ConnectionPragmas> {
  const worker = (thread ??= startWriterThread())
  if (waiting.size === 0) worker.ref()
  return new Promise((resolve, reject) => {
    waiting.set(request.id, { resolve, reject })
    worker.postMessage(request)
  })
}

/** One message of the thread: the answers it has, settled in the order the thread gave them. */
function settleAll(replies: WriterReply[]): void {
  for (const reply of replies) settle(reply)
}

function settle(reply: WriterReply): void {
  const waiter = waiting.get(reply.id)
  waiting.delete(reply.id)
  if (waiting.size === 0) thread?.unref()
  if ('error' in reply) {
    waiter?.reject(new BetterSqlite3.SqliteError(reply.error.message, reply.error.code))
  } else {
    waiter?.resolve('pragmas' in reply ? reply.pragmas : reply.changes)
  }
}

/**
 * A thread that died fails the writes it held (a transaction it did not commit is rolled back by
 * SQLite); the next write starts a new thread.
 */
function failAll(error: unknown): void {
  thread = undefined
  for (const waiter of waiting.values()) waiter.reject(error)
  waiting.clear()
}

function startWriterThread(): Worker {
  // Bundled, the thread's file sits next to the bundle (dist/node/); from source, it is the .ts.
  const bundled = import.meta.url.endsWith('.js')
  const url = new URL(`./sqlite-writer-thread.${bundled ? 'js' : 'ts'}`, import.meta.url)
  const worker = bundled ? new Worker(url) : new Worker(importThroughTsx(url), { eval: true })
  worker.on('message', settleAll)
  worker.on('error', failAll)
  worker.on('exit', (code) => failAll(new Error(`the SQLite writer thread exited with ${code}`)))
  worker.unref()
  return worker
}

/** From source (tests and scripts run by tsx): the thread registers tsx's loader, then imports. */
function importThroughTsx(url: URL): string {
  // Resolved here when the runtime can; a test runner may not offer it (then: the working folder).
  const api =
    typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api'
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}) })`
}
