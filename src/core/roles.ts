export const roles = ['global_admin', 'password_admin', 'user'] as const
export type Role = (typeof roles)[number]

export function isAdminRole(role: Role): boolean {
  return role === 'global_admin' || role === 'password_admin'
}

export type ResetDecision = 'allowed' | 'CANNOT_RESET_SELF' | 'FORBIDDEN_ROLE'

/**
 * Who may reset whose password (the Entra ID model): a global admin anyone in the tenant, a
 * password admin only users and other password admins, nobody themselves through the admin path.
 * Tenant isolation is checked before this, by lookup: another tenant's user is simply not found.
 *
 * @example
 * decidePasswordReset({ id: 'a', role: 'password_admin' }, { id: 'b', role: 'global_admin' })
 * // 'FORBIDDEN_ROLE'
 */
export function decidePasswordReset(
  actor: { id: string; role: Role },
  target: { id: string; role: Role },
): ResetDecision {
  if (!isAdminRole(actor.role)) return 'FORBIDDEN_ROLE'
  if (actor.id === target.id) return 'CANNOT_RESET_SELF'
  if (actor.role === 'password_admin' && target.role === 'global_admin') return 'FORBIDDEN_ROLE'
  return 'allowed'
}

export type UserActionDecision = 'allowed' | 'CANNOT_MANAGE_SELF' | 'FORBIDDEN_ROLE'

/**
 * Who may sign a user out everywhere, block or unblock their sign-in: the reset's matrix (a global
 * admin anyone in the tenant, a password admin users and password admins), never oneself.
 */
export function decideUserAction(
  actor: { id: string; role: Role },
  target: { id: string; role: Role },
): UserActionDecision {
  const decision = decidePasswordReset(actor, target)
  return decision === 'CANNOT_RESET_SELF' ? 'CANNOT_MANAGE_SELF' : decision
}

/** Only a global admin creates users or grants roles. */
export function canCreateUsers(role: Role): boolean {
  return role === 'global_admin'
}

/** Only a tenant's global admins register, change and remove the apps that sign in through it. */
export function canManageApps(role: Role): boolean {
  return role === 'global_admin'
}
