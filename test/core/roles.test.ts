import { describe, expect, it } from 'vitest'
import { canCreateUsers, decidePasswordReset, isAdminRole, roles } from '../../src/core/roles.ts'

describe('roles', () => {
  it('two admin roles; a user is none', () => {
    expect(roles.filter(isAdminRole)).toEqual(['global_admin', 'password_admin'])
  })

  it('only a global admin creates users', () => {
    expect(roles.filter(canCreateUsers)).toEqual(['global_admin'])
  })

  it('names the reason an admin may not reset themselves, whatever their role', () => {
    for (const role of ['global_admin', 'password_admin'] as const) {
      expect(decidePasswordReset({ id: 'a', role }, { id: 'a', role })).toBe('CANNOT_RESET_SELF')
    }
    // A user is refused for the role first: no hint that the target is themselves.
    expect(decidePasswordReset({ id: 'a', role: 'user' }, { id: 'a', role: 'user' })).toBe(
      'FORBIDDEN_ROLE',
    )
  })
})
