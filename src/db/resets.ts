import { and, desc, eq, gt, lte, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { idempotencyKeys, passwordResets } from './schema.ts'

// Temporary passwords issued (password_resets) and the admins' idempotency keys that produced them.

/** A reset record as stored. */
export type ResetRow = typeof passwordResets.$inferSelect

/** Marks the user's pending temporary password superseded, if `guard` holds. */
export function supersedePendingResets(
  db: AppDb,
  userId: string,
  now: number,
  guard: Guard,
): Statement {
  return updatePendingResets(db, userId, { status: 'superseded', supersededAt: now }, guard)
}

/** Marks the user's pending temporary password used, if `guard` holds. */
export function markPendingResetUsed(
  db: AppDb,
  userId: string,
  now: number,
  guard: Guard,
): Statement {
  return updatePendingResets(db, userId, { status: 'used', usedAt: now }, guard)
}

function updatePendingResets(
  db: AppDb,
  userId: string,
  values: Partial<ResetRow>,
  guard: Guard,
): Statement {
  return db
    .update(passwordResets)
    .set(values)
    .where(and(eq(passwordResets.userId, userId), eq(passwordResets.status, 'pending'), guard))
}

/** The insert of a reset record, if `guard` holds. */
export function insertReset(row: typeof passwordResets.$inferInsert, guard: Guard): Statement {
  return insertWhere(passwordResets, row, guard)
}

/** The insert of a new user's first reset record, in the write that creates the user. */
export function insertFirstReset(db: AppDb, row: typeof passwordResets.$inferInsert): Statement {
  return db.insert(passwordResets).values(row)
}

/** The user's latest reset (by issue time, then by insertion). */
export async function findLatestReset(db: AppDb, userId: string): Promise<ResetRow | undefined> {
  const [latest] = await db
    .select()
    .from(passwordResets)
    .where(eq(passwordResets.userId, userId))
    .orderBy(desc(passwordResets.issuedAt), desc(sql`rowid`))
    .limit(1)
  return latest
}

/** The admin's idempotency record of `keyHash`, unless it expired by `now`. */
export async function findLiveIdempotencyKey(
  db: AppDb,
  actorId: string,
  keyHash: string,
  now: number,
) {
  const [existing] = await db
    .select()
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.actorId, actorId),
        eq(idempotencyKeys.keyHash, keyHash),
        gt(idempotencyKeys.expiresAt, now),
      ),
    )
  return existing
}

/** Deletes the admin's record of `keyHash` if it expired by `now`, making way for a new one. */
export function deleteExpiredIdempotencyKey(
  db: AppDb,
  key: { actorId: string; keyHash: string },
  now: number,
  guard: Guard,
): Statement {
  const sameKey = and(
    eq(idempotencyKeys.actorId, key.actorId),
    eq(idempotencyKeys.keyHash, key.keyHash),
  )
  return db.delete(idempotencyKeys).where(and(sameKey, lte(idempotencyKeys.expiresAt, now), guard))
}

/** The insert of an idempotency record, if `guard` holds. */
export function insertIdempotencyKey(
  row: typeof idempotencyKeys.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(idempotencyKeys, row, guard)
}
