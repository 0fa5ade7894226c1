import { DrizzleQueryError } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { loggableError } from '../../src/http/problem.ts'

describe('an unexpected error in the log', () => {
  it("keeps a failed query's SQL and the database's error, never its parameters", () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g'
    const error = new DrizzleQueryError(
      'update "users" set "password_hash" = ? where "email" = ?',
      [hash, 'ann@example.com'],
      new Error('D1_ERROR: database is locked'),
    )
    const logged = JSON.stringify(loggableError(error))
    expect(logged).toContain('update \\"users\\" set \\"password_hash\\" = ?')
    expect(logged).toContain('D1_ERROR: database is locked')
    expect(logged).toContain('params: (not logged)')
    expect(logged).not.toContain(hash)
    expect(logged).not.toContain('ann@example.com')
  })

  it('names what was thrown when it is not an Error, without its contents', () => {
    expect(loggableError('ann@example.com hunter2')).toBe('string')
    expect(loggableError({ password: 'hunter2' })).toBe('object')
  })
})
