import { describe, expect, it } from 'vitest'
import { decidePasswordReset } from '../../src/core/roles.ts'
import { lockDurationMs } from '../../src/core/throttle.ts'

describe('lockDurationMs', () => {
  const policy = { freeFailures: 5, baseSeconds: 30, maxSeconds: 900 }
  it.each([
    [4, 0],
    [5, 30_000],
    [6, 60_000],
    [9, 480_000],
    [10, 900_000],
    [1000, 900_000],
  ])('%i failures lock for %i ms', (failures, ms) => {
    expect(lockDurationMs(failures, policy)).toBe(ms)
  })
})

describe('decidePasswordReset (the role matrix)', () => {
  const roles = ['global_admin', 'password_admin', 'user'] as const
  const expected: Record<string, Record<string, string>> = {
    global_admin: { global_admin: 'allowed', password_admin: 'allowed', user: 'allowed' },
    password_admin: { global_admin: 'FORBIDDEN_ROLE', password_admin: 'allowed', user: 'allowed' },
    user: {
      global_admin: 'FORBIDDEN_ROLE',
      password_admin: 'FORBIDDEN_ROLE',
      user: 'FORBIDDEN_ROLE',
    },
  }
  for (const actor of roles) {
    for (const target of roles) {
      it(`${actor} → ${target}: ${expected[actor]![target]}`, () => {
        expect(decidePasswordReset({ id: 'a', role: actor }, { id: 'b', role: target })).toBe(
          expected[actor]![target],
        )
      })
    }
    it(`${actor} → self is never allowed`, () => {
      expect(decidePasswordReset({ id: 'a', role: actor }, { id: 'a', role: actor })).not.toBe(
        'allowed',
      )
    })
  }
})
