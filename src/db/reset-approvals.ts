import { and, desc, eq, gt, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { callerVerifications, resetApprovals, users } from './schema.ts'

// Resets of admins waiting for a second global admin (services/approvals.ts). A request past its
// deadline is expired whatever its row still says: reads compute that, the next write records it.

/** A request as stored. */
export type ApprovalRow = typeof resetApprovals.$inferSelect

export type ApprovalStatus = ApprovalRow['status']

const t = resetApprovals

/** The insert of a request, if `guard` holds. */
export function insertApproval(row: typeof t.$inferInsert, guard: Guard): Statement {
  return insertWhere(t, row, guard)
}

/** What the requests' reads return: the request, its user's email and what covered it. */
const withUserAndCover = { approval: t, userEmail: users.email, cover: callerVerifications }

/** One request of the tenant, by id, with its user's email and its cover. */
export async function findApproval(db: AppDb, tenantId: string, id: string) {
  const [row] = await db
    .select(withUserAndCover)
    .from(t)
    .innerJoin(users, eq(users.id, t.userId))
    .leftJoin(callerVerifications, eq(callerVerifications.id, t.verificationId))
    .where(and(eq(t.id, id), eq(t.tenantId, tenantId)))
  return row
}

export type ApprovalWithUser = NonNullable<Awaited<ReturnType<typeof findApproval>>>

/** The request a reset was run for, if it was one. */
export async function findApprovalOfReset(db: AppDb, resetId: string) {
  const [row] = await db.select().from(t).where(eq(t.resetId, resetId)).limit(1)
  return row
}

/** The user's request still waiting for a decision at `now`, if any. */
export async function findWaitingApproval(db: AppDb, userId: string, now: number) {
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.userId, userId), eq(t.status, 'pending'), gt(t.expiresAt, now)))
  return row
}

/** The user's request whose 24 hours ran out undecided but is not yet recorded so, if any. */
export async function findOverdueApproval(db: AppDb, userId: string, now: number) {
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.userId, userId), eq(t.status, 'pending'), lte(t.expiresAt, now)))
  return row
}

/** The state a request must be in for a move: its status, still live at `now`. */
export interface ApprovalState {
  status: 'pending' | 'approved'
  now: number
}

/** Holds while the request is in `state`, before its deadline. */
export function approvalIs(id: string, state: ApprovalState): Guard {
  return sql`exists (select 1 from ${t} where ${t.id} = ${id} and ${live(state)})`
}

function live(state: ApprovalState): SQL {
  const deadline = state.status === 'pending' ? t.expiresAt : t.revealUntil
  return and(eq(t.status, state.status), gt(deadline, state.now))!
}

/** Moves a request from `state` (still live) to the values given, if `guard` holds. */
export function moveApproval(
  db: AppDb,
  id: string,
  state: ApprovalState,
  values: Partial<ApprovalRow>,
  guard?: Guard,
): Statement {
  return db
    .update(t)
    .set(values)
    .where(and(eq(t.id, id), live(state), guard))
}

/** Records a request in `status` whose deadline passed by `now` as expired, under `writeId`. */
export function expireApproval(
  db: AppDb,
  id: string,
  lapse: { status: 'pending' | 'approved'; now: number; writeId: string },
): Statement {
  const deadline = lapse.status === 'pending' ? t.expiresAt : t.revealUntil
  return db
    .update(t)
    .set({ status: 'expired', writeId: lapse.writeId })
    .where(and(eq(t.id, id), eq(t.status, lapse.status), lte(deadline, lapse.now)))
}

/** Holds only after this batch moved the request under `writeId` (fresh per write). */
export function approvalWrittenBy(id: string, writeId: string): Guard {
  return sql`exists (select 1 from ${t} where ${t.id} = ${id} and ${t.writeId} = ${writeId})`
}

/** The condition for requests shown as `status` at `now` (a request past its deadline is expired). */
function shownAs(status: ApprovalStatus, now: number): SQL | undefined {
  switch (status) {
    case 'pending':
      return and(eq(t.status, 'pending'), gt(t.expiresAt, now))
    case 'approved':
      return and(eq(t.status, 'approved'), gt(t.revealUntil, now))
    case 'expired':
      return or(
        eq(t.status, 'expired'),
        and(eq(t.status, 'pending'), lte(t.expiresAt, now)),
        and(eq(t.status, 'approved'), lte(t.revealUntil, now)),
      )
    default:
      return eq(t.status, status)
  }
}

/**
 * The tenant's latest `limit` requests, newest first, with their users' emails: only those asked
 * by `requestedBy` when given, only those shown as `status` when given.
 */
export function listApprovals(
  db: AppDb,
  query: {
    tenantId: string
    requestedBy?: string
    status?: ApprovalStatus
    now: number
    limit: number
  },
) {
  return db
    .select(withUserAndCover)
    .from(t)
    .innerJoin(users, eq(users.id, t.userId))
    .leftJoin(callerVerifications, eq(callerVerifications.id, t.verificationId))
    .where(
      and(
        eq(t.tenantId, query.tenantId),
        query.requestedBy ? eq(t.requestedBy, query.requestedBy) : undefined,
        query.status ? shownAs(query.status, query.now) : undefined,
      ),
    )
    .orderBy(desc(t.requestedAt), desc(sql`${t}.rowid`))
    .limit(query.limit)
}

/** How many waiting requests `adminId` may decide: neither asked by them nor about them. */
export async function countApprovalsToDecide(
  db: AppDb,
  tenantId: string,
  adminId: string,
  now: number,
): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)` })
    .from(t)
    .where(
      and(
        eq(t.tenantId, tenantId),
        eq(t.status, 'pending'),
        gt(t.expiresAt, now),
        ne(t.requestedBy, adminId),
        ne(t.userId, adminId),
      ),
    )
  return row?.count ?? 0
}

/** The tenant's global admins but those named: who may decide a request, or hear of an override. */
export function listOtherGlobalAdmins(db: AppDb, tenantId: string, except: string[]) {
  return db
    .select()
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.role, 'global_admin'),
        ...except.map((id) => ne(users.id, id)),
      ),
    )
}
