import { and, asc, eq, gt, gte, lt, lte, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { assertDisplaySafeName } from '../core/names.ts'
import { randomId } from '../core/random.ts'
import { canCreateUsers, isAdminRole, type Role } from '../core/roles.ts'
import { isUniqueViolation } from '../db/constraint-errors.ts'
import { decodeCursor, encodeCursor } from '../core/cursor.ts'
import { type AppDb, prepared } from '../db/database.ts'
import { passwordResets, users } from '../db/schema.ts'
import { toIsoTime } from '../db/time.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { assertAdminStepUp } from './step-up.ts'
import { prepareTemporaryCredential } from './temporary-credential.ts'

export type UserRow = typeof users.$inferSelect

export interface UserView {
  id: string
  email: string
  displayName: string
  role: Role
  tenantId: string
  createdAt: string
  mfaEnrolled: boolean
  passwordState: {
    mustChange: boolean
    temporaryExpiresAt: string | null
    lastResetAt: string | null
    lastResetBy: string | null
  }
}

/** The second-factor columns of a user without one. */
export const NO_SECOND_FACTOR = {
  totpSecret: null,
  totpConfirmedAt: null,
  totpPendingExpiresAt: null,
  totpLastStep: null,
  mfaChallengeId: null,
  mfaWriteId: null,
} as const satisfies Partial<UserRow>

/** The public shape of a user: never the hash, the credential id or the challenge. */
export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    tenantId: row.tenantId,
    createdAt: toIsoTime(row.createdAt),
    mfaEnrolled: row.totpConfirmedAt !== null,
    passwordState: {
      mustChange: row.mustChangePassword,
      temporaryExpiresAt: toIsoTime(row.temporaryExpiresAt),
      lastResetAt: toIsoTime(row.lastResetAt),
      lastResetBy: row.lastResetBy,
    },
  }
}

export function assertAdmin(actor: Actor): void {
  if (!isAdminRole(actor.role)) throw new AppError('FORBIDDEN')
}

/**
 * A user of the caller's tenant, or NOT_FOUND — the same answer for a missing id and for another
 * tenant's user, so tenants cannot even learn of each other's users.
 */
export async function findTenantUser(
  deps: Deps,
  tenantId: string,
  userId: string,
): Promise<UserRow> {
  const row = await lookupTenantUser(deps, tenantId, userId)
  if (!row) throw new AppError('NOT_FOUND')
  return row
}

export async function lookupTenantUser(
  deps: Deps,
  tenantId: string,
  userId: string,
): Promise<UserRow | undefined> {
  const [row] = await tenantUserQuery(deps.database.db).all({ userId, tenantId })
  return row
}

const tenantUserQuery = (db: AppDb) =>
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

export async function getUser(deps: Deps, actor: Actor, userId: string): Promise<UserView> {
  assertAdmin(actor)
  return toUserView(await findTenantUser(deps, actor.tenantId, userId))
}

/**
 * The tenant's users ordered by email, filtered by a substring of email or name (see
 * `searchTenantUsers`). A page may hold fewer than `limit` users and still have a next cursor: a
 * search reads a bounded stretch of the tenant per page.
 */
export async function listUsers(
  deps: Deps,
  actor: Actor,
  query: { search?: string; limit: number; cursor?: string },
): Promise<{ items: UserView[]; nextCursor: string | null }> {
  assertAdmin(actor)
  const after = query.cursor ? decodeCursor(query.cursor, isString) : ''
  const take = query.limit + 1
  const { rows, searchedTo } = query.search
    ? await searchTenantUsers(deps.database.db, actor.tenantId, query.search, after, take)
    : {
        rows: await tenantUsersAfter(deps.database.db, actor.tenantId, after, take),
        searchedTo: null,
      }
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  const resumeAt = rows.length > query.limit && last ? last.email : searchedTo
  return { items: page.map(toUserView), nextCursor: resumeAt ? encodeCursor(resumeAt) : null }
}

// The Users page's query, prepared once: every page view of an admin runs it.
const tenantUsersQuery = (db: AppDb) =>
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

function tenantUsersAfter(db: AppDb, tenantId: string, after: string, take: number) {
  return tenantUsersQuery(db).all({ tenantId, after, take })
}

/** Shorter searches cannot use the trigram index: they match the start of the email instead. */
export const MIN_SUBSTRING_SEARCH = 3
/** A term with at most this many trigram-index hits (all tenants) is answered from the hits. */
export const SEARCH_HITS_SORTED = 2000
/** Otherwise a page reads at most this many of the tenant's users, in email order. */
export const SEARCH_ROWS_READ = 4000

/**
 * Up to `take` of the tenant's users after `after` (by email) whose email or display name contains
 * `search` (LIKE semantics: ASCII case-insensitive, `_ % \` literal), with a bounded cost at any
 * tenant size:
 * - a rare term (few trigram-index hits) is answered from its hits, sorted by email;
 * - a common term reads the tenant's users in email order, at most SEARCH_ROWS_READ a page;
 *   `searchedTo` is then the email read up to, for the next page to resume after;
 * - a term of one or two characters is an email prefix: a range of the (tenant, email) index.
 * Every path filters by the tenant on the users row itself.
 */
export async function searchTenantUsers(
  db: AppDb,
  tenantId: string,
  search: string,
  after: string,
  take: number,
): Promise<{ rows: UserRow[]; searchedTo: string | null }> {
  // No email or name holds a NUL (both refuse control characters), and FTS5 would read its query
  // as a C string cut short at one (a syntax error).
  if (search.includes('\0')) return { rows: [], searchedTo: null }
  const inTenantAfter = and(eq(users.tenantId, tenantId), gt(users.email, after))
  if ([...search].length < MIN_SUBSTRING_SEARCH) {
    const prefix = search.normalize('NFKC').toLowerCase()
    // One lower bound, so the planner ranges over the prefix and not from the start of the tenant.
    const from = after >= prefix ? gt(users.email, after) : gte(users.email, prefix)
    const rows = await db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), from, lt(users.email, `${prefix}\u{10FFFF}`)))
      .orderBy(asc(users.email))
      .limit(take)
    return { rows, searchedTo: null }
  }
  const contains = containsText([users.email, users.displayName], search)
  const phrase = `"${search.replaceAll('"', '""')}"`
  const [counted] = await db
    .select({ hits: sql<number>`count(*)` })
    .from(
      sql`(select 1 from users_search where users_search match ${phrase} limit ${SEARCH_HITS_SORTED + 1})`,
    )
  if ((counted?.hits ?? 0) <= SEARCH_HITS_SORTED) {
    // The hits drive the query (unary + keeps the planner off the tenant's email index).
    const hits = sql`select user_id from users_search where users_search match ${phrase} limit ${SEARCH_HITS_SORTED}`
    const rows = await db
      .select()
      .from(users)
      .where(
        and(
          sql`${users.id} in (${hits})`,
          sql`+${users.tenantId} = ${tenantId}`,
          sql`+${users.email} > ${after}`,
          contains,
        ),
      )
      .orderBy(asc(users.email))
      .limit(take)
    return { rows, searchedTo: null }
  }
  const [bound] = await db
    .select({ email: users.email })
    .from(users)
    .where(inTenantAfter)
    .orderBy(asc(users.email))
    .limit(1)
    .offset(SEARCH_ROWS_READ - 1)
  const rows = await db
    .select()
    .from(users)
    .where(and(inTenantAfter, bound ? lte(users.email, bound.email) : undefined, contains))
    .orderBy(asc(users.email))
    .limit(take)
  return { rows, searchedTo: rows.length < take && bound ? bound.email : null }
}

/**
 * Any of `columns` contains `text` literally: LIKE's wildcards `%` and `_` in the text (as in
 * `first_last`) match only themselves, escaped with a backslash that the ESCAPE clause declares.
 */
function containsText(columns: SQLWrapper[], text: string): SQL | undefined {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return or(...columns.map((column) => sql`${column} like ${pattern} escape '\\'`))
}

const isString = (value: unknown): value is string => typeof value === 'string'

export interface NewUserResult {
  user: UserView
  temporaryPassword: string
  expiresAt: string
}

/**
 * Statements that create a user holding a temporary password, with its reset record and audit
 * events. Shared by the admin API, the CLI and the first-start bootstrap.
 */
export async function prepareNewUser(
  deps: Deps,
  input: { tenantId: string; email: string; displayName: string; role: Role },
  actor: { id: string; role: string } | null,
  meta: RequestMeta,
): Promise<{ statements: SQLWrapper[]; result: () => Promise<NewUserResult> }> {
  assertDisplaySafeName('displayName', input.displayName)
  const email = normalizeEmail(input.email)
  const now = deps.clock.now()
  const credential = await prepareTemporaryCredential(deps, email)
  const row: UserRow = {
    id: randomId(deps.random),
    tenantId: input.tenantId,
    email,
    displayName: input.displayName,
    role: input.role,
    passwordHash: credential.hash,
    credentialVersion: 1,
    credentialId: randomId(deps.random),
    mustChangePassword: true,
    temporaryExpiresAt: credential.expiresAt,
    challengeId: null,
    passwordChangedAt: null,
    lastResetAt: now,
    lastResetBy: actor?.id ?? null,
    createdAt: now,
    ...NO_SECOND_FACTOR,
  }
  const resetId = randomId(deps.random)
  const statements = [
    deps.database.db.insert(users).values(row),
    deps.database.db.insert(passwordResets).values({
      id: resetId,
      tenantId: input.tenantId,
      userId: row.id,
      issuedBy: actor?.id ?? null,
      issuedAt: now,
      expiresAt: credential.expiresAt,
      requireChange: true,
      status: 'pending',
    }),
    auditStatement(deps, meta, {
      tenantId: input.tenantId,
      event: 'user_created',
      actor,
      targetId: row.id,
      outcome: 'success',
      details: { role: input.role, resetId },
    }),
  ]
  return {
    statements,
    result: async () => ({
      user: toUserView(row),
      temporaryPassword: credential.password,
      expiresAt: toIsoTime(credential.expiresAt),
    }),
  }
}

/** Runs a batch that creates a user; a taken email (even by a race) is EMAIL_TAKEN. */
export async function writeNewUser(deps: Deps, statements: SQLWrapper[]): Promise<void> {
  try {
    await deps.database.writeAtomically(statements)
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN')
    throw error
  }
}

export async function assertEmailFree(deps: Deps, email: string): Promise<void> {
  const [taken] = await deps.database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
  if (taken) throw new AppError('EMAIL_TAKEN')
}

/** A global admin adds a user to their tenant; the first temporary password is shown once. */
export async function createUser(
  deps: Deps,
  actor: Actor,
  input: { email: string; displayName: string; role: Role },
  meta: RequestMeta,
): Promise<NewUserResult> {
  if (!canCreateUsers(actor.role)) throw new AppError('FORBIDDEN_ROLE')
  // A new user's first password is a credential issued, as a reset's is.
  await assertAdminStepUp(deps, actor)
  await assertEmailFree(deps, input.email)
  const prepared = await prepareNewUser(deps, { ...input, tenantId: actor.tenantId }, actor, meta)
  await writeNewUser(deps, prepared.statements)
  return prepared.result()
}
