import type { Scope } from './scopes.ts'

/** How a user proved who they are (RFC 8176): the password, and the app's code when they have one. */
export function authenticationMethods(usedSecondFactor: boolean): string[] {
  return usedSecondFactor ? ['pwd', 'otp', 'mfa'] : ['pwd']
}

export interface UserClaimsSource {
  id: string
  tenantId: string
  email: string
  displayName: string
}

/**
 * What the scopes release about the user, beyond `sub` and `tid`: `email` (verified: an admin
 * created the account for that address, or the user received mail there) and `name`.
 */
export function userClaims(user: UserClaimsSource, scopes: readonly Scope[]) {
  return {
    sub: user.id,
    tid: user.tenantId,
    ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    ...(scopes.includes('profile') ? { name: user.displayName } : {}),
  }
}
