import { sql } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { type Database, named, writeSteps } from '../../src/db/database.ts'

const dialect = new SQLiteSyncDialect()

// A port that records the SQL it was given and answers with made-up change counts.
function fakeDatabase(changes: number[]) {
  const written: string[][] = []
  const database = {
    db: undefined as never,
    async writeAtomically(statements) {
      written.push(statements.map((statement) => dialect.sqlToQuery(statement.getSQL()).sql))
      return changes
    },
  } satisfies Database
  return { database, written }
}

describe('writeSteps', () => {
  it('writes every step, in order, as one write and returns the changes of the named ones', async () => {
    const { database, written } = fakeDatabase([1, 3, 0, 2])
    const changes = await writeSteps(database, [
      sql`a`,
      named('user', sql`b`),
      sql`c`,
      named('sessions', sql`d`),
    ])
    expect(changes).toEqual({ user: 3, sessions: 2 })
    expect(written).toEqual([['a', 'b', 'c', 'd']])
  })

  it('refuses two steps of one name before writing anything', async () => {
    const { database, written } = fakeDatabase([1, 1])
    await expect(
      writeSteps(database, [named('user', sql`a`), named('user', sql`b`)]),
    ).rejects.toThrow(/two steps named user/)
    expect(written).toEqual([])
  })
})
