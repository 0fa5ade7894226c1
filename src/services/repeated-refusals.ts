import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { allOf, type Statement } from '../db/database.ts'
import { hashToken } from '../core/tokens.ts'
import { countRepeatOn } from '../db/audit-events.ts'
import {
  countHit,
  findLiveWindowStarts,
  hitsAtMost,
  hitsOf,
  noLiveWindow,
  pruneRateLimits,
} from '../db/rate-limits.ts'
import { type AuditInput, auditStatementAs } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

// A refusal that is repeated (a replayed refresh token, a plain user posting resets) is audited
// as one row per window per kind — event, reason and subject (the actor and target, or the token
// family) — which counts its repeats: `details.count` (from the second on) and `details.lastAt`,
// the row's own `at` being the first. Each actor opens at most `REFUSALS_PER_ACTOR` such rows per
// window; the refusals of further kinds are counted on one more row, the actor's overflow row
// (`details.overflow: true`, its event and reason those of the first refusal past the cap). A
// caller who repeats refusals as fast as they can thus adds a bounded few rows, and 200 refused
// attempts still read as 200.

/** Distinct refusals given a row of their own per actor per window; more are counted together. */
export const REFUSALS_PER_ACTOR = 20

type RefusalKind = Pick<AuditInput, 'event' | 'reason'>

function windowKeys(deps: Deps, kind: RefusalKind, subject: string, actorKey: string) {
  return {
    kind: `refusal:${kind.event}:${kind.reason ?? ''}:${subject}`,
    actor: `refusals-by:${actorKey}`,
    overflow: `refusals-over:${actorKey}`,
    windowMs: deps.settings.repeatedRefusalWindowSeconds * 1000,
  }
}

const actorKeyOf = (input: Pick<AuditInput, 'actor'>, meta: RequestMeta) =>
  input.actor?.id ?? `ip:${clientNetwork(meta.ip ?? '')}`

/** The audit row a window's refusals are counted on: found again from the window's start. */
const rowIdOf = (key: string, startedAt: number) => hashToken(`${key}:${startedAt}`).slice(0, 22)

/** How a refusal is recorded: its statements, and whether it is the first of its kind lately. */
export interface RefusalRecord {
  first: boolean
  statements: Statement[]
}

/**
 * The statements that record a refusal, for an atomic write: the first of its kind by `subject`
 * in a window writes its row (if its actor is under the cap, else counts on the overflow row),
 * a repeat counts on the row already written. Parallel firsts write at most one row.
 */
export async function refusalRecord(
  deps: Deps,
  meta: RequestMeta,
  subject: string,
  input: AuditInput,
): Promise<RefusalRecord> {
  const keys = windowKeys(deps, input, subject, actorKeyOf(input, meta))
  const now = deps.clock.now()
  const windows = await findLiveWindowStarts(
    deps.database.db,
    [keys.kind, keys.actor, keys.overflow],
    now,
  )
  const kind = windows.get(keys.kind)
  if (kind) return { first: false, statements: countRepeat(keys.kind, kind.startedAt, keys, now) }
  const capped = (windows.get(keys.actor)?.hits ?? 0) >= REFUSALS_PER_ACTOR
  const statements = capped
    ? overflowStatements(deps, meta, input, keys, windows.get(keys.overflow))
    : firstRowStatements(deps, meta, input, keys, now)
  return { first: true, statements: [...statements, pruneRateLimits(now)] }
}

type Keys = ReturnType<typeof windowKeys>

/** One more on the row of the window that started at `startedAt`, counted in the same write. */
function countRepeat(key: string, startedAt: number, keys: Keys, now: number): Statement[] {
  return [
    countHit(key, now, keys.windowMs),
    countRepeatOn(rowIdOf(key, startedAt), hitsOf(key), now),
  ]
}

/** The kind's own row, if its actor is still under the cap, and the windows it opens. */
function firstRowStatements(
  deps: Deps,
  meta: RequestMeta,
  input: AuditInput,
  keys: Keys,
  now: number,
): Statement[] {
  const newKind = noLiveWindow(keys.kind, now)
  const underCap = allOf(newKind, hitsAtMost(keys.actor, now, REFUSALS_PER_ACTOR))
  return [
    countHit(keys.actor, now, keys.windowMs, newKind),
    auditStatementAs(deps, meta, rowIdOf(keys.kind, now), input, underCap),
    countHit(keys.kind, now, keys.windowMs),
  ]
}

/** Past the cap: the actor's overflow row counts this refusal (written by the first of them). */
function overflowStatements(
  deps: Deps,
  meta: RequestMeta,
  input: AuditInput,
  keys: Keys,
  overflow: { startedAt: number } | undefined,
): Statement[] {
  const now = deps.clock.now()
  if (overflow) return countRepeat(keys.overflow, overflow.startedAt, keys, now)
  const details = { ...input.details, overflow: true }
  // Refusals of several kinds and targets: the row names the actor, not one target.
  return [
    auditStatementAs(
      deps,
      meta,
      rowIdOf(keys.overflow, now),
      { ...input, targetId: null, details },
      noLiveWindow(keys.overflow, now),
    ),
    countHit(keys.overflow, now, keys.windowMs),
  ]
}

/**
 * Audits a refusal that changes nothing else: one row per window per kind, actor, target and
 * `scope` (what was asked, when one event covers several things), counting its repeats.
 */
export async function recordRefusal(
  deps: Deps,
  meta: RequestMeta,
  input: AuditInput,
  scope?: string,
): Promise<void> {
  const target = `${actorKeyOf(input, meta)}:${input.targetId ?? ''}`
  const subject = scope === undefined ? target : `${target}:${scope}`
  const { statements } = await refusalRecord(deps, meta, subject, input)
  await deps.database.writeAtomically(statements)
}

/**
 * A catch handler for a use case's checks: a refusal (an `AppError`) is audited as `event` with
 * its code as the reason, through `recordRefusal`, then rethrown; other failures pass unaudited.
 */
export function auditRefusalAs(
  deps: Deps,
  meta: RequestMeta,
  refusal: Pick<AuditInput, 'tenantId' | 'event' | 'actor' | 'targetId'>,
) {
  return async (error: unknown): Promise<never> => {
    if (error instanceof AppError) {
      await recordRefusal(deps, meta, { ...refusal, outcome: 'denied', reason: error.code })
    }
    throw error
  }
}

/** A rotated refresh token presented again: its family is revoked, and the replay audited. */
export const TOKEN_REUSE = {
  event: 'authn_token_reuse',
  reason: 'REFRESH_TOKEN_REUSE',
} as const satisfies RefusalKind
