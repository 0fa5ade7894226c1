import { desc, eq, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { passwordHistory } from './schema.ts'

// Hashes of the user's earlier passwords, for the rule against reusing them.

/** The hashes of the user's latest `limit` passwords, newest first. */
export async function listRecentPasswordHashes(
  db: AppDb,
  userId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ passwordHash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(limit)
  return rows.map((row) => row.passwordHash)
}

/** The insert of a password's hash into the history, if `guard` holds. */
export function insertPasswordHistory(
  row: typeof passwordHistory.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(passwordHistory, row, guard)
}

/** Deletes all but the user's latest `keep` hashes, if `guard` holds. */
export function trimPasswordHistory(userId: string, keep: number, guard: Guard): Statement {
  const h = passwordHistory
  return sql`delete from ${h} where ${h.userId} = ${userId} and ${guard} and ${h.id} not in (select ${h.id} from ${h} where ${h.userId} = ${userId} order by ${h.createdAt} desc, rowid desc limit ${keep})`
}
