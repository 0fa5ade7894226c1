import { randomId } from '../core/random.ts'
import { computeDetails } from '../db/audit-events.ts'
import { type Guard, named, type Statement, type Step, userCredentialIs } from '../db/database.ts'
import { closeOpenResetRequests } from '../db/reset-requests.ts'
import { countRevokedSessions, revokeUserSessions } from '../db/sessions.ts'
import { updateUserCredential, type UserRow } from '../db/users.ts'
import { endAppGrants } from './app-grants.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { clearAccountThrottle, throttleKeys } from './sign-in-throttle.ts'

/** The credential a change moves the user to, and the guard every statement of its write holds. */
export interface NewCredential {
  id: string
  version: number
  /** True only once the user's update has committed: see `userCredentialIs`. */
  guard: Guard
}

export function newCredential(
  deps: Deps,
  user: { id: string; credentialVersion: number },
): NewCredential {
  const id = randomId(deps.random)
  return { id, version: user.credentialVersion + 1, guard: userCredentialIs(user.id, id) }
}

export interface CredentialChange<N extends string = never> {
  user: { id: string; email: string }
  credential: NewCredential
  passwordHash: string
  /** Further columns of the user row that change with the password. */
  set?: Partial<UserRow>
  /** What must still hold of the user row as read; otherwise the whole write changes nothing. */
  unchanged: Guard | undefined
  /** Why the user's sessions end; `keep` is one that carries on (the caller's own). */
  revokeSessions: { reason: string; keep?: string }
  /** The reason to close the user's open forgot-password requests with, or null to leave them. */
  closeRequests: string | null
  /** The use case's own steps, guarded on `credential.guard`; they run after the revocation. */
  statements?: readonly Step<N>[]
  audit: AuditInput[]
  meta: RequestMeta
}

/**
 * The `authn_token_revoked` entry of a write that ended `target`'s sessions with `revokeReason`
 * (unique to that write), counting them inside the write, after the revocation.
 */
export function sessionsRevokedAudit(
  target: { id: string; tenantId: string },
  actor: AuditInput['actor'],
  revokeReason: string,
  reason: string,
): AuditInput {
  return {
    tenantId: target.tenantId,
    event: 'authn_token_revoked',
    actor,
    targetId: target.id,
    outcome: 'success',
    reason,
    details: computeDetails({ sessionsRevoked: countRevokedSessions(target.id, revokeReason) }),
  }
}

/**
 * The one atomic write of a password change, whoever makes it (an admin's reset, the forced
 * change, the user's own change): the user's new hash and credential version, their sessions
 * revoked, their open forgot-password requests closed if asked, the sign-in lock cleared, audit.
 * The user's update comes first, guarded on the row as read; everything after it is guarded on the
 * new credential, so a write that lost a race to another change changes nothing at all. Its steps
 * `user` (1, or 0 for a lost race) and `sessionsRevoked` (the sessions ended) are named.
 */
export function credentialChangedStatements<N extends string = never>(
  deps: Deps,
  change: CredentialChange<N>,
): Step<N | 'user' | 'sessionsRevoked'>[] {
  const { user, credential } = change
  const now = deps.clock.now()
  return [
    named('user', userUpdateStatement(deps, change)),
    named(
      'sessionsRevoked',
      revokeUserSessions(deps.database.db, user.id, {
        ...change.revokeSessions,
        now,
        guard: credential.guard,
      }),
    ),
    // Every app signed in as the user ends too: a new password leaves no old sign-in standing.
    ...endAppGrants(deps, { userId: user.id }, change.revokeSessions.reason, credential.guard),
    ...(change.closeRequests === null
      ? []
      : [
          closeOpenResetRequests(
            deps.database.db,
            user.id,
            { reason: change.closeRequests, now },
            credential.guard,
          ),
        ]),
    // Whoever changed the password has proven their right to the account: its failure count
    // starts over, and an admin's reset is never left unusable behind a lock.
    clearAccountThrottle(deps, throttleKeys(user.email, null).account, credential.guard),
    ...(change.statements ?? []),
    ...change.audit.map((entry) => auditStatement(deps, change.meta, entry, credential.guard)),
  ]
}

function userUpdateStatement(deps: Deps, change: CredentialChange<string>): Statement {
  const values = {
    ...change.set,
    passwordHash: change.passwordHash,
    credentialVersion: change.credential.version,
    credentialId: change.credential.id,
  }
  return updateUserCredential(deps.database.db, change.user.id, values, change.unchanged)
}
