import { drizzle } from 'drizzle-orm/d1'
import { type Database, toQuery } from '../../db/database.ts'
import { schema } from '../../db/schema.ts'

/** The part of a D1 binding that oncepass uses: it only ever talks to D1 through a session. */
export type D1Binding = Pick<D1Database, 'withSession'>

/**
 * The database port on D1. Every request gets its own D1 session starting at the primary
 * ('first-primary'): with read replication on, the first read of a request — the session and
 * revocation check — still sees every committed reset and sign-out (docs/security.md). There is no
 * fallback to the bare binding, whose reads may come from a lagging replica. Atomic writes are one
 * `batch()` (D1 has no interactive transactions, and a batch is one): the statements are compiled
 * (`toQuery`) and bound here, and `meta.changes` reports what each one did.
 */
export function createD1Database(binding: D1Binding): Database {
  assertD1Sessions(binding)
  const session = binding.withSession('first-primary')
  // A session offers prepare() and batch(), which is all drizzle's D1 driver calls.
  const db = drizzle(session as unknown as D1Database, { schema })
  return {
    db,
    async writeAtomically(statements) {
      if (statements.length === 0) return []
      const prepared = statements.map((statement) => {
        const query = toQuery(statement)
        return session.prepare(query.sql).bind(...query.params)
      })
      const results = await session.batch(prepared)
      return results.map((result) => result.meta.changes)
    },
  }
}

/** Throws, with what to do, when the binding cannot open D1 sessions. */
export function assertD1Sessions(binding: D1Binding): void {
  if (typeof binding.withSession !== 'function') {
    throw new Error(
      'The D1 binding has no withSession(): oncepass reads revocations through a first-primary ' +
        'D1 session. Run it on a workerd with D1 sessions (the pinned wrangler 4.86.0 has them).',
    )
  }
}
