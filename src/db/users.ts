import { and, asc, desc, eq, gt, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm'
import { fullTextQueryOf, type SearchTerm } from '../core/search-text.ts'
import { type AppDb, type Guard, prepared, type Statement } from './database.ts'
import { users } from './schema.ts'

// The users table: the account, its credential (hash, version, random id) and second factor.

/** A user as stored. */
export type UserRow = typeof users.$inferSelect

/** The second-factor columns of a user without one. */
export const NO_SECOND_FACTOR = {
  totpSecret: null,
  totpConfirmedAt: null,
  totpPendingExpiresAt: null,
  totpPendingSessionId: null,
  totpLastStep: null,
  mfaChallengeId: null,
  mfaWriteId: null,
} as const satisfies Partial<UserRow>

const userByEmail = (db: AppDb) =>
  prepared(db, 'user-by-email', (db) =>
    db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder('email')))
      .prepare(),
  )

/** The user with this normalised email, in any tenant (prepared: every sign-in runs it). */
export async function findUserByEmail(db: AppDb, email: string): Promise<UserRow | undefined> {
  const [user] = await userByEmail(db).all({ email })
  return user
}

/** The user with this id, in any tenant. */
export async function findUserById(db: AppDb, userId: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, userId))
  return user
}

const userInTenant = (db: AppDb) =>
  prepared(db, 'tenant-user', (db) =>
    db
      .select()
      .from(users)
      .where(
        and(
          eq(users.id, sql.placeholder('userId')),
          eq(users.tenantId, sql.placeholder('tenantId')),
        ),
      )
      .prepare(),
  )

/** The user with this id if it belongs to the tenant (prepared: every admin action runs it). */
export async function findUserInTenant(
  db: AppDb,
  tenantId: string,
  userId: string,
): Promise<UserRow | undefined> {
  const [user] = await userInTenant(db).all({ userId, tenantId })
  return user
}

/** True when a user of any tenant has this normalised email. */
export async function isEmailTaken(db: AppDb, email: string): Promise<boolean> {
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, email))
  return taken !== undefined
}

const totpConfirmation = (db: AppDb) =>
  prepared(db, 'user-totp-confirmed', (db) =>
    db
      .select({ totpConfirmedAt: users.totpConfirmedAt })
      .from(users)
      .where(eq(users.id, sql.placeholder('userId')))
      .prepare(),
  )

/** When the user confirmed an authenticator, if ever (prepared: `GET /me` runs it). */
export async function findTotpConfirmation(db: AppDb, userId: string) {
  const [row] = await totpConfirmation(db).all({ userId })
  return row
}

const ownAccount = (db: AppDb) =>
  prepared(db, 'user-own-account', (db) =>
    db
      .select({ totpConfirmedAt: users.totpConfirmedAt, language: users.language })
      .from(users)
      .where(eq(users.id, sql.placeholder('userId')))
      .prepare(),
  )

/** What `GET /me` tells besides the session's user: their second factor and language (prepared). */
export async function findOwnAccount(db: AppDb, userId: string) {
  const [row] = await ownAccount(db).all({ userId })
  return row
}

/**
 * The emails of those of `ids` that are users of the tenant, in one query whatever the number of
 * ids (they travel as one JSON array, under D1's limit of bound parameters).
 */
export function findTenantUserEmails(db: AppDb, tenantId: string, ids: string[]) {
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(
      and(
        sql`${users.id} in (select value from json_each(${JSON.stringify(ids)}))`,
        // Unary + keeps the planner on the ids' primary key, off a scan of the whole tenant.
        sql`+${users.tenantId} = ${tenantId}`,
      ),
    )
}

const tenantUsersAfter = (db: AppDb) =>
  prepared(db, 'tenant-users-after', (db) =>
    db
      .select()
      .from(users)
      .where(
        and(
          eq(users.tenantId, sql.placeholder('tenantId')),
          gt(users.email, sql.placeholder('after')),
        ),
      )
      .orderBy(asc(users.email))
      .limit(sql.placeholder('take'))
      .prepare(),
  )

/** A term with at most this many trigram-index hits (all tenants) is answered from the hits. */
export const SEARCH_HITS_SORTED = 2000
/** Otherwise a page reads at most this many of the tenant's users, in order. */
export const SEARCH_ROWS_READ = 4000
/** Totals are counted exactly up to this many users; a larger tenant says "more than". */
export const COUNT_CAP = 10_000

/** The orders a list of users comes in: by email, or by name (the search key starts with it). */
export type UserOrder = 'email' | 'name'

/** What a list of users is narrowed to, besides a search term. */
export interface UserFilters {
  role?: UserRow['role']
  mustChange?: boolean
  mfaEnrolled?: boolean
  blocked?: boolean
}

/**
 * Where a page starts: the users after the key (or before it, read backwards for a previous
 * page), in the list's order; `inclusive` takes the key's own user too.
 */
export interface ListPosition {
  key: string
  direction: 'after' | 'before'
  inclusive?: boolean
}

export interface UserListQuery {
  term: SearchTerm | null
  filters: UserFilters
  order: UserOrder
  position: ListPosition | null
  take: number
}

/**
 * Up to `take` of the tenant's users from `position` on (in `direction`), in the list's order,
 * that meet the term and the filters, with a bounded cost at any tenant size:
 * - no term and no filter: a range of the tenant's index in that order;
 * - a term the trigram index can look up, with at most SEARCH_HITS_SORTED hits (all tenants):
 *   those hits, filtered and sorted;
 * - anything else (a common term, a single letter, a filter): the tenant's users read in order,
 *   at most SEARCH_ROWS_READ a page; `readTo` is then the key read up to (when the page is not
 *   full), for the next page in that direction to resume from.
 * Every path filters by the tenant on the users row itself. Rows come back in ascending order.
 */
export async function listTenantUsers(
  db: AppDb,
  tenantId: string,
  query: UserListQuery,
): Promise<{ rows: UserRow[]; readTo: string | null }> {
  const { term, position, order, take } = query
  const backwards = position?.direction === 'before'
  const ascending = (rows: UserRow[]) => (backwards ? rows.reverse() : rows)
  const narrowed = and(keyMeets(term), filtersHold(query.filters))
  if (narrowed === undefined) {
    if (order === 'email' && !backwards && !position?.inclusive) {
      return {
        rows: await tenantUsersAfter(db).all({ tenantId, after: position?.key ?? '', take }),
        readTo: null,
      }
    }
    return { rows: ascending(await readInOrder(db, tenantId, query, undefined)), readTo: null }
  }
  const fullText = term ? fullTextQueryOf(term) : null
  if (fullText !== null && (await countIndexHits(db, fullText)) <= SEARCH_HITS_SORTED) {
    return {
      rows: ascending(await readIndexHits(db, tenantId, query, fullText, narrowed)),
      readTo: null,
    }
  }
  const bound = await boundOfStretch(db, tenantId, query)
  const within =
    bound === null
      ? undefined
      : positionHolds(order, {
          key: bound,
          direction: backwards ? 'after' : 'before',
          inclusive: true,
        })
  const rows = await readInOrder(db, tenantId, query, and(within, narrowed))
  return { rows: ascending(rows), readTo: rows.length < take ? bound : null }
}

/**
 * How many of the tenant's users meet the term and the filters: exact up to COUNT_CAP users in
 * the tenant, or from the index hits; for a larger tenant without a term or a filter, COUNT_CAP
 * and not exact; otherwise null (counting would read the whole tenant).
 */
export async function countTenantUsers(
  db: AppDb,
  tenantId: string,
  query: Pick<UserListQuery, 'term' | 'filters'>,
): Promise<{ count: number; exact: boolean } | null> {
  const narrowed = and(keyMeets(query.term), filtersHold(query.filters))
  const all = await countUpTo(db, eq(users.tenantId, tenantId), COUNT_CAP + 1)
  if (all <= COUNT_CAP) {
    if (narrowed === undefined) return { count: all, exact: true }
    return {
      count: await countUpTo(db, and(eq(users.tenantId, tenantId), narrowed)!, COUNT_CAP),
      exact: true,
    }
  }
  if (narrowed === undefined) return { count: COUNT_CAP, exact: false }
  const fullText = query.term ? fullTextQueryOf(query.term) : null
  if (fullText === null || (await countIndexHits(db, fullText)) > SEARCH_HITS_SORTED) return null
  const where = and(
    sql`${users.id} in (${indexHits(fullText)})`,
    sql`+${users.tenantId} = ${tenantId}`,
    narrowed,
  )!
  return { count: await countUpTo(db, where, SEARCH_HITS_SORTED), exact: true }
}

async function countUpTo(db: AppDb, where: SQL, cap: number): Promise<number> {
  const [counted] = await db
    .select({ n: sql<number>`count(*)` })
    .from(sql`(select 1 from ${users} where ${where} limit ${cap})`)
  return counted?.n ?? 0
}

/** The trigram index's hits for `query` in all tenants, counted up to one past the bound. */
async function countIndexHits(db: AppDb, query: string): Promise<number> {
  const [counted] = await db
    .select({ hits: sql<number>`count(*)` })
    .from(
      sql`(select 1 from users_search where users_search match ${query} limit ${SEARCH_HITS_SORTED + 1})`,
    )
  return counted?.hits ?? 0
}

const indexHits = (query: string) =>
  sql`select user_id from users_search where users_search match ${query} limit ${SEARCH_HITS_SORTED}`

function orderColumn(order: UserOrder) {
  return order === 'email' ? users.email : users.searchKey
}

/** The position's side of the list, as a condition on the order's column. */
function positionHolds(
  order: UserOrder,
  position: ListPosition | null,
  indexed = true,
): SQL | undefined {
  if (!position) return undefined
  // Unary + keeps the planner on the hits, off the tenant's index, when the hits drive the query.
  const column = indexed ? sql`${orderColumn(order)}` : sql`+${orderColumn(order)}`
  const operator =
    position.direction === 'after'
      ? position.inclusive
        ? '>='
        : '>'
      : position.inclusive
        ? '<='
        : '<'
  return sql`${column} ${sql.raw(operator)} ${position.key}`
}

function sortedFrom(query: UserListQuery) {
  const column = orderColumn(query.order)
  return query.position?.direction === 'before' ? desc(column) : asc(column)
}

function readInOrder(db: AppDb, tenantId: string, query: UserListQuery, narrowed: SQL | undefined) {
  return db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), positionHolds(query.order, query.position), narrowed))
    .orderBy(sortedFrom(query))
    .limit(query.take)
}

function readIndexHits(
  db: AppDb,
  tenantId: string,
  query: UserListQuery,
  fullText: string,
  narrowed: SQL | undefined,
) {
  return db
    .select()
    .from(users)
    .where(
      and(
        sql`${users.id} in (${indexHits(fullText)})`,
        sql`+${users.tenantId} = ${tenantId}`,
        positionHolds(query.order, query.position, false),
        narrowed,
      ),
    )
    .orderBy(sortedFrom(query))
    .limit(query.take)
}

/** The key of the last user of the next SEARCH_ROWS_READ in order, or null if fewer are left. */
async function boundOfStretch(db: AppDb, tenantId: string, query: UserListQuery) {
  const column = orderColumn(query.order)
  const [bound] = await db
    .select({ key: column })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), positionHolds(query.order, query.position)))
    .orderBy(sortedFrom(query))
    .limit(1)
    .offset(SEARCH_ROWS_READ - 1)
  return bound?.key ?? null
}

/** The filters as one condition, or undefined when there is none. */
function filtersHold(filters: UserFilters): SQL | undefined {
  const { role, mustChange, mfaEnrolled, blocked } = filters
  return and(
    role === undefined ? undefined : eq(users.role, role),
    mustChange === undefined ? undefined : eq(users.mustChangePassword, mustChange),
    mfaEnrolled === undefined
      ? undefined
      : mfaEnrolled
        ? isNotNull(users.totpConfirmedAt)
        : isNull(users.totpConfirmedAt),
    blocked === undefined
      ? undefined
      : blocked
        ? isNotNull(users.blockedAt)
        : isNull(users.blockedAt),
  )
}

/**
 * The user's search key meets the term: one of its alternatives, each a set of needles the key
 * contains. Both sides are folded already, so a plain, binary `instr` compares them; no character
 * of the term is a wildcard.
 */
function keyMeets(term: SearchTerm | null): SQL | undefined {
  if (!term) return undefined
  const contains = (needle: string) => sql`instr(${users.searchKey}, ${needle}) > 0`
  return or(
    ...term.alternatives.map((conditions) =>
      and(
        ...conditions.map((condition) =>
          'contains' in condition
            ? contains(condition.contains)
            : or(...condition.anyOf.map(contains)),
        ),
      ),
    ),
  )
}

/** The insert of a new user. */
export function insertUser(db: AppDb, row: UserRow): Statement {
  return db.insert(users).values(row)
}

/**
 * The first statement of a password change: the user's new hash, credential version and id, and
 * `set`, only while `unchanged` still holds of the row as read.
 */
export function updateUserCredential(
  db: AppDb,
  userId: string,
  values: Partial<typeof users.$inferInsert> & {
    passwordHash: string
    credentialVersion: number
    credentialId: string
  },
  unchanged: Guard | undefined,
): Statement {
  return db
    .update(users)
    .set(values)
    .where(and(eq(users.id, userId), unchanged))
}

/** The user row still has the credential version read. */
export function credentialVersionIs(version: number): Guard {
  return eq(users.credentialVersion, version)
}

/** The user row still has the credential id read. */
export function credentialIdIs(credentialId: string): Guard {
  return eq(users.credentialId, credentialId)
}

/**
 * The user row still holds the password-change challenge `challengeId` on credential `version`,
 * its temporary password has not expired at `now`, and its sign-in is not blocked.
 */
export function changeChallengeIs(challengeId: string, version: number, now: number): Guard {
  return and(
    eq(users.challengeId, challengeId),
    eq(users.credentialVersion, version),
    or(isNull(users.temporaryExpiresAt), gt(users.temporaryExpiresAt, now)),
    isNull(users.blockedAt),
  )!
}

/** Gives the user a new password-change challenge, while its credential is the one read. */
export function setChangeChallenge(
  db: AppDb,
  user: CredentialRead,
  challengeId: string,
  guard?: Guard,
): Statement {
  return updateOnCredential(db, user, { challengeId }, guard)
}

/** Gives the user a new MFA sign-in step, while its credential is the one read. */
export function setMfaChallenge(
  db: AppDb,
  user: CredentialRead,
  mfaChallengeId: string,
): Statement {
  return updateOnCredential(db, user, { mfaChallengeId })
}

/** Ends the user's MFA sign-in step. */
export function clearMfaChallenge(db: AppDb, userId: string, guard: Guard): Statement {
  return db
    .update(users)
    .set({ mfaChallengeId: null })
    .where(and(eq(users.id, userId), guard))
}

/** Holds while the user's MFA sign-in step is still `mfaChallengeId`. */
export function mfaChallengeIs(userId: string, mfaChallengeId: string): Guard {
  return sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.mfaChallengeId} = ${mfaChallengeId})`
}

/** Stores a stronger hash of the same password: the credential version stays. */
export function upgradePasswordHash(
  db: AppDb,
  user: CredentialRead,
  passwordHash: string,
): Statement {
  return updateOnCredential(db, user, { passwordHash })
}

/** The user as read: its id and the credential the update must still find. */
type CredentialRead = { id: string; credentialId: string }

function updateOnCredential(
  db: AppDb,
  user: CredentialRead,
  values: Partial<UserRow>,
  guard?: Guard,
): Statement {
  return db
    .update(users)
    .set(values)
    .where(and(eq(users.id, user.id), eq(users.credentialId, user.credentialId), guard))
}

/**
 * Stores a sealed TOTP seed waiting for its first code from the session `pending.sessionId`,
 * unless a factor is confirmed; it replaces any enrollment pending before.
 */
export function storePendingTotp(
  db: AppDb,
  userId: string,
  sealedSecret: string,
  pending: { expiresAt: number; sessionId: string },
): Statement {
  return db
    .update(users)
    .set({
      totpSecret: sealedSecret,
      totpPendingExpiresAt: pending.expiresAt,
      totpPendingSessionId: pending.sessionId,
      totpLastStep: null,
    })
    .where(and(eq(users.id, userId), isNull(users.totpConfirmedAt)))
}

/** Confirms the pending seed `sealedSecret` with the step of its first code, under `writeId`. */
export function confirmPendingTotp(
  db: AppDb,
  userId: string,
  sealedSecret: string,
  confirmation: { now: number; step: number; writeId: string },
): Statement {
  return db
    .update(users)
    .set({
      totpConfirmedAt: confirmation.now,
      totpPendingExpiresAt: null,
      totpPendingSessionId: null,
      totpLastStep: confirmation.step,
      mfaWriteId: confirmation.writeId,
    })
    .where(
      and(eq(users.id, userId), isNull(users.totpConfirmedAt), eq(users.totpSecret, sealedSecret)),
    )
}

/**
 * Takes a TOTP code: records its step as the last accepted, only if it is later than the last,
 * under a fresh `writeId` (and a resealed seed, when the key rotated).
 */
export function acceptTotpStep(
  db: AppDb,
  userId: string,
  accepted: { step: number; writeId: string; totpSecret?: string },
  condition?: Guard,
): Statement {
  const { step, writeId, totpSecret } = accepted
  return db
    .update(users)
    .set({ totpLastStep: step, mfaWriteId: writeId, totpSecret })
    .where(
      and(
        eq(users.id, userId),
        sql`coalesce(${users.totpLastStep}, -1) < ${step}`,
        sql`${users.totpConfirmedAt} is not null`,
        condition,
      ),
    )
}

/** Removes the user's second factor. */
export function clearSecondFactor(db: AppDb, userId: string, guard?: Guard): Statement {
  return db
    .update(users)
    .set(NO_SECOND_FACTOR)
    .where(and(eq(users.id, userId), guard))
}

/** Holds only after this batch's first statement gave the user `writeId` (fresh per write). */
export function mfaWriteIs(userId: string, writeId: string): Guard {
  return sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.mfaWriteId} = ${writeId})`
}

/**
 * Blocks the user's sign-in at `now`, unless it is blocked already. The credential gets a new id
 * (the password stays): a sign-in verifying the password at this very moment then writes nothing.
 */
export function blockUserSignIn(
  db: AppDb,
  userId: string,
  blocking: { now: number; credentialId: string },
): Statement {
  return db
    .update(users)
    .set({ blockedAt: blocking.now, credentialId: blocking.credentialId })
    .where(and(eq(users.id, userId), isNull(users.blockedAt)))
}

/** Unblocks the user's sign-in, if it is blocked, under a new credential id for the write's guard. */
export function unblockUserSignIn(db: AppDb, userId: string, credentialId: string): Statement {
  return db
    .update(users)
    .set({ blockedAt: null, credentialId })
    .where(and(eq(users.id, userId), isNotNull(users.blockedAt)))
}

/** Records the user's own choice of language for their notices, if `guard` holds. */
export function setChosenLanguage(
  db: AppDb,
  userId: string,
  language: string,
  guard?: Guard,
): Statement {
  return db
    .update(users)
    .set({ language, languageChosen: true })
    .where(
      and(
        eq(users.id, userId),
        or(sql`${users.language} <> ${language}`, eq(users.languageChosen, false)),
        guard,
      ),
    )
}

/** Takes the browser's language for the user's notices, unless they chose one themselves. */
export function setBrowserLanguage(
  db: AppDb,
  userId: string,
  language: string,
  guard?: Guard,
): Statement {
  return db
    .update(users)
    .set({ language })
    .where(
      and(
        eq(users.id, userId),
        eq(users.languageChosen, false),
        sql`${users.language} <> ${language}`,
        guard,
      ),
    )
}
