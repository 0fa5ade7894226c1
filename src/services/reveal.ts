import { clientNetwork } from '../core/client-network.ts'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { keyCheckMatches, type SealedSecret } from '../core/reveal-crypto.ts'
import { named, writeSteps } from '../db/database.ts'
import { countHit, findLiveWindow, pruneRateLimits } from '../db/rate-limits.ts'
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
import { recordRefusal } from './repeated-refusals.ts'

/** Wrong emails a link tolerates; the next one burns every link of its reset. */
export const REVEAL_ATTEMPTS = 5

/**
 * Wrong key checks one client network may send in a window (`repeatedRefusalWindowSeconds`); past
 * it, that network's reveals are refused before any link is read, until the window ends.
 */
export const REVEAL_KEY_PROBES = 20

/**
 * The ciphertext of a reveal link, once. The caller must prove the link's key (its key check, as
 * the reveal page computes it from the link's fragment) before anything else is looked at: without
 * it, the link's id and the account's email (both easier to come by than the key) burn nothing and
 * count nothing against the link, so nobody but a holder of the link can use up the recipient's
 * tries. Wrong key checks are audited (a few per window) and bounded per client network. With the
 * key, the caller must still know the account's email; a wrong one is a 404 counted against the
 * link (at the limit every link of the reset burns) and audited. The first right answer burns
 * every link of the reset in the same atomic write that records it, so of two concurrent requests
 * exactly one gets the ciphertext. A link whose reset is no longer pending (used, superseded,
 * expired) is gone.
 */
export async function revealSecret(
  deps: Deps,
  revealId: string,
  input: { email: string; keyCheck: string },
  meta: RequestMeta,
): Promise<SealedSecret> {
  const now = deps.clock.now()
  const probes = probeCounterKey(deps, meta)
  await assertProbesUnderLimit(deps, probes, now)
  const row = await findRevealLink(deps.database.db, revealId)
  if (!row) throw new AppError('NOT_FOUND')
  const { link } = row
  const entry = {
    tenantId: link.tenantId,
    targetId: link.userId,
    details: { resetId: link.resetId, revealId: link.id },
  }
  // Before the link's state too: without the key, a caller learns nothing about the link.
  if (!keyCheckMatches(input.keyCheck, link.keyCheck)) {
    return refuseWrongKey(deps, meta, entry, probes, now)
  }
  const live =
    link.burnedAt === null &&
    link.ciphertext !== null &&
    link.iv !== null &&
    row.status === 'pending' &&
    link.expiresAt > now
  if (!live) throw new AppError('REVEAL_GONE')
  if (normalizeEmail(input.email) !== row.userEmail) {
    await recordWrongEmail(deps, link, meta, entry)
    throw new AppError('NOT_FOUND')
  }
  return openLink(deps, link, meta, entry, now)
}

/** The counter of wrong key checks from the caller's network (a keyed digest, never the IP). */
function probeCounterKey(deps: Deps, meta: RequestMeta): string {
  const network = clientNetwork(meta.ip ?? '')
  return `reveal-probes:${keyedDigest(deps.tokens.signingKey, 'reveal-probes', network)}`
}

async function assertProbesUnderLimit(deps: Deps, key: string, now: number): Promise<void> {
  const window = await findLiveWindow(deps.database.db, key, now)
  if (!window || window.hits < REVEAL_KEY_PROBES) return
  throw new AppError('RATE_LIMITED', {
    headers: { 'Retry-After': String(Math.ceil((window.expiresAt - now) / 1000)) },
  })
}

/**
 * A key check that is not the link's: a damaged link, or someone without it. Counted against the
 * caller's network only, never the link, and audited once per window per caller and link.
 */
async function refuseWrongKey(
  deps: Deps,
  meta: RequestMeta,
  entry: AuditEntry,
  probes: string,
  now: number,
): Promise<never> {
  const windowMs = deps.settings.repeatedRefusalWindowSeconds * 1000
  await deps.database.writeAtomically([pruneRateLimits(now), countHit(probes, now, windowMs)])
  await recordRefusal(deps, meta, {
    ...entry,
    event: 'reveal_denied',
    outcome: 'denied',
    reason: 'REVEAL_KEY_MISMATCH',
  })
  throw new AppError('REVEAL_KEY_MISMATCH')
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
