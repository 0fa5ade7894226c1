import { AppError } from '../core/errors.ts'
import { hasExpired } from '../core/expiry.ts'
import { randomId, randomToken } from '../core/random.ts'
import {
  hashToken,
  signAccessToken,
  verifyAccessToken,
  verifyChallengeToken,
} from '../core/tokens.ts'
import { always, type Guard, named, type Statement, type Step, writeSteps } from '../db/database.ts'
import {
  findRefreshTokenSession,
  findRefreshTokenWithSession,
  findSessionWithUser,
  insertRefreshToken,
  insertSession,
  markRefreshTokenRotated,
  type RefreshTokenWithSession,
  refreshTokenReplacedBy,
  revokeSession,
} from '../db/sessions.ts'
import { endAppGrants } from './app-grants.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { refusalRecord, TOKEN_REUSE } from './repeated-refusals.ts'

export interface SignedIn {
  status: 'signed_in'
  accessToken: string
  tokenType: 'Bearer'
  expiresIn: number
  refreshToken: string
}

interface SessionUser {
  id: string
  tenantId: string
  credentialVersion: number
}

/** A session's statements and the tokens to hand back once they commit. */
export type PreparedSession = Promise<{ statements: Step<'session'>[]; result: SignedIn }>

/**
 * Statements that open a session for `user` and the tokens to hand back once they commit.
 * The refresh token is 256 random bits; only its SHA-256 is stored. `guard` ties the inserts to
 * the batch's credential write, when there is one.
 */
export async function prepareSession(
  deps: Deps,
  user: SessionUser,
  meta: RequestMeta,
  guard: Guard = always,
  proofs: { mfaVerifiedAt?: number | null } = {},
): PreparedSession {
  const now = deps.clock.now()
  const { settings } = deps
  const sessionId = randomId(deps.random)
  const refreshToken = randomToken(deps.random)
  const statements = [
    named(
      'session',
      insertSession(
        {
          id: sessionId,
          userId: user.id,
          credentialVersion: user.credentialVersion,
          createdAt: now,
          expiresAt: now + settings.sessionAbsoluteSeconds * 1000,
          ip: meta.ip,
          mfaVerifiedAt: proofs.mfaVerifiedAt ?? null,
        },
        guard,
      ),
    ),
    insertRefreshToken(
      {
        tokenHash: hashToken(refreshToken),
        sessionId,
        issuedAt: now,
        expiresAt: now + settings.refreshIdleSeconds * 1000,
      },
      guard,
    ),
  ]
  return { statements, result: await signedIn(deps, user, sessionId, refreshToken, now) }
}

/**
 * Resolves a bearer token to the caller, checking the database on every request: the session
 * must exist, be unrevoked and unexpired, and belong to the user's current credential version.
 * A reset bumps that version and revokes the rows, so a token dies on its very next use — even
 * one minted in the same second (the check is an integer version, not a timestamp).
 */
export async function authenticate(deps: Deps, token: string): Promise<Actor> {
  const now = deps.clock.now()
  const claims = await verifyAccessToken(deps.tokens, token, now)
  if (!claims) {
    // A password-change challenge is no session: it completes the change and opens nothing else.
    if (await verifyChallengeToken(deps.tokens, token, now)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED')
    }
    throw new AppError('UNAUTHENTICATED')
  }
  const row = await findSessionWithUser(deps.database.db, claims.sid, claims.sub)
  if (
    !row ||
    row.revokedAt !== null ||
    row.expiresAt <= now ||
    row.sessionVersion !== row.userVersion ||
    row.tenantId !== claims.tid ||
    // Defence in depth: a flagged or blocked user never holds a session, and is refused if one
    // appears.
    row.mustChangePassword ||
    row.blockedAt !== null
  ) {
    throw new AppError('UNAUTHENTICATED')
  }
  return {
    id: row.id,
    tenantId: row.tenantId,
    role: row.role,
    email: row.email,
    displayName: row.displayName,
    sessionId: claims.sid,
  }
}

/**
 * Exchanges a refresh token for a new pair. The old token is marked rotated in the same batch
 * that inserts its successor; presenting a rotated token again is treated as theft (RFC 9700
 * §4.14) and ends the whole session, with an `authn_token_reuse` audit event.
 */
export async function refreshSession(
  deps: Deps,
  refreshToken: string,
  meta: RequestMeta,
): Promise<SignedIn> {
  const now = deps.clock.now()
  const tokenHash = hashToken(refreshToken)
  const row = await findRefreshTokenWithSession(deps.database.db, tokenHash)
  if (!row) throw new AppError('INVALID_REFRESH_TOKEN')
  if (row.rotatedAt !== null) {
    await revokeForReuse(deps, row, meta)
    throw new AppError('INVALID_REFRESH_TOKEN')
  }
  if (!isRefreshable(row, now)) throw new AppError('INVALID_REFRESH_TOKEN')
  const nextToken = await rotateRefreshToken(deps, row, tokenHash, meta, now)
  return signedIn(deps, { id: row.userId, tenantId: row.tenantId }, row.sessionId, nextToken, now)
}

/** A live token of a live session on the user's current credential (see `authenticate`). */
export function isRefreshable(row: RefreshTokenWithSession, now: number): boolean {
  return (
    row.revokedAt === null &&
    !hasExpired(row.tokenExpiresAt, now) &&
    !hasExpired(row.sessionExpiresAt, now) &&
    row.sessionVersion === row.userVersion &&
    !row.mustChangePassword &&
    row.blockedAt === null
  )
}

/** Marks the token rotated and inserts its successor, in one write; returns the successor. */
async function rotateRefreshToken(
  deps: Deps,
  row: RefreshTokenWithSession,
  tokenHash: string,
  meta: RequestMeta,
  now: number,
): Promise<string> {
  const nextToken = randomToken(deps.random)
  const nextHash = hashToken(nextToken)
  const { rotated } = await writeSteps(deps.database, [
    named('rotated', markRefreshTokenRotated(deps.database.db, tokenHash, nextHash, now)),
    insertRefreshToken(
      {
        tokenHash: nextHash,
        sessionId: row.sessionId,
        issuedAt: now,
        expiresAt: Math.min(now + deps.settings.refreshIdleSeconds * 1000, row.sessionExpiresAt),
      },
      refreshTokenReplacedBy(tokenHash, nextHash),
    ),
  ])
  if (rotated === 0) {
    // Another request rotated this token first: two holders of one token means one is a thief.
    await revokeForReuse(deps, row, meta)
    throw new AppError('INVALID_REFRESH_TOKEN')
  }
  return nextToken
}

/** The signed-in answer: a fresh access token for the session, with its refresh token. */
async function signedIn(
  deps: Deps,
  user: { id: string; tenantId: string },
  sessionId: string,
  refreshToken: string,
  now: number,
): Promise<SignedIn> {
  const { accessTokenTtlSeconds } = deps.settings
  return {
    status: 'signed_in',
    accessToken: await signAccessToken(
      deps.tokens,
      { sub: user.id, sid: sessionId, tid: user.tenantId },
      now,
      accessTokenTtlSeconds,
    ),
    tokenType: 'Bearer',
    expiresIn: accessTokenTtlSeconds,
    refreshToken,
  }
}

async function revokeForReuse(
  deps: Deps,
  row: { sessionId: string; userId: string; tenantId: string; role: string },
  meta: RequestMeta,
): Promise<void> {
  const record = await refusalRecord(deps, meta, row.sessionId, {
    ...TOKEN_REUSE,
    tenantId: row.tenantId,
    actor: { id: row.userId, role: row.role },
    targetId: row.userId,
    outcome: 'denied',
    details: { sessionId: row.sessionId },
  })
  // The first replay in a window ends the session; later ones are counted on its row.
  const revoke = record.first
    ? [revokeSessionStatement(deps, row.sessionId, 'refresh_token_reuse')]
    : []
  await deps.database.writeAtomically([...revoke, ...record.statements])
  if (!record.first) return
  deps.logger.warn('refresh_token_reuse', {
    requestId: meta.requestId,
    userId: row.userId,
    sessionId: row.sessionId,
  })
}

function revokeSessionStatement(deps: Deps, sessionId: string, reason: string): Statement {
  return revokeSession(deps.database.db, sessionId, reason, deps.clock.now())
}

/** Ends the caller's session, and the session of `refreshToken` too if it is the caller's. */
export async function signOut(
  deps: Deps,
  actor: Actor,
  refreshToken: string | undefined,
  meta: RequestMeta,
) {
  // The apps signed in through this session end with it, and those listening are told.
  const statements = [
    revokeSessionStatement(deps, actor.sessionId, 'sign_out'),
    ...endAppGrants(deps, { browserSessionId: actor.sessionId }, 'sign_out'),
  ]
  if (refreshToken) {
    const other = await findRefreshTokenSession(deps.database.db, hashToken(refreshToken))
    if (other && other.userId === actor.id && other.sessionId !== actor.sessionId) {
      statements.push(revokeSessionStatement(deps, other.sessionId, 'sign_out'))
    }
  }
  statements.push(
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'authn_token_revoked',
      actor,
      targetId: actor.id,
      outcome: 'success',
      reason: 'SIGN_OUT',
    }),
  )
  await deps.database.writeAtomically(statements)
}
