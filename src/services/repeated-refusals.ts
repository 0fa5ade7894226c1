import { clientNetwork } from '../core/client-network.ts'
import { allOf, type Statement } from '../db/database.ts'
import {
  countHit,
  findLiveHits,
  hitsAtMost,
  noLiveWindow,
  pruneRateLimits,
} from '../db/rate-limits.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

// A refusal that is repeated (a replayed refresh token, a plain user posting resets) is audited
// once per window per kind — event, reason and subject (the actor and target, or the token
// family) — and each actor's refusals are audited at most `REFUSALS_PER_ACTOR` times per window
// in all. A caller who repeats refusals as fast as they can thus adds a bounded few rows and log
// lines: the first row of each kind says it happened, by whom, on what, and when.

/** Distinct refusals audited per actor per window; more are refused just the same, unrecorded. */
export const REFUSALS_PER_ACTOR = 20

type RefusalKind = Pick<AuditInput, 'event' | 'reason'>

function windowKeys(deps: Deps, kind: RefusalKind, subject: string, actorKey: string) {
  return {
    kind: `refusal:${kind.event}:${kind.reason ?? ''}:${subject}`,
    actor: `refusals-by:${actorKey}`,
    windowMs: deps.settings.repeatedRefusalWindowSeconds * 1000,
  }
}

const actorKeyOf = (input: Pick<AuditInput, 'actor'>, meta: RequestMeta) =>
  input.actor?.id ?? `ip:${clientNetwork(meta.ip ?? '')}`

/** True while this kind of refusal by `subject` is already audited, or its actor's cap reached. */
export async function refusalRecordedRecently(
  deps: Deps,
  kind: RefusalKind & Pick<AuditInput, 'actor'>,
  subject: string,
  meta: RequestMeta = { requestId: '', ip: null, language: 'en' },
): Promise<boolean> {
  const keys = windowKeys(deps, kind, subject, actorKeyOf(kind, meta))
  const hits = await findLiveHits(deps.database.db, [keys.kind, keys.actor], deps.clock.now())
  // Without the actor at hand, only the kind is checked here (the write still applies the cap).
  const capped = kind.actor !== undefined && (hits.get(keys.actor) ?? 0) >= REFUSALS_PER_ACTOR
  return hits.has(keys.kind) || capped
}

/**
 * The refusal's audit row for an atomic write: written only if none of its kind by `subject` is
 * in a live window and its actor is under the cap, along with the windows it opens (parallel
 * repeats all write at most one row).
 */
export function refusalAuditStatements(
  deps: Deps,
  meta: RequestMeta,
  subject: string,
  input: AuditInput,
): Statement[] {
  const keys = windowKeys(deps, input, subject, actorKeyOf(input, meta))
  const now = deps.clock.now()
  const newKind = noLiveWindow(keys.kind, now)
  return [
    countHit(keys.actor, now, keys.windowMs, newKind),
    auditStatement(
      deps,
      meta,
      input,
      allOf(newKind, hitsAtMost(keys.actor, now, REFUSALS_PER_ACTOR)),
    ),
    countHit(keys.kind, now, keys.windowMs),
    pruneRateLimits(now),
  ]
}

/**
 * Audits a refusal that changes nothing else, once per window per kind, actor, target and `scope`
 * (what was asked, when one event covers several things): a repeat within the window writes
 * nothing at all.
 */
export async function recordRefusal(
  deps: Deps,
  meta: RequestMeta,
  input: AuditInput,
  scope?: string,
): Promise<void> {
  const target = `${actorKeyOf(input, meta)}:${input.targetId ?? ''}`
  const subject = scope === undefined ? target : `${target}:${scope}`
  if (await refusalRecordedRecently(deps, input, subject, meta)) return
  await deps.database.writeAtomically(refusalAuditStatements(deps, meta, subject, input))
}

/** A rotated refresh token presented again: its family is revoked, and the replay audited. */
export const TOKEN_REUSE = {
  event: 'authn_token_reuse',
  reason: 'REFRESH_TOKEN_REUSE',
} as const satisfies RefusalKind
