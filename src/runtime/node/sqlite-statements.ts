import type BetterSqlite3 from 'better-sqlite3'

/** Statements kept per connection; a text beyond this many pushes out the least recently used. */
export const STATEMENT_CACHE_SIZE = 512

/**
 * `prepare`, parsing each SQL text once: requests repeat the same few texts with new values, and
 * SQLite's parse and plan of a text costs more than running it. Used by the serving connection
 * and by the writer thread's (which imports nothing else of the app).
 */
export function cacheStatements(
  prepare: (text: string) => BetterSqlite3.Statement,
): (text: string) => BetterSqlite3.Statement {
  const statements = new Map<string, BetterSqlite3.Statement>()
  return (text) => {
    let statement = statements.get(text)
    if (statement) {
      statements.delete(text)
    } else {
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        statements.delete(statements.keys().next().value!)
      }
      statement = prepare(text)
    }
    statements.set(text, statement)
    return statement
  }
}
