import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, type Statement } from './database.ts'
import { outbox, users } from './schema.ts'

// Notices written with the change they report and sent after commit (services/outbox.ts).

/** A notice as stored. */
export type NoticeRow = typeof outbox.$inferSelect

/** The insert of one notice, if `guard` holds. */
export function insertNotice(row: typeof outbox.$inferInsert, guard: Guard): Statement {
  return insertWhere(outbox, row, guard)
}

/**
 * One `forgot_password_request` notice per admin of the tenant, each in that admin's language, as
 * one statement (the admins are read inside the write), if `guard` holds.
 */
export function insertAdminsResetRequestNotice(
  tenantId: string,
  notice: { accountEmail: string; now: number },
  guard: Guard,
): Statement {
  const { accountEmail, now } = notice
  const payload = sql`json_object('kind', 'forgot_password_request', 'to', ${users.email}, 'language', ${users.language}, 'at', ${now}, 'accountEmail', ${accountEmail})`
  return sql`insert into ${outbox} (id, tenant_id, kind, recipient, payload, created_at, attempts, next_attempt_at)
    select lower(hex(randomblob(16))), ${users.tenantId}, 'forgot_password_request', ${users.email}, ${payload}, ${now}, 0, ${now}
    from ${users}
    where ${users.tenantId} = ${tenantId} and ${users.role} in ('global_admin', 'password_admin') and ${guard}`
}

/**
 * Up to `limit` unsent notices due at `now` with fewer than `maxAttempts` tries, earliest first;
 * only those of `kinds` when given (without a mail transport, mail waits to be read).
 */
export function listDueNotices(
  db: AppDb,
  now: number,
  maxAttempts: number,
  limit: number,
  kinds?: string[],
): Promise<NoticeRow[]> {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        isNull(outbox.sentAt),
        lte(outbox.nextAttemptAt, now),
        sql`${outbox.attempts} < ${maxAttempts}`,
        kinds ? inArray(outbox.kind, kinds) : undefined,
      ),
    )
    .orderBy(outbox.nextAttemptAt)
    .limit(limit)
}

/** Claims an unsent notice for one more attempt, if no other sender counted one since it was read. */
export function claimNotice(
  db: AppDb,
  notice: { id: string; attempts: number },
  nextAttemptAt: number,
): Statement {
  return db
    .update(outbox)
    .set({ attempts: notice.attempts + 1, nextAttemptAt })
    .where(
      and(eq(outbox.id, notice.id), eq(outbox.attempts, notice.attempts), isNull(outbox.sentAt)),
    )
}

/** Marks the notice sent at `now`. */
export function markNoticeSent(db: AppDb, noticeId: string, now: number): Statement {
  return db.update(outbox).set({ sentAt: now, lastError: null }).where(eq(outbox.id, noticeId))
}

/** Records why the notice's last attempt failed. */
export function recordNoticeError(db: AppDb, noticeId: string, error: string): Statement {
  return db.update(outbox).set({ lastError: error }).where(eq(outbox.id, noticeId))
}

/** The tenant's latest `limit` notices, newest first. */
export function listTenantNotices(
  db: AppDb,
  tenantId: string,
  limit: number,
): Promise<NoticeRow[]> {
  return db
    .select()
    .from(outbox)
    .where(eq(outbox.tenantId, tenantId))
    .orderBy(desc(outbox.createdAt), desc(sql`rowid`))
    .limit(limit)
}
