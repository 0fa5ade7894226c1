import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, prepared, type Statement } from './database.ts'
import { authorizationCodes } from './schema.ts'

// One-time authorization codes (digests only), and the grants they were exchanged for.

export type AuthorizationCodeRow = typeof authorizationCodes.$inferSelect

/** Expired codes deleted by each new code's write: more than the one it adds, so it keeps up. */
const PRUNE_BATCH = 4

/** The insert of a new code, if `guard` holds. */
export function insertAuthorizationCode(
  row: typeof authorizationCodes.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(authorizationCodes, row, guard)
}

/**
 * Deletes a few codes that expired before `before`. A used code is kept until then, so that its
 * replay is still recognised (and ends what it issued) for as long as it could have been valid.
 */
export function deleteExpiredCodes(before: number): Statement {
  const t = authorizationCodes
  return sql`delete from ${t} where ${t.codeHash} in (select ${t.codeHash} from ${t} where ${t.expiresAt} <= ${before} limit ${PRUNE_BATCH})`
}

const codeByHash = (db: AppDb) =>
  prepared(db, 'authorization-code', (db) =>
    db
      .select()
      .from(authorizationCodes)
      .where(eq(authorizationCodes.codeHash, sql.placeholder('codeHash')))
      .prepare(),
  )

/** The code with this digest, used or not, or undefined. */
export async function findAuthorizationCode(
  db: AppDb,
  codeHash: string,
): Promise<AuthorizationCodeRow | undefined> {
  const [row] = await codeByHash(db).all({ codeHash })
  return row
}

/**
 * Takes the code for its one exchange, recording the grant it becomes: only while unused and
 * unexpired, so of two concurrent exchanges exactly one changes the row.
 */
export function markCodeUsed(db: AppDb, codeHash: string, grantId: string, now: number): Statement {
  return db
    .update(authorizationCodes)
    .set({ usedAt: now, grantId })
    .where(
      and(
        eq(authorizationCodes.codeHash, codeHash),
        isNull(authorizationCodes.usedAt),
        gt(authorizationCodes.expiresAt, now),
      ),
    )
}

/** Holds once this batch took the code for `grantId` (see `markCodeUsed`). */
export function codeTakenFor(codeHash: string, grantId: string): Guard {
  const t = authorizationCodes
  return sql`exists (select 1 from ${t} where ${t.codeHash} = ${codeHash} and ${t.grantId} = ${grantId})`
}
