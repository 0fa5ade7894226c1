import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, prepared, type Statement } from './database.ts'
import { outbox, users } from './schema.ts'

// Notices written with the change they report and sent after commit (services/outbox.ts).

/** A notice as stored. */
export type NoticeRow = typeof outbox.$inferSelect

const noticeWrites = new WeakSet<Statement>()

/**
 * Marks a statement that puts notices in the outbox: a commit that holds one starts a delivery
 * pass (services/outbox.ts), and other writes read nothing of the outbox.
 */
export function queuesNotices<S extends Statement>(statement: S): S {
  noticeWrites.add(statement)
  return statement
}

/** Whether any of these statements puts notices in the outbox (see `queuesNotices`). */
export function writesNotices(statements: readonly Statement[]): boolean {
  return statements.some((statement) => noticeWrites.has(statement))
}

/** The insert of one notice, if `guard` holds. */
export function insertNotice(row: typeof outbox.$inferInsert, guard: Guard): Statement {
  return queuesNotices(insertWhere(outbox, row, guard))
}

/** What a forgot-password digest is, and since when it gathers requests. */
export interface RequestDigest {
  accountEmail: string
  now: number
  /** A digest created after this time is the window's one (sent or still gathering). */
  windowStart: number
  /** When a new digest is sent: after the requests of a burst have gathered in it. */
  sendAt: number
}

/** A digest names at most this many accounts (a flood stays one readable mail; the queue has all). */
export const DIGEST_NAMES_AT_MOST = 100

/**
 * Adds the account to each admin's forgot-password digest of the tenant that is still gathering
 * (not yet due, so no sender has read it), if `guard` holds.
 */
export function appendToGatheringDigests(
  tenantId: string,
  digest: RequestDigest,
  guard: Guard,
): Statement {
  return sql`update ${outbox}
    set payload = json_insert(${outbox.payload}, '$.accountEmails[#]', ${digest.accountEmail})
    where ${outbox.tenantId} = ${tenantId} and ${outbox.kind} = 'forgot_password_request'
      and ${outbox.sentAt} is null and ${outbox.attempts} = 0 and ${outbox.nextAttemptAt} > ${digest.now}
      and ${outbox.createdAt} > ${digest.windowStart}
      and json_array_length(${outbox.payload}, '$.accountEmails') < ${DIGEST_NAMES_AT_MOST}
      and ${guard}`
}

/**
 * A new `forgot_password_request` digest for each admin of the tenant without one in the window,
 * each in that admin's language, as one statement (the admins are read inside the write), if
 * `guard` holds.
 */
export function insertAdminsResetRequestNotice(
  tenantId: string,
  digest: RequestDigest,
  guard: Guard,
): Statement {
  const { accountEmail, now, windowStart, sendAt } = digest
  const payload = sql`json_object('kind', 'forgot_password_request', 'to', ${users.email}, 'language', ${users.language}, 'at', ${now}, 'accountEmail', ${accountEmail}, 'accountEmails', json_array(${accountEmail}))`
  return queuesNotices(sql`insert into ${outbox} (id, tenant_id, kind, recipient, payload, created_at, attempts, next_attempt_at)
    select lower(hex(randomblob(16))), ${users.tenantId}, 'forgot_password_request', ${users.email}, ${payload}, ${now}, 0, ${sendAt}
    from ${users}
    where ${users.tenantId} = ${tenantId} and ${users.role} in ('global_admin', 'password_admin')
      and not exists (select 1 from ${outbox} as earlier where earlier.tenant_id = ${users.tenantId}
        and earlier.kind = 'forgot_password_request' and earlier.recipient = ${users.email}
        and earlier.created_at > ${windowStart})
      and ${guard}`)
}

/**
 * Up to `limit` unsent notices due at `now` with fewer than `maxAttempts` tries, earliest first;
 * only those of `kinds` when given (without a mail transport, mail waits to be read).
 */
export async function listDueNotices(
  db: AppDb,
  now: number,
  maxAttempts: number,
  limit: number,
  kinds?: string[],
): Promise<NoticeRow[]> {
  return await dueNotices(db, kinds).all({ now, maxAttempts, limit })
}

// Read after every write that succeeded (see deliverOutboxSoon): prepared once per set of kinds.
export const dueNotices = (db: AppDb, kinds: string[] | undefined) =>
  prepared(db, `due-notices:${kinds?.join(',') ?? '*'}`, (db) =>
    db
      .select()
      .from(outbox)
      .where(
        and(
          isNull(outbox.sentAt),
          lte(outbox.nextAttemptAt, sql.placeholder('now')),
          sql`${outbox.attempts} < ${sql.placeholder('maxAttempts')}`,
          kinds ? inArray(outbox.kind, kinds) : undefined,
        ),
      )
      .orderBy(outbox.nextAttemptAt)
      .limit(sql.placeholder('limit'))
      .prepare(),
  )

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
