import { and, count, desc, eq, gt, gte, is, lt, or, SQL, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import {
  type AppDb,
  always,
  compiledWrite,
  type Guard,
  insertWhere,
  prepared,
  type Statement,
} from './database.ts'
import { auditEvents } from './schema.ts'

// The audit trail; also what the admin-reset rate limits count (issued resets in the last minute).

/** Non-secret facts of an event: ids and counts, or an SQL expression computed inside the write. */
export type AuditDetails = Record<string, unknown> | SQL

/** An audit row to insert, its details not yet encoded. */
export type AuditEventRow = Omit<typeof auditEvents.$inferInsert, 'details'> & {
  details: AuditDetails | null
}

/** The insert of one audit row, if `guard` holds (see `userCredentialIs`). */
export function insertAuditEvent(row: AuditEventRow, guard: Guard = always): Statement {
  const { details } = row
  // An SQL expression lets a batch record what it did, e.g. how many sessions it revoked.
  const stored = details === null ? null : is(details, SQL) ? details : JSON.stringify(details)
  if (is(stored, SQL) || guard !== always) {
    return insertWhere(auditEvents, { ...row, details: stored as string | null }, guard)
  }
  return insertPlainAuditRow({
    id: row.id,
    tenantId: row.tenantId ?? null,
    at: row.at,
    event: row.event,
    actorId: row.actorId ?? null,
    actorRole: row.actorRole ?? null,
    targetId: row.targetId ?? null,
    outcome: row.outcome,
    reason: row.reason ?? null,
    requestId: row.requestId ?? null,
    ip: row.ip ?? null,
    details: stored,
  })
}

/** An audit row as stored: every column, absent ones null. */
type StoredAuditRow = typeof auditEvents.$inferSelect

// Most writes record one row with plain details and no guard of its own: compiled once.
const insertPlainAuditRow = compiledWrite((v: StoredAuditRow) =>
  insertWhere(
    auditEvents,
    {
      id: v.id,
      tenantId: v.tenantId,
      at: v.at,
      event: v.event,
      actorId: v.actorId,
      actorRole: v.actorRole,
      targetId: v.targetId,
      outcome: v.outcome,
      reason: v.reason,
      requestId: v.requestId,
      ip: v.ip,
      details: v.details,
    },
    always,
  ),
)

/**
 * Details whose values may be SQL expressions, computed inside the write (e.g. a count of what an
 * earlier statement of the batch changed), as one JSON object.
 */
export function computeDetails(fields: Record<string, unknown>): SQL {
  const pairs = Object.entries(fields).map(([key, value]) => {
    if (!/^[A-Za-z]+$/.test(key)) throw new Error(`not a details key: ${key}`)
    return sql`${sql.raw(`'${key}'`)}, ${value}`
  })
  return sql`json_object(${sql.join(pairs, sql`, `)})`
}

/** What a page of the audit trail is narrowed to; times are milliseconds, `until` exclusive. */
export interface AuditFilters {
  /** Events by or about this user. */
  userId?: string
  event?: string
  since?: number
  until?: number
}

/**
 * A page of the tenant's audit trail, newest first: `take` events before `before` (by time, then
 * id) that pass the filters.
 */
export function listTenantAuditEvents(
  db: AppDb,
  tenantId: string,
  page: AuditFilters & { before: { at: number; id: string } | null; take: number },
) {
  const { userId, event, since, until, before } = page
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.tenantId, tenantId),
        userId ? or(eq(auditEvents.targetId, userId), eq(auditEvents.actorId, userId)) : undefined,
        event ? eq(auditEvents.event, event) : undefined,
        since === undefined ? undefined : gte(auditEvents.at, since),
        until === undefined ? undefined : lt(auditEvents.at, until),
        before
          ? or(
              lt(auditEvents.at, before.at),
              and(eq(auditEvents.at, before.at), lt(auditEvents.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(page.take)
}

// Resets issued in a time window, by actor or by target, counting at most `cap` rows: the check
// only needs to know whether the limit is reached, so its cost never grows past the limit.
const resetsIssued = (db: AppDb, column: 'actor' | 'target') =>
  prepared(db, `resets-issued-by-${column}`, (db) => {
    const recent = db
      .select({ one: sql`1` })
      .from(auditEvents)
      .where(
        and(
          // A literal, as in the partial indexes' condition, so the planner can use them.
          sql`${auditEvents.event} = 'password_reset_issued'`,
          eq(
            column === 'actor' ? auditEvents.actorId : auditEvents.targetId,
            sql.placeholder('id'),
          ),
          gt(auditEvents.at, sql.placeholder('since')),
        ),
      )
      .limit(sql.placeholder('cap'))
      .as('recent')
    return db.select({ n: count() }).from(recent).prepare()
  })

/** Resets the actor issued after `since`, counted up to `cap`. */
export async function countResetsByActorSince(
  db: AppDb,
  actorId: string,
  since: number,
  cap: number,
): Promise<number> {
  const [row] = await resetsIssued(db, 'actor').all({ id: actorId, since, cap })
  return row?.n ?? 0
}

/** Resets of the target issued after `since`, counted up to `cap`. */
export async function countResetsOfTargetSince(
  db: AppDb,
  targetId: string,
  since: number,
  cap: number,
): Promise<number> {
  const [row] = await resetsIssued(db, 'target').all({ id: targetId, since, cap })
  return row?.n ?? 0
}

const resetsBelow = (column: SQLiteColumn, id: string, since: number, cap: number): Guard =>
  sql`(select count(*) from (select 1 from ${auditEvents} where ${auditEvents.event} = 'password_reset_issued' and ${column} = ${id} and ${auditEvents.at} > ${since} limit ${cap})) < ${cap}`

/** Holds while the actor issued fewer than `cap` resets after `since`. */
export function resetsByActorBelow(actorId: string, since: number, cap: number): Guard {
  return resetsBelow(auditEvents.actorId, actorId, since, cap)
}

/** Holds while fewer than `cap` resets of the target were issued after `since`. */
export function resetsOfTargetBelow(targetId: string, since: number, cap: number): Guard {
  return resetsBelow(auditEvents.targetId, targetId, since, cap)
}

/**
 * One more of the refusals row `id` stands for: `details.count` becomes `count` (an SQL value
 * read in the same write) and `details.lastAt` the time of this one.
 */
export function countRepeatOn(id: string, count: SQL, now: number): Statement {
  const t = auditEvents
  return sql`update ${t} set details = json_set(coalesce(${t.details}, '{}'), '$.count', ${count}, '$.lastAt', ${now}) where ${t.id} = ${id}`
}
