import type { AuditEventName, AuditOutcome } from '../core/audit-codes.ts'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { randomId } from '../core/random.ts'
import { isAdminRole } from '../core/roles.ts'
import { decodeCursor, encodeCursor } from '../core/cursor.ts'
import {
  type AuditDetails,
  type AuditEventRow,
  insertAuditEvent,
  listTenantAuditEvents,
} from '../db/audit-events.ts'
import { always, type Guard, type Statement } from '../db/database.ts'
import { toIsoTime } from '../db/time.ts'
import { findUserByEmail } from '../db/users.ts'
import type { Actor, RequestMeta } from './caller.ts'
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

/** Writes a single audit row on its own (for outcomes that change nothing else). */
export async function recordAudit(deps: Deps, meta: RequestMeta, input: AuditInput): Promise<void> {
  await deps.database.writeAtomically([auditStatement(deps, meta, input)])
}

export interface AuditEventView {
  id: string
  at: string
  event: string
  actorId: string | null
  actorRole: string | null
  targetId: string | null
  outcome: string
  reason: string | null
  requestId: string | null
  ip: string | null
  details: Record<string, unknown> | null
}

/**
 * The tenant's audit trail, newest first, keyset-paginated by an opaque cursor: by or about one
 * user (by id, or by the email of a user of the tenant), of one event, within a time range
 * (ISO 8601; `from` inclusive, `to` exclusive).
 */
export async function listAuditEvents(
  deps: Deps,
  actor: Actor,
  query: {
    userId?: string
    email?: string
    event?: string
    from?: string
    to?: string
    cursor?: string
    limit: number
  },
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN')
  const userId = query.email ? await tenantUserIdByEmail(deps, actor, query.email) : query.userId
  // An email of nobody in the tenant matches no event (never another tenant's user's).
  if (userId === null) return { items: [], nextCursor: null }
  const rows = await listTenantAuditEvents(deps.database.db, actor.tenantId, {
    userId,
    event: query.event,
    since: query.from === undefined ? undefined : Date.parse(query.from),
    until: query.to === undefined ? undefined : Date.parse(query.to),
    before: query.cursor ? decodeCursor(query.cursor, isAuditPosition) : null,
    take: query.limit + 1,
  })
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map((row) => ({
      id: row.id,
      at: toIsoTime(row.at),
      event: row.event,
      actorId: row.actorId,
      actorRole: row.actorRole,
      targetId: row.targetId,
      outcome: row.outcome,
      reason: row.reason,
      requestId: row.requestId,
      ip: row.ip,
      details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    })),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
  }
}

function isAuditPosition(value: unknown): value is { at: number; id: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { at: unknown }).at === 'number' &&
    typeof (value as { id: unknown }).id === 'string'
  )
}

async function tenantUserIdByEmail(deps: Deps, actor: Actor, email: string) {
  const user = await findUserByEmail(deps.database.db, normalizeEmail(email))
  return user && user.tenantId === actor.tenantId ? user.id : null
}
