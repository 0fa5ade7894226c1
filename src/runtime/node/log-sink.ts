import { writeSync } from 'node:fs'

/**
 * A log sink for stdout that batches lines and writes them once per event-loop turn: one system
 * call per batch instead of one per request, so access logging stays off the hot path. `flush`
 * writes what is pending synchronously (on shutdown).
 */
export function createBatchedStdout(fd = 1) {
  let pending: string[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending.length === 0) return
    const text = `${pending.join('\n')}\n`
    pending = []
    writeSync(fd, text)
  }
  return {
    write(line: string) {
      pending.push(line)
      if (pending.length >= 512) flush()
      else if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
