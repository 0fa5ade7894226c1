import { and, eq, isNull, ne, type SQL, sql } from 'drizzle-orm'
import { type AppDb, type Guard, insertWhere, prepared, type Statement } from './database.ts'
import { refreshTokens, sessions, users } from './schema.ts'

// Sessions and their refresh tokens (one row per token ever issued in a session: its family).

/** The insert of a new session, if `guard` holds. */
export function insertSession(row: typeof sessions.$inferInsert, guard: Guard): Statement {
  return insertWhere(sessions, row, guard)
}

/** The insert of a refresh token (its SHA-256 only), if `guard` holds. */
export function insertRefreshToken(
  row: typeof refreshTokens.$inferInsert,
  guard: Guard,
): Statement {
  return insertWhere(refreshTokens, row, guard)
}

// The one query every authenticated request runs, prepared once.
const sessionWithUser = (db: AppDb) =>
  prepared(db, 'session-with-user', (db) =>
    db
      .select({
        id: users.id,
        tenantId: users.tenantId,
        role: users.role,
        email: users.email,
        displayName: users.displayName,
        mustChangePassword: users.mustChangePassword,
        blockedAt: users.blockedAt,
        userVersion: users.credentialVersion,
        sessionVersion: sessions.credentialVersion,
        revokedAt: sessions.revokedAt,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(eq(sessions.id, sql.placeholder('sid')), eq(sessions.userId, sql.placeholder('sub'))),
      )
      .prepare(),
  )

/** The session `sessionId` of user `userId`, with the user as they are now. */
export async function findSessionWithUser(db: AppDb, sessionId: string, userId: string) {
  const [row] = await sessionWithUser(db).all({ sid: sessionId, sub: userId })
  return row
}

// Every page a signed-in browser opens runs it (see services/browser-sessions.ts): prepared once.
const refreshTokenWithSession = (db: AppDb) =>
  prepared(db, 'refresh-token-with-session', (db) =>
    db
      .select({
        sessionId: sessions.id,
        rotatedAt: refreshTokens.rotatedAt,
        tokenExpiresAt: refreshTokens.expiresAt,
        sessionExpiresAt: sessions.expiresAt,
        revokedAt: sessions.revokedAt,
        sessionVersion: sessions.credentialVersion,
        userId: users.id,
        tenantId: users.tenantId,
        role: users.role,
        email: users.email,
        displayName: users.displayName,
        userVersion: users.credentialVersion,
        mustChangePassword: users.mustChangePassword,
        blockedAt: users.blockedAt,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, sql.placeholder('tokenHash')))
      .prepare(),
  )

/** The refresh token with its session and user, whatever their state. */
export async function findRefreshTokenWithSession(db: AppDb, tokenHash: string) {
  const [row] = await refreshTokenWithSession(db).all({ tokenHash })
  return row
}

/** A refresh token with its session and user (see `findRefreshTokenWithSession`). */
export type RefreshTokenWithSession = NonNullable<
  Awaited<ReturnType<typeof findRefreshTokenWithSession>>
>

/** The session a refresh token belongs to, and its user. */
export async function findRefreshTokenSession(db: AppDb, tokenHash: string) {
  const [row] = await db
    .select({ sessionId: refreshTokens.sessionId, userId: sessions.userId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
  return row
}

/** When the user confirmed TOTP and when this session of theirs last proved it. */
export async function findSessionSecondFactor(db: AppDb, sessionId: string, userId: string) {
  const [row] = await db
    .select({ confirmedAt: users.totpConfirmedAt, verifiedAt: sessions.mfaVerifiedAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(users.id, userId)))
  return row
}

/** Marks an unrotated refresh token rotated, replaced by the token digest `nextHash`. */
export function markRefreshTokenRotated(
  db: AppDb,
  tokenHash: string,
  nextHash: string,
  now: number,
): Statement {
  return db
    .update(refreshTokens)
    .set({ rotatedAt: now, replacedBy: nextHash })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)))
}

/** Holds only after this batch rotated `tokenHash` in favour of `nextHash`. */
export function refreshTokenReplacedBy(tokenHash: string, nextHash: string): Guard {
  return sql`exists (select 1 from ${refreshTokens} where ${refreshTokens.tokenHash} = ${tokenHash} and ${refreshTokens.replacedBy} = ${nextHash})`
}

/** Moves an unrotated refresh token's idle expiry to `expiresAt`. */
export function extendRefreshToken(db: AppDb, tokenHash: string, expiresAt: number): Statement {
  return db
    .update(refreshTokens)
    .set({ expiresAt })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)))
}

/** Ends one session, unless it has ended already. */
export function revokeSession(
  db: AppDb,
  sessionId: string,
  reason: string,
  now: number,
): Statement {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokeReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
}

/** Ends every live session of the user but `keep`, if `guard` holds. */
export function revokeUserSessions(
  db: AppDb,
  userId: string,
  revocation: { reason: string; now: number; keep?: string; guard?: Guard },
): Statement {
  const { reason, now, keep, guard } = revocation
  return db
    .update(sessions)
    .set({ revokedAt: now, revokeReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        keep === undefined ? undefined : ne(sessions.id, keep),
        isNull(sessions.revokedAt),
        guard,
      ),
    )
}

/** The number of the user's sessions ended with `revokeReason`, counted inside the write. */
export function countRevokedSessions(userId: string, revokeReason: string): SQL {
  return sql`(select count(*) from ${sessions} where ${sessions.userId} = ${userId} and ${sessions.revokeReason} = ${revokeReason})`
}

/** Moves a session to the credential version a password change gave its user. */
export function moveSessionToCredential(
  db: AppDb,
  sessionId: string,
  credentialVersion: number,
  guard: Guard,
): Statement {
  return db
    .update(sessions)
    .set({ credentialVersion })
    .where(and(eq(sessions.id, sessionId), guard))
}

/** Records that the session proved a second factor at `now`. */
export function markSessionVerified(
  db: AppDb,
  sessionId: string,
  now: number,
  guard: Guard,
): Statement {
  return db
    .update(sessions)
    .set({ mfaVerifiedAt: now })
    .where(and(eq(sessions.id, sessionId), guard))
}

/** When a browser session signed in, and whether with a second factor (an app's `auth_time`, `amr`). */
export async function findSessionSignIn(db: AppDb, sessionId: string) {
  const [row] = await sessionSignIn(db).all({ sessionId })
  return row
}

// Read by every authorization that issues a code: prepared once.
const sessionSignIn = (db: AppDb) =>
  prepared(db, 'session-sign-in', (db) =>
    db
      .select({ createdAt: sessions.createdAt, mfaVerifiedAt: sessions.mfaVerifiedAt })
      .from(sessions)
      .where(eq(sessions.id, sql.placeholder('sessionId')))
      .prepare(),
  )
