import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import type { SealedSecret } from '../core/reveal-crypto.ts'
import { passwordResets, revealLinks, users } from '../db/schema.ts'
import { auditStatement } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

/** Wrong emails a link tolerates; the next one burns every link of its reset. */
export const REVEAL_ATTEMPTS = 5

/**
 * The ciphertext of a reveal link, once. The caller must know the account's email; a wrong one is
 * a 404 counted against the link (at the limit every link of the reset burns) and audited. The
 * first right answer burns every link of the reset in the same atomic write that records it, so
 * of two concurrent requests exactly one gets the ciphertext. A link whose reset is no longer
 * pending (used, superseded, expired) is gone.
 */
export async function revealSecret(
  deps: Deps,
  revealId: string,
  input: { email: string; keyCheck?: string },
  meta: RequestMeta,
): Promise<SealedSecret> {
  const { email } = input
  const now = deps.clock.now()
  const [row] = await deps.database.db
    .select({ link: revealLinks, userEmail: users.email, status: passwordResets.status })
    .from(revealLinks)
    .innerJoin(users, eq(users.id, revealLinks.userId))
    .innerJoin(passwordResets, eq(passwordResets.id, revealLinks.resetId))
    .where(eq(revealLinks.id, revealId))
  if (!row) throw new AppError('NOT_FOUND')
  const { link } = row
  const live =
    link.burnedAt === null &&
    link.ciphertext !== null &&
    link.iv !== null &&
    row.status === 'pending' &&
    link.expiresAt > now
  if (!live) throw new AppError('REVEAL_GONE')
  // A damaged link (a fragment cut short or altered) could never decrypt: nothing burns.
  if (input.keyCheck !== undefined && input.keyCheck !== link.keyCheck) {
    throw new AppError('REVEAL_KEY_MISMATCH')
  }
  const entry = {
    tenantId: link.tenantId,
    targetId: link.userId,
    details: { resetId: link.resetId, revealId: link.id },
  }
  if (normalizeEmail(email) !== row.userEmail) {
    await recordWrongEmail(deps, link, meta, entry)
    throw new AppError('NOT_FOUND')
  }
  const opened = and(
    eq(revealLinks.id, link.id),
    eq(revealLinks.openedAt, now),
    eq(revealLinks.burnReason, 'revealed'),
  )
  const [changed] = await deps.database.writeAtomically([
    deps.database.db
      .update(revealLinks)
      .set({ openedAt: now, burnedAt: now, burnReason: 'revealed', ciphertext: null, iv: null })
      .where(
        and(
          eq(revealLinks.id, link.id),
          isNull(revealLinks.burnedAt),
          gt(revealLinks.expiresAt, now),
        ),
      ),
    deps.database.db
      .update(revealLinks)
      .set({ burnedAt: now, burnReason: 'revealed', ciphertext: null, iv: null })
      .where(
        and(
          eq(revealLinks.resetId, link.resetId),
          isNull(revealLinks.burnedAt),
          sql`exists (select 1 from ${revealLinks} where ${opened})`,
        ),
      ),
    auditStatement(
      deps,
      meta,
      { ...entry, event: 'reveal_opened', outcome: 'success' },
      sql`exists (select 1 from ${revealLinks} where ${opened})`,
    ),
  ])
  if (changed !== 1) throw new AppError('REVEAL_GONE')
  return { ciphertext: link.ciphertext!, iv: link.iv! }
}

async function recordWrongEmail(
  deps: Deps,
  link: typeof revealLinks.$inferSelect,
  meta: RequestMeta,
  entry: { tenantId: string; targetId: string; details: Record<string, unknown> },
): Promise<void> {
  const now = deps.clock.now()
  const atLimit = sql`(select ${revealLinks.failedAttempts} from ${revealLinks} where ${revealLinks.id} = ${link.id}) >= ${REVEAL_ATTEMPTS}`
  const counted = sql`exists (select 1 from ${revealLinks} where ${revealLinks.id} = ${link.id} and ${revealLinks.failedAttempts} = ${link.failedAttempts + 1})`
  await deps.database.writeAtomically([
    deps.database.db
      .update(revealLinks)
      .set({ failedAttempts: sql`${revealLinks.failedAttempts} + 1` })
      .where(and(eq(revealLinks.id, link.id), isNull(revealLinks.burnedAt))),
    deps.database.db
      .update(revealLinks)
      .set({ burnedAt: now, burnReason: 'attempts', ciphertext: null, iv: null })
      .where(and(eq(revealLinks.resetId, link.resetId), isNull(revealLinks.burnedAt), atLimit)),
    // One row per counted attempt: at most REVEAL_ATTEMPTS per link, then the links are gone.
    auditStatement(
      deps,
      meta,
      { ...entry, event: 'reveal_denied', outcome: 'denied', reason: 'WRONG_EMAIL' },
      counted,
    ),
  ])
}
