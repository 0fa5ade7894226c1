import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import type { SealedSecret } from '../core/reveal-crypto.ts'
import { named, writeSteps } from '../db/database.ts'
import {
  burnResetRevealLinks,
  countFailedRevealAttempt,
  findRevealLink,
  openRevealLink,
  revealAttemptCounted,
  revealAttemptsReached,
  revealLinkOpened,
  type RevealLinkRow,
} from '../db/reveal-links.ts'
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
  const row = await findRevealLink(deps.database.db, revealId)
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
  return openLink(deps, link, meta, entry, now)
}

type AuditEntry = { tenantId: string; targetId: string; details: Record<string, unknown> }

/** Opens the link and burns every link of its reset, audited, if no other request did first. */
async function openLink(
  deps: Deps,
  link: RevealLinkRow,
  meta: RequestMeta,
  entry: AuditEntry,
  now: number,
): Promise<SealedSecret> {
  const { db } = deps.database
  const { opened } = await writeSteps(deps.database, [
    named('opened', openRevealLink(db, link.id, now)),
    burnResetRevealLinks(
      db,
      link.resetId,
      { reason: 'revealed', now },
      revealLinkOpened(link.id, now),
    ),
    auditStatement(
      deps,
      meta,
      { ...entry, event: 'reveal_opened', outcome: 'success' },
      revealLinkOpened(link.id, now),
    ),
  ])
  if (opened !== 1) throw new AppError('REVEAL_GONE')
  return { ciphertext: link.ciphertext!, iv: link.iv! }
}

async function recordWrongEmail(
  deps: Deps,
  link: RevealLinkRow,
  meta: RequestMeta,
  entry: AuditEntry,
): Promise<void> {
  const now = deps.clock.now()
  const { db } = deps.database
  await deps.database.writeAtomically([
    countFailedRevealAttempt(db, link.id),
    burnResetRevealLinks(
      db,
      link.resetId,
      { reason: 'attempts', now },
      revealAttemptsReached(link.id, REVEAL_ATTEMPTS),
    ),
    // One row per counted attempt: at most REVEAL_ATTEMPTS per link, then the links are gone.
    auditStatement(
      deps,
      meta,
      { ...entry, event: 'reveal_denied', outcome: 'denied', reason: 'WRONG_EMAIL' },
      revealAttemptCounted(link.id, link.failedAttempts + 1),
    ),
  ])
}
