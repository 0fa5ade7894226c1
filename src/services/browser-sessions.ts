import { and, eq, isNull } from 'drizzle-orm'
import { AppError } from '../core/errors.ts'
import { hashToken } from '../core/tokens.ts'
import { refreshTokens, sessions } from '../db/schema.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { findRefreshToken, isRefreshable } from './sessions.ts'

/**
 * Resolves a browser's session cookie to the caller. The cookie holds the refresh token that
 * sign-in issued for the session (256 random bits, only its SHA-256 stored), kept unrotated by
 * the browser: it is checked against the same session row as the API's access tokens on every
 * request, so a reset, a password change or a sign-out ends the browser session at its very next
 * request. Activity slides the token's idle expiry, never past the session's absolute end.
 */
export async function authenticateBrowserSession(deps: Deps, token: string): Promise<Actor> {
  const now = deps.clock.now()
  const tokenHash = hashToken(token)
  const row = await findRefreshToken(deps, tokenHash)
  // A token exchanged at the API's refresh endpoint no longer stands for the session.
  if (!row || row.rotatedAt !== null || !isRefreshable(row, now)) {
    throw new AppError('UNAUTHENTICATED')
  }
  const idleMs = deps.settings.refreshIdleSeconds * 1000
  // Slide the idle timeout at most once per half-window, not on every page.
  if (row.tokenExpiresAt - now < idleMs / 2) {
    await deps.database.writeAtomically([
      deps.database.db
        .update(refreshTokens)
        .set({ expiresAt: Math.min(now + idleMs, row.sessionExpiresAt) })
        .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt))),
    ])
  }
  return {
    id: row.userId,
    tenantId: row.tenantId,
    role: row.role,
    email: row.email,
    displayName: row.displayName,
    sessionId: row.sessionId,
  }
}

/** Ends every session of the caller, this one included ("sign out everywhere"), audited. */
export async function signOutEverywhere(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.database.writeAtomically([
    deps.database.db
      .update(sessions)
      .set({ revokedAt: deps.clock.now(), revokeReason: 'sign_out_everywhere' })
      .where(and(eq(sessions.userId, actor.id), isNull(sessions.revokedAt))),
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'authn_token_revoked',
      actor,
      targetId: actor.id,
      outcome: 'success',
      reason: 'SIGN_OUT_EVERYWHERE',
    }),
  ])
}
