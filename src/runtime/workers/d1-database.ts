import { drizzle } from 'drizzle-orm/d1'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import type { Database } from '../../db/database.ts'
import { schema } from '../../db/schema.ts'

/** The part of a D1 binding (or of one of its sessions) that oncepass uses. */
export type D1Like = Pick<D1Database, 'prepare' | 'batch'> &
  Partial<Pick<D1Database, 'withSession'>>

const dialect = new SQLiteAsyncDialect()

/**
 * The database port on D1. Every request gets its own D1 session starting at the primary
 * ('first-primary'): with read replication on, the first read of a request — the session and
 * revocation check — still sees every committed reset and sign-out. Atomic writes are one
 * `batch()` (D1 has no interactive transactions, and a batch is one): the statements are compiled
 * by drizzle's dialect and bound here, and `meta.changes` reports what each one did.
 */
export function createD1Database(binding: D1Like): Database {
  const session = binding.withSession ? binding.withSession('first-primary') : binding
  // A session offers prepare() and batch(), which is all drizzle's D1 driver calls.
  const db = drizzle(session as D1Database, { schema })
  return {
    db,
    async writeAtomically(statements) {
      if (statements.length === 0) return []
      const prepared = statements.map((statement) => {
        const query = dialect.sqlToQuery(statement.getSQL())
        return session.prepare(query.sql).bind(...query.params)
      })
      const results = await session.batch(prepared)
      return results.map((result) => result.meta.changes)
    },
  }
}
