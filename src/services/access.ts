import { AppError } from '../core/errors.ts'
import { canCreateUsers, canManageApps, isAdminRole } from '../core/roles.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { recordRefusal } from './repeated-refusals.ts'

/** What a caller asked an admin use case for, as its refusal's audit row names it. */
export interface AdminAccess {
  /** A stable name of the use case, e.g. `users.list`. */
  action: string
  /** The user the request is about, if any. */
  targetId?: string
}

/**
 * Refuses a caller who is not an admin (`403 FORBIDDEN`), with an `access_denied` audit row. The
 * page and its API twin both come here through the same use case, so they leave the same row.
 * Recorded as repeated refusals are: once per window per caller, action and target, and a few
 * per caller in all, so a loop of refusals does not grow the audit table.
 */
export async function assertAdmin(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
  access: AdminAccess,
): Promise<void> {
  if (!isAdminRole(actor.role)) await refuseAccess(deps, actor, meta, access, 'FORBIDDEN')
}

/** Refuses a caller whose role may not add users (`403 FORBIDDEN_ROLE`), audited as above. */
export async function assertMayCreateUsers(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  if (canCreateUsers(actor.role)) return
  await refuseAccess(deps, actor, meta, { action: 'users.create' }, 'FORBIDDEN_ROLE')
}

/**
 * Refuses a caller whose role may not manage the tenant's apps (`403 FORBIDDEN_ROLE`), audited as
 * above, with `action` naming the use case (`apps.list`, `apps.create`, …).
 */
/**
 * Refuses a caller who is not an admin with `403 FORBIDDEN_ROLE` (the helpdesk's use cases name
 * the role), audited as `assertAdmin`'s refusals are.
 */
export async function assertAdminRole(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
  access: AdminAccess,
): Promise<void> {
  if (!isAdminRole(actor.role)) await refuseAccess(deps, actor, meta, access, 'FORBIDDEN_ROLE')
}

export async function assertMayManageApps(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
  access: Pick<AdminAccess, 'action'>,
): Promise<void> {
  if (canManageApps(actor.role)) return
  await refuseAccess(deps, actor, meta, access, 'FORBIDDEN_ROLE')
}

async function refuseAccess(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
  access: AdminAccess,
  code: 'FORBIDDEN' | 'FORBIDDEN_ROLE',
): Promise<never> {
  await recordRefusal(
    deps,
    meta,
    {
      tenantId: actor.tenantId,
      event: 'access_denied',
      actor,
      targetId: access.targetId ?? null,
      outcome: 'denied',
      reason: code,
      details: { action: access.action },
    },
    access.action,
  )
  throw new AppError(code)
}
