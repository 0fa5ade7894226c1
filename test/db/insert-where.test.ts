import { sql } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { insertWhere, userCredentialIs } from '../../src/db/database.ts'
import { sessions, users } from '../../src/db/schema.ts'

// A row with only some columns: insertWhere writes what it is given.
const partial = (row: Record<string, unknown>) => row as any

const compile = (statement: ReturnType<typeof insertWhere>) =>
  new SQLiteSyncDialect().sqlToQuery(statement)

describe('insertWhere', () => {
  it('builds INSERT … SELECT … WHERE with the columns given, values bound as parameters', () => {
    const row = { id: 's1', userId: 'u1', credentialVersion: 2, createdAt: 5, expiresAt: 9 }
    const query = compile(insertWhere(sessions, row, userCredentialIs('u1', 'c1')))
    expect(query.sql).toBe(
      'insert into "sessions" ("id", "user_id", "credential_version", "created_at", "expires_at") ' +
        'select ?, ?, ?, ?, ? where exists (select 1 from "users" where "users"."id" = ? and "users"."credential_id" = ?)',
    )
    expect(query.params).toEqual(['s1', 'u1', 2, 5, 9, 'u1', 'c1'])
  })

  it('keeps each call its own: other columns, undefined left out, SQL values inline, drivers mapped', () => {
    const first = compile(
      insertWhere(
        sessions,
        partial({ id: 'a', userId: 'u', ip: undefined, createdAt: 1 }),
        sql`1 = 1`,
      ),
    )
    expect(first.sql).toBe(
      'insert into "sessions" ("id", "user_id", "created_at") select ?, ?, ? where 1 = 1',
    )
    const second = compile(
      insertWhere(
        users,
        partial({ id: 'x', mustChangePassword: true, createdAt: sql`(select 7)` }),
        sql`1 = 1`,
      ),
    )
    expect(second.sql).toBe(
      'insert into "users" ("id", "must_change_password", "created_at") select ?, ?, (select 7) where 1 = 1',
    )
    // A boolean column stores 1, as drizzle's own insert would.
    expect(second.params).toEqual(['x', 1])
  })
})
