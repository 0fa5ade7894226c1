import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteDatabase, type SqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'

// Group commit on the writer thread: writes that arrive together share one transaction and one
// fsync, and each is still all-or-nothing on its own.
let dir: string
let database: SqliteDatabase
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oncepass-group-'))
  database = openSqliteDatabase(join(dir, 'db.sqlite'), { writerThread: true })
})
afterEach(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

const tenant = (id: string) =>
  sql`insert into tenants (id, name, created_at) values (${id}, ${`Tenant ${id}`}, 0)`

describe('group commit', () => {
  it('commits concurrent writes; a failing one rolls back alone, wholly', async () => {
    await database.writeAtomically([tenant('taken')])
    const writes = Array.from({ length: 30 }, (_, i) =>
      i === 13
        ? // Its first statement would succeed; its second violates the primary key.
          database.writeAtomically([tenant('half-written'), tenant('taken')])
        : database.writeAtomically([tenant(`t${i}`)]),
    )
    const results = await Promise.allSettled(writes)
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1)
    expect(results[13]!.status).toBe('rejected')
    const rows = database.sqlite.prepare('select id from tenants order by id').all() as {
      id: string
    }[]
    expect(rows.map((row) => row.id)).not.toContain('half-written')
    expect(rows).toHaveLength(30)
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(
      Array.from({ length: 29 }, () => [1]),
    )
  })

  it('a later write of a group sees an earlier one, as it would one after another', async () => {
    const guarded = sql`insert into tenants (id, name, created_at) select 'second', 'Second', 0 where exists (select 1 from tenants where id = 'first')`
    const [first, second] = await Promise.all([
      database.writeAtomically([tenant('first')]),
      database.writeAtomically([guarded]),
    ])
    expect(first).toEqual([1])
    expect(second).toEqual([1])
  })
})
