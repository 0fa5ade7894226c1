import { decodeCursor, encodeCursor } from '../core/cursor.ts'
import { listTenantAuditEvents } from '../db/audit-events.ts'
import { toIsoTime } from '../db/time.ts'
import { assertAdmin } from './access.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

// The audit trail as admins read it (audit.ts writes it).

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

/** The tenant's audit trail, newest first, keyset-paginated by an opaque cursor. */
export async function listAuditEvents(
  deps: Deps,
  actor: Actor,
  query: { userId?: string; cursor?: string; limit: number },
  meta: RequestMeta,
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  await assertAdmin(deps, actor, meta, { action: 'audit.list', targetId: query.userId })
  const rows = await listTenantAuditEvents(deps.database.db, actor.tenantId, {
    userId: query.userId,
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
