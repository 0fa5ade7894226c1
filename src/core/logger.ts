/** Structured fields of a log line. Values are data, never format strings. */
export type LogFields = Record<string, unknown>

/** The logging port: one JSON object per line, secrets redacted by key name before writing. */
export interface Logger {
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
}

// Any field whose name looks like it could hold a secret is replaced, whatever its value.
const SECRET_KEY = /pass|token|secret|hash|authorization|cookie|signing|challenge|key$/i

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redact(inner, depth + 1),
    ]),
  )
}

/**
 * A logger writing JSON lines to `write`. JSON encoding escapes CR/LF, so a user-supplied value
 * can never forge a second record.
 *
 * @example
 * const logger = createJsonLogger((line) => process.stdout.write(`${line}\n`))
 * logger.info('server_started', { port: 3000 })
 */
export function createJsonLogger(write: (line: string) => void, now = () => Date.now()): Logger {
  const emit = (level: string, event: string, fields: LogFields = {}) => {
    const record = {
      time: new Date(now()).toISOString(),
      level,
      event,
      ...(redact(fields) as LogFields),
    }
    write(JSON.stringify(record))
  }
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
