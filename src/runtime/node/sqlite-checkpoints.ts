import { Worker } from 'node:worker_threads'

export type CheckpointRequest = { id: number; path: string; close?: true }
export type CheckpointReply = { id: number; error?: string }

/**
 * How long after a commit its checkpoint runs: commits in between share it. About as often as
 * SQLite's own (every 1,000 pages of WAL) under a steady stream of sign-ins.
 */
export const CHECKPOINT_DELAY_MS = 1000

/** One database file's checkpoints, run on the process's checkpoint thread. */
export interface BackgroundCheckpoints {
  /** Call after each commit: a checkpoint follows within `CHECKPOINT_DELAY_MS`. */
  afterCommit(): void
  /** Closes the thread's connection to the file, after its pending checkpoint. */
  close(): Promise<void>
}

/**
 * Checkpoints `path` on a worker thread instead of inside a commit on the event loop (SQLite's
 * automatic checkpoint, which the caller turns off): copying a second of WAL into a large file
 * and syncing it took over 500 ms at 1,000,000 users, during which every request waited.
 * `onFailure` is told when a checkpoint could not run (the caller then turns SQLite's back on).
 */
export function checkpointInBackground(
  path: string,
  onFailure: (error: Error) => void,
): BackgroundCheckpoints {
  let scheduled = false
  let stopped = false
  const run = () => {
    if (stopped) return
    send({ id: ++lastId, path })
      .catch((error: Error) => {
        stopped = true
        onFailure(error)
      })
      .finally(() => {
        scheduled = false
      })
  }
  return {
    afterCommit() {
      if (scheduled || stopped) return
      scheduled = true
      setTimeout(run, CHECKPOINT_DELAY_MS).unref()
    },
    close: async () => {
      stopped = true
      if (thread) await send({ id: ++lastId, path, close: true }).catch(() => {})
    },
  }
}

interface Waiter {
  resolve: () => void
  reject: (error: Error) => void
}

/** The process's one checkpoint thread, started on first use; it keeps the process open only while busy. */
let thread: Worker | undefined
const waiting = new Map<number, Waiter>()
let lastId = 0

function send(request: CheckpointRequest): Promise<void> {
  const worker = (thread ??= startThread())
  if (waiting.size === 0) worker.ref()
  return new Promise((resolve, reject) => {
    waiting.set(request.id, { resolve, reject })
    worker.postMessage(request)
  })
}

function settle(reply: CheckpointReply): void {
  const waiter = waiting.get(reply.id)
  waiting.delete(reply.id)
  if (waiting.size === 0) thread?.unref()
  if (reply.error === undefined) waiter?.resolve()
  else waiter?.reject(new Error(reply.error))
}

/** A thread that died fails what it was doing; the next checkpoint starts a new one. */
function failAll(error: Error): void {
  thread = undefined
  for (const waiter of waiting.values()) waiter.reject(error)
  waiting.clear()
}

function startThread(): Worker {
  // Bundled, it sits next to the bundle (dist/node/); run from source, it is the .ts file.
  const bundled = import.meta.url.endsWith('.js')
  const url = new URL(`./sqlite-checkpoint-thread.${bundled ? 'js' : 'ts'}`, import.meta.url)
  const worker = bundled ? new Worker(url) : new Worker(importThroughTsx(url), { eval: true })
  worker.on('message', settle)
  worker.on('error', failAll)
  worker.on('exit', (code) => failAll(new Error(`the checkpoint thread exited with ${code}`)))
  worker.unref()
  return worker
}

/** From source (tests, scripts run by tsx): the thread registers tsx's loader, then imports. */
function importThroughTsx(url: URL): string {
  // Resolved here (test runners may not offer import.meta.resolve: then from the working folder).
  const api =
    typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api'
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}) })`
}
