/**
 * The checkpoint thread: folds the WAL back into each database file (SQLite's checkpoint, with its
 * fsync of the file) on a connection of its own, so that this work never holds the event loop the
 * way SQLite's automatic checkpoint does, inside whichever commit crosses the threshold. Messages
 * come from sqlite-checkpoints.ts; this file imports nothing of the app.
 */
import { parentPort } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import type { CheckpointReply, CheckpointRequest } from './sqlite-checkpoints.ts'

const connections = new Map<string, BetterSqlite3.Database>()

function connectionTo(path: string): BetterSqlite3.Database {
  let sqlite = connections.get(path)
  if (!sqlite) {
    sqlite = new BetterSqlite3(path)
    sqlite.pragma('synchronous = FULL')
    connections.set(path, sqlite)
  }
  return sqlite
}

/**
 * PASSIVE: copies what it can without waiting for readers or the writer, and never blocks them;
 * whatever it could not copy is copied by a later call.
 */
function checkpoint(path: string): void {
  connectionTo(path).pragma('wal_checkpoint(PASSIVE)')
}

function close(path: string): void {
  connections.get(path)?.close()
  connections.delete(path)
}

function answer(request: CheckpointRequest): CheckpointReply {
  try {
    if (request.close) close(request.path)
    else checkpoint(request.path)
    return { id: request.id }
  } catch (error) {
    return { id: request.id, error: String((error as Error).message) }
  }
}

parentPort!.on('message', (request: CheckpointRequest) => {
  parentPort!.postMessage(answer(request))
})
