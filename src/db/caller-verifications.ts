import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm'
import { type AppDb, always, type Guard, insertWhere, type Statement } from './database.ts'
import { callerVerifications } from './schema.ts'

// Caller verifications (services/caller-verification.ts): how an admin settled who was calling
// before a reset. A mailed code is only ever held as a keyed digest.

/** A verification as stored. */
export type VerificationRow = typeof callerVerifications.$inferSelect

const t = callerVerifications

/** The insert of a verification (or an override), if `guard` holds. */
export function insertVerification(row: typeof t.$inferInsert, guard: Guard = always): Statement {
  return insertWhere(t, row, guard)
}

/** One verification of the tenant, by id. */
export async function findVerification(
  db: AppDb,
  tenantId: string,
  id: string,
): Promise<VerificationRow | undefined> {
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, id), eq(t.tenantId, tenantId)))
  return row
}

/** The verification that covered a reset or an approval request (by its id). */
export async function findVerificationUsedBy(
  db: AppDb,
  usedRef: string,
): Promise<VerificationRow | undefined> {
  const [row] = await db.select().from(t).where(eq(t.usedRef, usedRef)).limit(1)
  return row
}

/** The admin's open verifications of the user are closed as replaced by a newer one. */
export function supersedeOpenVerifications(
  db: AppDb,
  verification: { adminId: string; userId: string },
  now: number,
): Statement {
  return db
    .update(t)
    .set({ closedAt: now, closedReason: 'superseded' })
    .where(
      and(
        eq(t.adminId, verification.adminId),
        eq(t.userId, verification.userId),
        inArray(t.method, ['totp', 'email']),
        isNull(t.verifiedAt),
        isNull(t.closedAt),
      ),
    )
}

/** Still waiting for its code: not verified, not closed, tries left, not expired at `now`. */
function isOpen(maxAttempts: number, now: number) {
  return and(
    isNull(t.verifiedAt),
    isNull(t.closedAt),
    lt(t.failedAttempts, maxAttempts),
    gt(t.expiresAt, now),
  )
}

/**
 * Counts one wrong code; the try that reaches `maxAttempts` closes the verification, under
 * `writeId` (so that only the write that burned it records so).
 */
export function countWrongCode(
  db: AppDb,
  id: string,
  wrong: { maxAttempts: number; now: number; writeId: string },
): Statement {
  const { maxAttempts, now, writeId } = wrong
  const reaches = sql`${t.failedAttempts} + 1 >= ${maxAttempts}`
  return db
    .update(t)
    .set({
      failedAttempts: sql`${t.failedAttempts} + 1`,
      closedAt: sql`case when ${reaches} then ${now} else ${t.closedAt} end`,
      closedReason: sql`case when ${reaches} then 'attempts' else ${t.closedReason} end`,
      writeId: sql`case when ${reaches} then ${writeId} else ${t.writeId} end`,
    })
    .where(and(eq(t.id, id), isOpen(maxAttempts, now)))
}

/** Closes a verification that is still unverified and open, for `reason`, under `writeId`. */
export function closeVerification(
  db: AppDb,
  id: string,
  close: { now: number; reason: 'expired' | 'send_failed'; writeId: string },
): Statement {
  return db
    .update(t)
    .set({ closedAt: close.now, closedReason: close.reason, writeId: close.writeId })
    .where(and(eq(t.id, id), isNull(t.verifiedAt), isNull(t.closedAt)))
}

/** Marks an open verification verified until `validUntil`, under `writeId`, if `guard` holds. */
export function markVerified(
  db: AppDb,
  id: string,
  verified: { now: number; validUntil: number; maxAttempts: number; writeId: string },
  guard?: Guard,
): Statement {
  const { now, validUntil, maxAttempts, writeId } = verified
  return db
    .update(t)
    .set({ verifiedAt: now, validUntil, writeId })
    .where(and(eq(t.id, id), isOpen(maxAttempts, now), guard))
}

/**
 * The admin's latest verified, unused verification of the user that is still valid at `now` and
 * was made for the user's current email.
 */
export async function findLiveVerification(
  db: AppDb,
  scope: { adminId: string; userId: string; email: string; now: number },
): Promise<VerificationRow | undefined> {
  const [row] = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.adminId, scope.adminId),
        eq(t.userId, scope.userId),
        inArray(t.method, ['totp', 'email']),
        isNotNull(t.verifiedAt),
        gt(t.validUntil, scope.now),
        isNull(t.usedAt),
        eq(t.email, scope.email),
      ),
    )
    .orderBy(desc(t.verifiedAt))
    .limit(1)
  return row
}

/** Holds while the verification is verified, unused and valid at `now`. */
export function verificationUnused(id: string, now: number): Guard {
  return sql`exists (select 1 from ${t} where ${t.id} = ${id} and ${t.usedAt} is null and ${t.validUntil} > ${now})`
}

/** Uses the verification up for one action, under a fresh `writeId`, if `guard` holds. */
export function markVerificationUsed(
  db: AppDb,
  id: string,
  use: {
    now: number
    writeId: string
    usedFor: NonNullable<VerificationRow['usedFor']>
    usedRef: string | null
  },
  guard: Guard = always,
): Statement {
  return db
    .update(t)
    .set({ usedAt: use.now, writeId: use.writeId, usedFor: use.usedFor, usedRef: use.usedRef })
    .where(and(eq(t.id, id), isNull(t.usedAt), guard))
}

/** Holds only after this batch moved the verification under `writeId` (fresh per write). */
export function verificationWrittenBy(id: string, writeId: string): Guard {
  return sql`exists (select 1 from ${t} where ${t.id} = ${id} and ${t.writeId} = ${writeId})`
}
