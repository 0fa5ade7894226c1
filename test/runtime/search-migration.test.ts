import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { foldForSearch } from '../../src/core/search-text.ts'

// The console migration fills the search keys of the users already there in SQL alone (the app
// writes every later one), and rebuilds the trigram index over them.

const DRIZZLE = resolve(import.meta.dirname, '../../drizzle')
const journal = JSON.parse(readFileSync(join(DRIZZLE, 'meta/_journal.json'), 'utf8')) as {
  entries: { tag: string }[]
}
const CONSOLE = journal.entries.findIndex((entry) => entry.tag.endsWith('_console'))

function apply(db: Database.Database, tag: string) {
  const text = readFileSync(join(DRIZZLE, `${tag}.sql`), 'utf8')
  for (const statement of text.split('--> statement-breakpoint')) db.exec(statement)
}

function databaseBeforeConsole() {
  const db = new Database(':memory:')
  for (const entry of journal.entries.slice(0, CONSOLE)) apply(db, entry.tag)
  db.exec(`insert into tenants (id, name, created_at) values ('t1', 'Acme', 0)`)
  const insert = db.prepare(`insert into users (id, tenant_id, email, display_name, role,
    password_hash, credential_id, must_change_password, created_at)
    values (?, 't1', ?, ?, 'user', 'h', ?, 0, 0)`)
  for (const [id, email, name] of [
    ['u1', 'asa.oberg@example.com', 'ÅSA ÖBERG'],
    ['u2', 'soren@example.com', 'Søren MØLLER'],
    ['u3', 'eleni@example.com', 'ΕΛΕΝΗ Ivanova ДМИТРИЙ'],
  ]) {
    insert.run(id, email, name, `c${id}`)
  }
  return db
}

const hits = (db: Database.Database, needle: string) =>
  db
    .prepare(`select user_id from users_search where users_search match ? order by user_id`)
    .pluck()
    .all(`"${needle}"`)

describe('the console migration', () => {
  it('folds the existing names as the app does for Latin, Greek and Cyrillic capitals', () => {
    const db = databaseBeforeConsole()
    apply(db, journal.entries[CONSOLE]!.tag)
    const keys = db.prepare('select id, search_key from users order by id').all() as {
      id: string
      search_key: string
    }[]
    expect(keys.map((row) => row.search_key)).toEqual([
      `\n${foldForSearch('ÅSA ÖBERG')}\nasa.oberg@example.com`,
      `\n${foldForSearch('Søren MØLLER')}\nsoren@example.com`,
      `\n${foldForSearch('ΕΛΕΝΗ Ivanova ДМИТРИЙ')}\neleni@example.com`,
    ])
    expect(hits(db, 'åsa')).toEqual(['u1'])
    expect(hits(db, 'møller')).toEqual(['u2'])
    expect(hits(db, 'дмитрий')).toEqual(['u3'])
    expect(hits(db, '\nsø')).toEqual(['u2'])
    // New users are indexed by the trigger, from the key the app computed.
    db.exec(`insert into users (id, tenant_id, email, display_name, role, password_hash,
      credential_id, must_change_password, created_at, search_key)
      values ('u4', 't1', 'new@example.com', 'New', 'user', 'h', 'c4', 0, 0, '\nnew\nnew@example.com')`)
    expect(hits(db, 'new@')).toEqual(['u4'])
    db.close()
  })

  it('can be applied to a database whose search index was already dropped or rebuilt', () => {
    const db = databaseBeforeConsole()
    db.exec('drop table users_search')
    apply(db, journal.entries[CONSOLE]!.tag)
    expect(hits(db, 'öberg')).toEqual(['u1'])
    db.close()
  })
})
