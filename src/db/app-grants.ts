import { and, eq, isNull, type SQL, sql } from 'drizzle-orm'
import {
  allOf,
  always,
  type AppDb,
  compiledWrite,
  type Guard,
  insertWhere,
  prepared,
  type Statement,
  userCredentialIs,
} from './database.ts'
import { codeTakenFor } from './authorization-codes.ts'
import { queuesNotices } from './outbox.ts'
import { appGrants, appRefreshTokens, oauthClients, outbox, users } from './schema.ts'

// What apps hold of a user's sign-in (grants), their refresh-token families, and the
// back-channel logout notices written when grants end.

export type AppGrantRow = typeof appGrants.$inferSelect

/** A new grant's fields, spelled out for a compiled insert. */
interface NewGrant extends Record<string, unknown> {
  id: string
  tenantId: string
  clientId: string
  userId: string
  browserSessionId: string
  scope: string
  authTime: number
  mfa: boolean
  credentialVersion: number
  createdAt: number
  expiresAt: number
}

/** What holds an exchange's rows to it: the code taken for this grant, the password unchanged. */
interface ExchangeGuard extends Record<string, unknown> {
  codeHash: string
  credentialId: string
}

const exchangeGuard = (v: ExchangeGuard, grantId: string, userId: string) =>
  allOf(codeTakenFor(v.codeHash, grantId), userCredentialIs(userId, v.credentialId))

/**
 * The grant a code is exchanged for: written only if this batch took the code for it and the
 * user's credential is still `credentialId` (a reset since the sign-in leaves nothing behind).
 */
export const insertExchangedGrant = compiledWrite((v: NewGrant & ExchangeGuard) =>
  insertWhere(
    appGrants,
    {
      id: v.id,
      tenantId: v.tenantId,
      clientId: v.clientId,
      userId: v.userId,
      browserSessionId: v.browserSessionId,
      scope: v.scope,
      authTime: v.authTime,
      mfa: v.mfa,
      credentialVersion: v.credentialVersion,
      createdAt: v.createdAt,
      expiresAt: v.expiresAt,
    },
    exchangeGuard(v, v.id, v.userId),
  ),
)

/** The first refresh token of a grant a code is exchanged for, held as the grant is. */
export const insertExchangedRefreshToken = compiledWrite(
  (v: AppRefreshTokenRow & ExchangeGuard & { userId: string }) =>
    insertWhere(appRefreshTokens, refreshTokenRow(v), exchangeGuard(v, v.grantId, v.userId)),
)

const liveGrantColumns = {
  grantId: appGrants.id,
  clientId: appGrants.clientId,
  browserSessionId: appGrants.browserSessionId,
  scope: appGrants.scope,
  authTime: appGrants.authTime,
  mfa: appGrants.mfa,
  grantVersion: appGrants.credentialVersion,
  grantExpiresAt: appGrants.expiresAt,
  revokedAt: appGrants.revokedAt,
  clientRemovedAt: oauthClients.removedAt,
  userId: users.id,
  tenantId: users.tenantId,
  email: users.email,
  displayName: users.displayName,
  userVersion: users.credentialVersion,
}

// Every refresh grant reads its token with the grant, the app and the user: prepared once.
const refreshTokenWithGrant = (db: AppDb) =>
  prepared(db, 'app-refresh-token', (db) =>
    db
      .select({
        ...liveGrantColumns,
        rotatedAt: appRefreshTokens.rotatedAt,
        tokenExpiresAt: appRefreshTokens.expiresAt,
      })
      .from(appRefreshTokens)
      .innerJoin(appGrants, eq(appGrants.id, appRefreshTokens.grantId))
      .innerJoin(oauthClients, eq(oauthClients.id, appGrants.clientId))
      .innerJoin(users, eq(users.id, appGrants.userId))
      .where(eq(appRefreshTokens.tokenHash, sql.placeholder('tokenHash')))
      .prepare(),
  )

/** A refresh token with its grant, app and user as they are now, or undefined. */
export async function findAppRefreshToken(db: AppDb, tokenHash: string) {
  const [row] = await refreshTokenWithGrant(db).all({ tokenHash })
  return row
}

// Every userinfo call checks its grant: prepared once.
const grantWithUser = (db: AppDb) =>
  prepared(db, 'app-grant-with-user', (db) =>
    db
      .select(liveGrantColumns)
      .from(appGrants)
      .innerJoin(oauthClients, eq(oauthClients.id, appGrants.clientId))
      .innerJoin(users, eq(users.id, appGrants.userId))
      .where(eq(appGrants.id, sql.placeholder('grantId')))
      .prepare(),
  )

/** The grant with its app and user as they are now, or undefined. */
export async function findAppGrant(db: AppDb, grantId: string) {
  const [row] = await grantWithUser(db).all({ grantId })
  return row
}

export type GrantState = NonNullable<Awaited<ReturnType<typeof findAppGrant>>>

/**
 * Exchanges a refresh token for its successor: only while it is unrotated, so of two concurrent
 * uses one changes the row and the other is a reuse.
 */
export const rotateAppRefreshToken = compiledWrite(
  (v: { tokenHash: string; replacedBy: string; now: number }) => {
    const t = appRefreshTokens
    return sql`update ${t} set ${sql.identifier(t.rotatedAt.name)} = ${v.now}, ${sql.identifier(t.replacedBy.name)} = ${v.replacedBy}
      where ${t.tokenHash} = ${v.tokenHash} and ${t.rotatedAt} is null`
  },
)

/** Holds once this batch rotated `tokenHash` into `replacedBy`. */
export function appRefreshTokenReplacedBy(tokenHash: string, replacedBy: string): Guard {
  const t = appRefreshTokens
  return sql`exists (select 1 from ${t} where ${t.tokenHash} = ${tokenHash} and ${t.replacedBy} = ${replacedBy})`
}

/**
 * The successor of a rotated refresh token: stored only if this batch rotated `replaces` into it
 * and the grant is still live when it commits.
 */
export const insertSuccessorRefreshToken = compiledWrite(
  (v: AppRefreshTokenRow & { replaces: string }) =>
    insertWhere(
      appRefreshTokens,
      refreshTokenRow(v),
      allOf(appRefreshTokenReplacedBy(v.replaces, v.tokenHash), grantIsLive(v.grantId, v.issuedAt)),
    ),
)

/** The fields of a new refresh token row (its SHA-256 only), spelled out for a compiled insert. */
interface AppRefreshTokenRow extends Record<string, unknown> {
  tokenHash: string
  grantId: string
  issuedAt: number
  expiresAt: number
}

const refreshTokenRow = (v: AppRefreshTokenRow) => ({
  tokenHash: v.tokenHash,
  grantId: v.grantId,
  issuedAt: v.issuedAt,
  expiresAt: v.expiresAt,
})

/** Which live grants a revocation ends: one grant, a user's, an app's, a browser session's. */
export type GrantSelection =
  { grantId: string } | { userId: string } | { clientId: string } | { browserSessionId: string }

function selects(selection: GrantSelection): SQL {
  if ('grantId' in selection) return eq(appGrants.id, selection.grantId)
  if ('userId' in selection) return eq(appGrants.userId, selection.userId)
  if ('clientId' in selection) return eq(appGrants.clientId, selection.clientId)
  return eq(appGrants.browserSessionId, selection.browserSessionId)
}

/** Ends the selected live grants (and so every token of theirs), if `guard` holds. */
export function revokeAppGrants(
  db: AppDb,
  selection: GrantSelection,
  now: number,
  reason: string,
  guard?: Guard,
): Statement {
  return db
    .update(appGrants)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(selects(selection), isNull(appGrants.revokedAt), guard))
}

/** Ends the grant a code was exchanged for (a replayed code), if it was exchanged. */
export function revokeGrantOfCode(db: AppDb, grantId: string, now: number): Statement {
  return revokeAppGrants(db, { grantId }, now, 'code_replayed')
}

/**
 * One back-channel logout notice per app and browser session among the selected live grants whose
 * app has a back-channel logout URI (OpenID Connect Back-Channel Logout 1.0): queued in the
 * outbox, in the batch that ends the grants and before it does, and sent after commit.
 */
export function queueBackchannelLogouts(
  selection: GrantSelection,
  now: number,
  guard: Guard = always,
): Statement {
  const g = appGrants
  const c = oauthClients
  const payload = sql`json_object('kind', 'backchannel_logout', 'to', ${c.backchannelLogoutUri}, 'clientId', ${g.clientId}, 'sub', ${g.userId}, 'sid', ${g.browserSessionId}, 'at', ${now})`
  return queuesNotices(sql`insert into ${outbox} (id, tenant_id, kind, recipient, payload, created_at, attempts, next_attempt_at)
    select lower(hex(randomblob(16))), ${g.tenantId}, 'backchannel_logout', ${c.backchannelLogoutUri}, ${payload}, ${now}, 0, ${now}
    from ${g} inner join ${c} on ${c.id} = ${g.clientId}
    where ${selects(selection)} and ${g.revokedAt} is null and ${g.expiresAt} > ${now}
      and ${c.backchannelLogoutUri} is not null and ${guard}
    group by ${g.clientId}, ${g.browserSessionId}`)
}

/** Holds while the grant is live at write time (not revoked, not expired). */
export function grantIsLive(grantId: string, now: number): Guard {
  return sql`exists (select 1 from ${appGrants} where ${appGrants.id} = ${grantId} and ${appGrants.revokedAt} is null and ${appGrants.expiresAt} > ${now})`
}
