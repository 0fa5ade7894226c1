import { decodeCursor, encodeCursor } from '../core/cursor.ts'
import { normalizeEmail } from '../core/email.ts'
import { listTenantAuditEvents } from '../db/audit-events.ts'
import { toIsoTime } from '../db/time.ts'
import { findUserByEmail } from '../db/users.ts'
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
  meta: RequestMeta,
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  await assertAdmin(deps, actor, meta, { action: 'audit.list', targetId: query.userId })
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
