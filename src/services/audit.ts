import type { AuditEventName, AuditOutcome } from '../core/audit-codes.ts'
import { randomId } from '../core/random.ts'
import { type AuditDetails, type AuditEventRow, insertAuditEvent } from '../db/audit-events.ts'
import { always, type Guard, type Statement } from '../db/database.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

export type { AuditEventName, AuditOutcome } from '../core/audit-codes.ts'

export interface AuditInput {
  tenantId: string | null
  event: AuditEventName
  /** Who acted: a user, or the operator at the CLI (`{ id: null, role: 'operator' }`). */
  actor?: { id: string | null; role: string } | null
  targetId?: string | null
  outcome: AuditOutcome
  reason?: string | null
  /** Non-secret facts only: ids and counts. */
  details?: AuditDetails
}

/**
 * One audit row, ready to insert in the same atomic write as the change it records.
 * Nothing secret goes in: the callers pass ids, codes and counts, never passwords or tokens.
 */
function auditRow(deps: Deps, meta: RequestMeta, input: AuditInput): AuditEventRow {
  return {
    id: randomId(deps.random),
    tenantId: input.tenantId,
    at: deps.clock.now(),
    event: input.event,
    actorId: input.actor?.id ?? null,
    actorRole: input.actor?.role ?? null,
    targetId: input.targetId ?? null,
    outcome: input.outcome,
    reason: input.reason ?? null,
    requestId: meta.requestId,
    ip: meta.ip,
    details: input.details ?? null,
  }
}

/**
 * The insert of one audit row, for the atomic write of the change it records: `guard` ties it to
 * that change (see `userCredentialIs`), so a batch that lost a race records nothing either.
 *
 * @example
 * await deps.database.writeAtomically([change, auditStatement(deps, meta, input, guard)])
 */
export function auditStatement(
  deps: Deps,
  meta: RequestMeta,
  input: AuditInput,
  guard: Guard = always,
): Statement {
  return insertAuditEvent(auditRow(deps, meta, input), guard)
}

/** As `auditStatement`, under a row id the caller chose (a repeated refusal finds its row by it). */
export function auditStatementAs(
  deps: Deps,
  meta: RequestMeta,
  id: string,
  input: AuditInput,
  guard: Guard = always,
): Statement {
  return insertAuditEvent({ ...auditRow(deps, meta, input), id }, guard)
}

/** Writes a single audit row on its own (for outcomes that change nothing else). */
export async function recordAudit(deps: Deps, meta: RequestMeta, input: AuditInput): Promise<void> {
  await deps.database.writeAtomically([auditStatement(deps, meta, input)])
}
