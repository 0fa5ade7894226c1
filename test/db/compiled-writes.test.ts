import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import {
  insertExchangedGrant,
  insertExchangedRefreshToken,
  insertSuccessorRefreshToken,
  rotateAppRefreshToken,
} from '../../src/db/app-grants.ts'
import { insertAuditEvent } from '../../src/db/audit-events.ts'
import {
  deleteExpiredCodes,
  insertAuthorizationCode,
  markCodeUsed,
} from '../../src/db/authorization-codes.ts'
import { BoundWrite, compiledWrite, type Statement, toQuery } from '../../src/db/database.ts'
import { sql } from 'drizzle-orm'

const plain = (statement: Statement) => new SQLiteSyncDialect().sqlToQuery(statement.getSQL())

const refreshToken = { tokenHash: 'h2', grantId: 'g1', issuedAt: 10, expiresAt: 20 }
const held = { codeHash: 'c1', credentialId: 'cred1' }

// Every compiled write of the app, with values of each kind it takes (booleans, nulls included).
const writes: Record<string, Statement> = {
  rotateAppRefreshToken: rotateAppRefreshToken({ tokenHash: 'h1', replacedBy: 'h2', now: 10 }),
  insertSuccessorRefreshToken: insertSuccessorRefreshToken({ ...refreshToken, replaces: 'h1' }),
  insertExchangedGrant: insertExchangedGrant({
    id: 'g1',
    tenantId: 't1',
    clientId: 'app1',
    userId: 'u1',
    browserSessionId: 's1',
    scope: 'openid email',
    authTime: 5,
    mfa: true,
    credentialVersion: 3,
    createdAt: 10,
    expiresAt: 99,
    ...held,
  }),
  insertExchangedRefreshToken: insertExchangedRefreshToken({
    ...refreshToken,
    ...held,
    userId: 'u1',
  }),
  markCodeUsed: markCodeUsed({ codeHash: 'c1', grantId: 'g1', now: 10 }),
  insertAuthorizationCode: insertAuthorizationCode({
    codeHash: 'c1',
    clientId: 'app1',
    tenantId: 't1',
    userId: 'u1',
    browserSessionId: 's1',
    redirectUri: 'https://app.example/cb',
    codeChallenge: 'x'.repeat(43),
    scope: 'openid',
    nonce: null,
    authTime: 5,
    mfa: false,
    createdAt: 10,
    expiresAt: 70,
  }),
  deleteExpiredCodes: deleteExpiredCodes({ before: 10 }),
  insertAuditEvent: insertAuditEvent({
    id: 'a1',
    tenantId: 't1',
    at: 10,
    event: 'app_sign_in',
    actorId: 'u1',
    actorRole: 'user',
    targetId: 'u1',
    outcome: 'success',
    reason: null,
    requestId: 'r1',
    ip: null,
    details: { clientId: 'app1' },
  }),
}

describe('compiled writes', () => {
  it.each(Object.entries(writes))(
    '%s runs the SQL and parameters its plain build gives',
    (_, write) => {
      expect(write).toBeInstanceOf(BoundWrite)
      expect(toQuery(write)).toEqual({ sql: plain(write).sql, params: plain(write).params })
    },
  )

  it('bind each call its own values: the compiled text is shared, the parameters are not', () => {
    const first = toQuery(markCodeUsed({ codeHash: 'a', grantId: 'g', now: 1 }))
    const second = toQuery(markCodeUsed({ codeHash: 'b', grantId: 'h', now: 2 }))
    expect(second.sql).toBe(first.sql)
    expect(first.params).toEqual([1, 'g', 'a', 1])
    expect(second.params).toEqual([2, 'h', 'b', 2])
  })

  it('map values as their columns store them (a boolean as 0 or 1)', () => {
    const { params } = toQuery(writes.insertExchangedGrant!)
    expect(params).toContain(1)
    expect(params).not.toContain(true)
  })

  it('refuse a call without a value its placeholders need', () => {
    const write = compiledWrite((v: { a: number; b?: number }) => sql`select ${v.a}, ${v.b}`)
    expect(() => toQuery(write({ a: 1 }))).toThrow(/placeholder "b"/)
  })

  it('refuse a build that lists its values instead of reading them by name', () => {
    const write = compiledWrite((v: { a: number }) => sql`select ${Object.values(v)}`)
    expect(() => write({ a: 1 })).toThrow(/by name/)
  })

  it('leave an audit row with a guard or an SQL detail to the plain build', () => {
    const row = {
      id: 'a1',
      at: 1,
      event: 'app_sign_in',
      outcome: 'success' as const,
      details: sql`json_object('count', 1)`,
    }
    expect(insertAuditEvent(row)).not.toBeInstanceOf(BoundWrite)
  })
})
