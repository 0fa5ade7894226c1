import { readdirSync } from 'node:fs'
import { access } from 'node:fs/promises'
import { setPriority } from 'node:os'
import type { Logger } from '../../core/logger.ts'

/**
 * Lowers the CPU priority of every thread but the event loop's (Linux: priorities are per thread).
 * The libuv pool runs argon2; when hashing saturates the cores, the scheduler then still gives the
 * event loop the CPU first, so token checks and other requests are not queued behind hashes.
 * Call it once the thread pool exists (`startThreadPool`); threads started later keep the event
 * loop's priority. Elsewhere than Linux it does nothing.
 */
export function deprioritizeHelperThreads(logger: Logger, niceness = 10): void {
  if (process.platform !== 'linux') return
  let lowered = 0
  for (const entry of readdirSync('/proc/self/task')) {
    const tid = Number(entry)
    if (tid === process.pid) continue
    try {
      setPriority(tid, niceness)
      lowered++
    } catch {
      // a thread that just exited, or no permission: leave it
    }
  }
  logger.info('helper_threads_deprioritized', { threads: lowered, niceness })
}

/** Starts libuv's thread pool: its first task, any one, starts all of its threads. */
export async function startThreadPool(): Promise<void> {
  await access(process.execPath)
}
