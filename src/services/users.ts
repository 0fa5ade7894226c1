import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { assertDisplaySafeName } from '../core/names.ts'
import { randomId } from '../core/random.ts'
import { parseSearchTerm, searchKeyOf } from '../core/search-text.ts'
import type { Role } from '../core/roles.ts'
import { isUniqueViolation } from '../db/constraint-errors.ts'
import type { Statement } from '../db/database.ts'
import { insertFirstReset } from '../db/resets.ts'
import { toIsoTime } from '../db/time.ts'
import {
  findTenantUserEmails,
  countTenantUsers,
  findUserByEmail,
  findUserInTenant,
  insertUser,
  isEmailTaken,
  listTenantUsers,
  NO_SECOND_FACTOR,
  type UserFilters,
  type UserOrder,
  type UserRow,
} from '../db/users.ts'
import { assertAdmin, assertMayCreateUsers } from './access.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { assertAdminStepUp } from './step-up.ts'
import { prepareTemporaryCredential, type TemporaryCredential } from './temporary-credential.ts'
import { decodeListCursor, encodeListCursor, pageOf } from './user-list.ts'

// The search's bounds, for tests that build tenants around them.
export { COUNT_CAP, SEARCH_HITS_SORTED, SEARCH_ROWS_READ } from '../db/users.ts'

export interface UserView {
  id: string
  email: string
  displayName: string
  role: Role
  tenantId: string
  createdAt: string
  mfaEnrolled: boolean
  /** An admin blocked sign-in: the password signs nobody in. */
  blocked: boolean
  passwordState: {
    mustChange: boolean
    temporaryExpiresAt: string | null
    lastResetAt: string | null
    lastResetBy: string | null
  }
}

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
    blocked: row.blockedAt !== null,
    passwordState: {
      mustChange: row.mustChangePassword,
      temporaryExpiresAt: toIsoTime(row.temporaryExpiresAt),
      lastResetAt: toIsoTime(row.lastResetAt),
      lastResetBy: row.lastResetBy,
    },
  }
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
  const row = await findUserInTenant(deps.database.db, tenantId, userId)
  if (!row) throw new AppError('NOT_FOUND')
  return row
}

export async function getUser(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<UserView> {
  await assertAdmin(deps, actor, meta, { action: 'users.read', targetId: userId })
  return toUserView(await findTenantUser(deps, actor.tenantId, userId))
}

/** The id of the tenant's user with this email, or null (another tenant's is nobody here). */
export async function findTenantUserIdByEmail(
  deps: Deps,
  actor: Actor,
  email: string,
  meta: RequestMeta,
): Promise<string | null> {
  await assertAdmin(deps, actor, meta, { action: 'users.read' })
  const user = await findUserByEmail(deps.database.db, normalizeEmail(email))
  return user && user.tenantId === actor.tenantId ? user.id : null
}

/**
 * The emails of the users a page mentions, by id, in one query: ids of another tenant's users,
 * unknown ids and nulls are left out (the page shows those as they are).
 *
 * @example
 * const names = await nameTenantUsers(deps, actor, events.flatMap((e) => [e.actorId, e.targetId]))
 */
export async function nameTenantUsers(
  deps: Deps,
  actor: Actor,
  ids: readonly (string | null)[],
  meta: RequestMeta,
): Promise<Map<string, string>> {
  await assertAdmin(deps, actor, meta, { action: 'users.list' })
  const unique = [...new Set(ids.filter((id): id is string => id !== null))]
  if (unique.length === 0) return new Map()
  const rows = await findTenantUserEmails(deps.database.db, actor.tenantId, unique)
  return new Map(rows.map((row) => [row.id, row.email]))
}

/** What the users list is asked for: a search term, filters, an order and a page. */
export interface UserListRequest extends UserFilters {
  search?: string
  sort?: UserOrder
  limit: number
  cursor?: string
}

export interface UserListPage {
  items: UserView[]
  nextCursor: string | null
  previousCursor: string | null
  /** How many users the list holds in all; not exact past a count's bound, null if not counted. */
  total: { count: number; exact: boolean } | null
}

/**
 * The tenant's users by email or by name, narrowed by a search term (see core/search-text.ts)
 * and filters, a page at a time in either direction. A page may hold fewer than `limit` users
 * and still have a next cursor: a search or a filter reads a bounded stretch of the tenant per
 * page (see `listTenantUsers`).
 */
export async function listUsers(
  deps: Deps,
  actor: Actor,
  request: UserListRequest,
  meta: RequestMeta,
): Promise<UserListPage> {
  await assertAdmin(deps, actor, meta, { action: 'users.list' })
  const { db } = deps.database
  const order = request.sort ?? 'email'
  const position = request.cursor ? decodeListCursor(order, request.cursor) : null
  const term = request.search === undefined ? null : parseSearchTerm(request.search)
  const { role, mustChange, mfaEnrolled, blocked } = request
  const filters = { role, mustChange, mfaEnrolled, blocked }
  const query = { term, filters, order, position, take: request.limit + 1 }
  const [{ rows, readTo }, total] = await Promise.all([
    listTenantUsers(db, actor.tenantId, query),
    countTenantUsers(db, actor.tenantId, query),
  ])
  const { page, next, previous } = pageOf(rows, readTo, { order, position, limit: request.limit })
  return {
    items: page.map(toUserView),
    nextCursor: next && encodeListCursor(order, next),
    previousCursor: previous && encodeListCursor(order, previous),
    total,
  }
}

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
): Promise<{ statements: Statement[]; result: () => Promise<NewUserResult> }> {
  assertDisplaySafeName('displayName', input.displayName)
  const email = normalizeEmail(input.email)
  const now = deps.clock.now()
  const credential = await prepareTemporaryCredential(deps, email)
  // Until they sign in, a new user's notices are in the language of whoever added them.
  const row = newUserRow(deps, { ...input, email, language: meta.language }, credential, actor, now)
  const resetId = randomId(deps.random)
  const statements = [
    insertUser(deps.database.db, row),
    insertFirstReset(deps.database.db, {
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

/** A new user's row: a temporary password to change at first sign-in, no second factor. */
function newUserRow(
  deps: Deps,
  input: { tenantId: string; email: string; displayName: string; role: Role; language: string },
  credential: TemporaryCredential,
  actor: { id: string } | null,
  now: number,
): UserRow {
  return {
    id: randomId(deps.random),
    tenantId: input.tenantId,
    email: input.email,
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
    searchKey: searchKeyOf(input),
    language: input.language,
    languageChosen: false,
    blockedAt: null,
  }
}

/** Runs a batch that creates a user; a taken email (even by a race) is EMAIL_TAKEN. */
export async function writeNewUser(deps: Deps, statements: Statement[]): Promise<void> {
  try {
    await deps.database.writeAtomically(statements)
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN')
    throw error
  }
}

export async function assertEmailFree(deps: Deps, email: string): Promise<void> {
  if (await isEmailTaken(deps.database.db, normalizeEmail(email))) throw new AppError('EMAIL_TAKEN')
}

/** A global admin adds a user to their tenant; the first temporary password is shown once. */
export async function createUser(
  deps: Deps,
  actor: Actor,
  input: { email: string; displayName: string; role: Role },
  meta: RequestMeta,
): Promise<NewUserResult> {
  await assertMayCreateUsers(deps, actor, meta)
  // A new user's first password is a credential issued, as a reset's is.
  await assertAdminStepUp(deps, actor)
  await assertEmailFree(deps, input.email)
  const prepared = await prepareNewUser(deps, { ...input, tenantId: actor.tenantId }, actor, meta)
  await writeNewUser(deps, prepared.statements)
  return prepared.result()
}
