import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { recoveryCodes } from './schema.ts'

// One-time recovery codes, as keyed hashes only (see core/recovery-codes.ts).

/** The user's code among `codeHashes` (one candidate per ring key), used or not. */
export async function findRecoveryCode(db: AppDb, userId: string, codeHashes: string[]) {
  const [match] = await db
    .select({ codeHash: recoveryCodes.codeHash, usedAt: recoveryCodes.usedAt })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), inArray(recoveryCodes.codeHash, codeHashes)))
  return match
}

/** Takes an unused code under a fresh `writeId`, if `condition` holds. */
export function markRecoveryCodeUsed(
  db: AppDb,
  codeHash: string,
  use: { now: number; writeId: string },
  condition?: Guard,
): Statement {
  return db
    .update(recoveryCodes)
    .set({ usedAt: use.now, usedWriteId: use.writeId })
    .where(and(eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt), condition))
}

/** Holds only after this batch took the code under `writeId` (fresh per write). */
export function recoveryCodeUsedBy(codeHash: string, writeId: string): Guard {
  return sql`exists (select 1 from ${recoveryCodes} where ${recoveryCodes.codeHash} = ${codeHash} and ${recoveryCodes.usedWriteId} = ${writeId})`
}

/** Deletes every code of the user, if `guard` holds. */
export function deleteUserRecoveryCodes(db: AppDb, userId: string, guard?: Guard): Statement {
  return db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), guard))
}

/** The insert of one code's hash, if `guard` holds. */
export function insertRecoveryCode(
  row: typeof recoveryCodes.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(recoveryCodes, row, guard)
}
