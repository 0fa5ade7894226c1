import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../../src/core/cursor.ts'
import { AppError } from '../../src/core/errors.ts'

const isString = (value: unknown): value is string => typeof value === 'string'

describe('the paged-list cursor', () => {
  // Standard base64 of these positions holds `+` or `/` ('~>' and '?' end a 3-byte group).
  it.each(['zoë~>@example.com', 'a?b@example.com', 'ünïcødé ~~~ ???'])(
    'survives a real query string unescaped: %s',
    (position) => {
      const cursor = encodeCursor(position)
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      const url = new URL(`https://oncepass.test/api/v1/users?limit=2&cursor=${cursor}`)
      expect(decodeCursor(url.searchParams.get('cursor')!, isString)).toBe(position)
    },
  )

  it('refuses what it did not make, as VALIDATION_FAILED', () => {
    for (const bad of ['', 'not base64!', btoa('{"at":'), encodeCursor(42), '%%%', 'a b']) {
      expect(() => decodeCursor(bad, isString)).toThrow(AppError)
    }
  })
})
