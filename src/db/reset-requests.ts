import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { passwordResetRequests, users } from './schema.ts'

// Forgot-password requests waiting in the admins' queue until a reset closes them.

/** The insert of a request, if `guard` holds. */
export function insertResetRequest(
  row: typeof passwordResetRequests.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(passwordResetRequests, row, guard)
}

/** Holds while the user has no open request. */
export function noOpenResetRequest(userId: string): Guard {
  return sql`not exists (select 1 from ${passwordResetRequests} where ${passwordResetRequests.userId} = ${userId} and ${passwordResetRequests.closedAt} is null)`
}

/** Holds only after this batch inserted the request `requestId`. */
export function resetRequestExists(requestId: string): Guard {
  return sql`exists (select 1 from ${passwordResetRequests} where ${passwordResetRequests.id} = ${requestId})`
}

/** Closes the user's open requests with `reason`, if `guard` holds. */
export function closeOpenResetRequests(
  db: AppDb,
  userId: string,
  close: { reason: string; now: number },
  guard: Guard,
): Statement {
  return db
    .update(passwordResetRequests)
    .set({ closedAt: close.now, closedReason: close.reason })
    .where(
      and(eq(passwordResetRequests.userId, userId), isNull(passwordResetRequests.closedAt), guard),
    )
}

/** The tenant's oldest 500 open requests, with who asked. */
export function listOpenResetRequests(db: AppDb, tenantId: string) {
  return db
    .select({
      id: passwordResetRequests.id,
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: passwordResetRequests.createdAt,
    })
    .from(passwordResetRequests)
    .innerJoin(users, eq(users.id, passwordResetRequests.userId))
    .where(
      and(eq(passwordResetRequests.tenantId, tenantId), isNull(passwordResetRequests.closedAt)),
    )
    .orderBy(asc(passwordResetRequests.createdAt))
    .limit(500)
}

/** How many requests of the tenant are open, counted up to `cap`. */
export async function countOpenResetRequests(
  db: AppDb,
  tenantId: string,
  cap: number,
): Promise<number> {
  const [counted] = await db
    .select({ n: sql<number>`count(*)` })
    .from(
      sql`(select 1 from ${passwordResetRequests} where ${passwordResetRequests.tenantId} = ${tenantId} and ${passwordResetRequests.closedAt} is null limit ${cap})`,
    )
  return counted?.n ?? 0
}

/** The tenant's open request `requestId`, with the role of whoever asked. */
export async function findOpenResetRequest(db: AppDb, tenantId: string, requestId: string) {
  const [row] = await db
    .select({ id: passwordResetRequests.id, userId: users.id, role: users.role })
    .from(passwordResetRequests)
    .innerJoin(users, eq(users.id, passwordResetRequests.userId))
    .where(
      and(
        eq(passwordResetRequests.id, requestId),
        eq(passwordResetRequests.tenantId, tenantId),
        isNull(passwordResetRequests.closedAt),
      ),
    )
  return row
}

/** Closes one request with `reason`, unless it is closed already. */
export function closeResetRequest(
  db: AppDb,
  requestId: string,
  close: { reason: string; now: number },
): Statement {
  return db
    .update(passwordResetRequests)
    .set({ closedAt: close.now, closedReason: close.reason })
    .where(and(eq(passwordResetRequests.id, requestId), isNull(passwordResetRequests.closedAt)))
}

/** Holds after the request `requestId` was closed with `reason` at `now` (by this write). */
export function resetRequestClosedAs(
  requestId: string,
  close: { reason: string; now: number },
): Guard {
  return sql`exists (select 1 from ${passwordResetRequests} where ${passwordResetRequests.id} = ${requestId} and ${passwordResetRequests.closedAt} = ${close.now} and ${passwordResetRequests.closedReason} = ${close.reason})`
}
