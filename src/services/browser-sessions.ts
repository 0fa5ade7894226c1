import { AppError } from '../core/errors.ts'
import { hashToken } from '../core/tokens.ts'
import {
  extendRefreshToken,
  findRefreshTokenWithSession,
  revokeUserSessions,
} from '../db/sessions.ts'
import { endAppGrants } from './app-grants.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { isRefreshable } from './sessions.ts'

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
  const row = await findRefreshTokenWithSession(deps.database.db, tokenHash)
  // A token exchanged at the API's refresh endpoint no longer stands for the session.
  if (!row || row.rotatedAt !== null || !isRefreshable(row, now)) {
    throw new AppError('UNAUTHENTICATED')
  }
  const idleMs = deps.settings.refreshIdleSeconds * 1000
  // Slide the idle timeout at most once per half-window, not on every page.
  if (row.tokenExpiresAt - now < idleMs / 2) {
    await deps.database.writeAtomically([
      extendRefreshToken(deps.database.db, tokenHash, Math.min(now + idleMs, row.sessionExpiresAt)),
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
    revokeUserSessions(deps.database.db, actor.id, {
      reason: 'sign_out_everywhere',
      now: deps.clock.now(),
    }),
    ...endAppGrants(deps, { userId: actor.id }, 'sign_out_everywhere'),
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
