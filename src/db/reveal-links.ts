import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { passwordResets, revealLinks, users } from './schema.ts'

// One-time reveal links of resets: ciphertexts only, cleared when a link burns.

/** A reveal link as stored. */
export type RevealLinkRow = typeof revealLinks.$inferSelect

/** The insert of a sealed link, if `guard` holds. */
export function insertRevealLink(row: typeof revealLinks.$inferInsert, guard: Guard): Statement {
  return insertWhere(revealLinks, row, guard)
}

/** Records that the link's mail was accepted by the transport. */
export function markRevealLinkSent(db: AppDb, linkId: string, now: number): Statement {
  return db.update(revealLinks).set({ sentAt: now }).where(eq(revealLinks.id, linkId))
}

/** Records that the link's mail could not be sent. */
export function markRevealLinkSendFailed(db: AppDb, linkId: string, now: number): Statement {
  return db.update(revealLinks).set({ sendFailedAt: now }).where(eq(revealLinks.id, linkId))
}

/** Burns the user's unburned links as superseded by a newer reset, if `guard` holds. */
export function burnUserRevealLinks(
  db: AppDb,
  userId: string,
  now: number,
  guard: Guard,
): Statement {
  return db
    .update(revealLinks)
    .set({ burnedAt: now, burnReason: 'superseded', ciphertext: null, iv: null })
    .where(and(eq(revealLinks.userId, userId), isNull(revealLinks.burnedAt), guard))
}

/** The links of a reset, in the order they were written. */
export function listResetRevealLinks(db: AppDb, resetId: string): Promise<RevealLinkRow[]> {
  return db
    .select()
    .from(revealLinks)
    .where(eq(revealLinks.resetId, resetId))
    .orderBy(sql`rowid`)
}

/** The link with its user's email and its reset's status. */
export async function findRevealLink(db: AppDb, linkId: string) {
  const [row] = await db
    .select({ link: revealLinks, userEmail: users.email, status: passwordResets.status })
    .from(revealLinks)
    .innerJoin(users, eq(users.id, revealLinks.userId))
    .innerJoin(passwordResets, eq(passwordResets.id, revealLinks.resetId))
    .where(eq(revealLinks.id, linkId))
  return row
}

/** Opens and burns the link, if it is unburned and unexpired at `now`. */
export function openRevealLink(db: AppDb, linkId: string, now: number): Statement {
  return db
    .update(revealLinks)
    .set({ openedAt: now, burnedAt: now, burnReason: 'revealed', ciphertext: null, iv: null })
    .where(
      and(eq(revealLinks.id, linkId), isNull(revealLinks.burnedAt), gt(revealLinks.expiresAt, now)),
    )
}

/** Holds only after this batch opened the link at `now`. */
export function revealLinkOpened(linkId: string, now: number): Guard {
  const opened = and(
    eq(revealLinks.id, linkId),
    eq(revealLinks.openedAt, now),
    eq(revealLinks.burnReason, 'revealed'),
  )
  return sql`exists (select 1 from ${revealLinks} where ${opened})`
}

/** Burns every unburned link of the reset for `reason`, if `guard` holds. */
export function burnResetRevealLinks(
  db: AppDb,
  resetId: string,
  burn: { reason: 'revealed' | 'attempts'; now: number },
  guard: Guard,
): Statement {
  return db
    .update(revealLinks)
    .set({ burnedAt: burn.now, burnReason: burn.reason, ciphertext: null, iv: null })
    .where(and(eq(revealLinks.resetId, resetId), isNull(revealLinks.burnedAt), guard))
}

/** Counts a wrong answer against the unburned link. */
export function countFailedRevealAttempt(db: AppDb, linkId: string): Statement {
  return db
    .update(revealLinks)
    .set({ failedAttempts: sql`${revealLinks.failedAttempts} + 1` })
    .where(and(eq(revealLinks.id, linkId), isNull(revealLinks.burnedAt)))
}

/** Holds once the link has counted `limit` wrong answers. */
export function revealAttemptsReached(linkId: string, limit: number): Guard {
  return sql`(select ${revealLinks.failedAttempts} from ${revealLinks} where ${revealLinks.id} = ${linkId}) >= ${limit}`
}

/** Holds only after this batch counted the link's wrong answer number `attempts`. */
export function revealAttemptCounted(linkId: string, attempts: number): Guard {
  return sql`exists (select 1 from ${revealLinks} where ${revealLinks.id} = ${linkId} and ${revealLinks.failedAttempts} = ${attempts})`
}
