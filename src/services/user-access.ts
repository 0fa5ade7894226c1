import { AppError } from '../core/errors.ts'
import { randomId } from '../core/random.ts'
import { decideUserAction, isAdminRole } from '../core/roles.ts'
import type { AuditEventName } from '../core/audit-codes.ts'
import { named, type Statement, userCredentialIs, writeSteps } from '../db/database.ts'
import { revokeUserSessions } from '../db/sessions.ts'
import { blockUserSignIn, findUserInTenant, unblockUserSignIn, type UserRow } from '../db/users.ts'
import { endAppGrants } from './app-grants.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import { sessionsRevokedAudit } from './credential-change.ts'
import type { Deps } from './deps.ts'
import { outboxStatement } from './outbox.ts'
import { recordRefusal } from './repeated-refusals.ts'
import { toUserView, type UserView } from './users.ts'

// What an admin does to a user's access besides the password: sign them out everywhere, block
// and unblock their sign-in. The reset's role matrix, never on oneself; every refusal audited;
// each change in one atomic write with its audit rows and the notice that tells the user.

type Refusal = 'user_sign_out_denied' | 'user_block_denied' | 'user_unblock_denied'

const REFUSALS = {
  'sign-out': 'user_sign_out_denied',
  block: 'user_block_denied',
  unblock: 'user_unblock_denied',
} as const satisfies Record<string, Refusal>

/**
 * The user an action's confirmation page is for, if the caller may take it: refused, and
 * audited, exactly as posting the action would be, before anything is offered.
 */
export async function prepareUserAction(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
  action: keyof typeof REFUSALS,
): Promise<UserView> {
  return toUserView(await findManagedUser(deps, actor, userId, meta, REFUSALS[action]))
}

/**
 * Ends every session and app grant of the user, audited, and tells them: the password stays.
 * Returns how many sessions were live.
 */
export async function signOutUser(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<{ sessionsRevoked: number }> {
  const target = await findManagedUser(deps, actor, userId, meta, REFUSALS['sign-out'])
  const now = deps.clock.now()
  const revokeReason = `admin_sign_out:${randomId(deps.random)}`
  const { sessionsRevoked } = await writeSteps(deps.database, [
    named(
      'sessionsRevoked',
      revokeUserSessions(deps.database.db, target.id, { reason: revokeReason, now }),
    ),
    ...endAppGrants(deps, { userId: target.id }, 'admin_sign_out'),
    auditStatement(deps, meta, sessionsRevokedAudit(target, actor, revokeReason, 'ADMIN_SIGN_OUT')),
    userNotice(deps, target, actor, 'signed_out_by_admin'),
  ])
  return { sessionsRevoked }
}

/**
 * Blocks the user's sign-in: the right password is then refused (SIGN_IN_BLOCKED), and every
 * session and app grant ends in the same write. Blocking a blocked user changes nothing.
 */
export async function blockSignIn(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<void> {
  const target = await findManagedUser(deps, actor, userId, meta, REFUSALS.block)
  if (target.blockedAt !== null) return
  const now = deps.clock.now()
  const credentialId = randomId(deps.random)
  // Everything after the block holds only if this write is the one that blocked.
  const guard = userCredentialIs(target.id, credentialId)
  const revokeReason = `sign_in_blocked:${randomId(deps.random)}`
  await deps.database.writeAtomically([
    blockUserSignIn(deps.database.db, target.id, { now, credentialId }),
    revokeUserSessions(deps.database.db, target.id, { reason: revokeReason, now, guard }),
    ...endAppGrants(deps, { userId: target.id }, 'sign_in_blocked', guard),
    changeAudit(deps, meta, actor, target, 'user_blocked', guard),
    auditStatement(
      deps,
      meta,
      sessionsRevokedAudit(target, actor, revokeReason, 'SIGN_IN_BLOCKED'),
      guard,
    ),
    userNotice(deps, target, actor, 'sign_in_blocked', guard),
  ])
}

/** Lets a blocked user sign in again with their password; an unblocked user changes nothing. */
export async function unblockSignIn(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
): Promise<void> {
  const target = await findManagedUser(deps, actor, userId, meta, REFUSALS.unblock)
  if (target.blockedAt === null) return
  const credentialId = randomId(deps.random)
  const guard = userCredentialIs(target.id, credentialId)
  await deps.database.writeAtomically([
    unblockUserSignIn(deps.database.db, target.id, credentialId),
    changeAudit(deps, meta, actor, target, 'user_unblocked', guard),
    userNotice(deps, target, actor, 'sign_in_unblocked', guard),
  ])
}

/**
 * The user of the caller's tenant the caller may act on, or a refusal, audited (repeats once per
 * window): a non-admin, another tenant's or a missing user, a role the caller may not manage, or
 * the caller's own account.
 */
async function findManagedUser(
  deps: Deps,
  actor: Actor,
  userId: string,
  meta: RequestMeta,
  refusal: Refusal,
): Promise<UserRow> {
  const deny = async (code: 'FORBIDDEN_ROLE' | 'NOT_FOUND' | 'CANNOT_MANAGE_SELF') => {
    await recordRefusal(deps, meta, {
      tenantId: actor.tenantId,
      event: refusal,
      actor,
      targetId: userId,
      outcome: 'denied',
      reason: code,
    })
    return new AppError(code)
  }
  // A non-admin gets the same 403 whether or not the target exists.
  if (!isAdminRole(actor.role)) throw await deny('FORBIDDEN_ROLE')
  const target = await findUserInTenant(deps.database.db, actor.tenantId, userId)
  if (!target) throw await deny('NOT_FOUND')
  const decision = decideUserAction(actor, target)
  if (decision !== 'allowed') throw await deny(decision)
  return target
}

function changeAudit(
  deps: Deps,
  meta: RequestMeta,
  actor: Actor,
  target: UserRow,
  event: Extract<AuditEventName, 'user_blocked' | 'user_unblocked'>,
  guard: ReturnType<typeof userCredentialIs>,
): Statement {
  const entry = { tenantId: target.tenantId, event, actor, targetId: target.id }
  return auditStatement(deps, meta, { ...entry, outcome: 'success' }, guard)
}

/** The user is told at their account's email, in their own language, who did it and when. */
function userNotice(
  deps: Deps,
  target: UserRow,
  actor: Actor,
  kind: 'signed_out_by_admin' | 'sign_in_blocked' | 'sign_in_unblocked',
  guard?: ReturnType<typeof userCredentialIs>,
): Statement {
  const notice = {
    kind,
    to: target.email,
    language: target.language,
    at: deps.clock.now(),
    adminName: actor.displayName,
  }
  return outboxStatement(deps, target.tenantId, notice, guard)
}
