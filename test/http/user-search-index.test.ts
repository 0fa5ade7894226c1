import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SEARCH_HITS_SORTED, SEARCH_ROWS_READ } from '../../src/services/users.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

type Admin = Awaited<ReturnType<TestApp['seedTenant']>>

async function addUser(admin: Admin, email: string, displayName: string) {
  const created = await t.post(
    'users',
    { email, displayName, role: 'user' },
    { token: admin.accessToken },
  )
  expect(created.status, created.text).toBe(201)
}

async function search(admin: Admin, term: string, limit = 50) {
  const res = await t.get(
    `users?limit=${limit}&search=${encodeURIComponent(term)}`,
    admin.accessToken,
  )
  expect(res.status, res.text).toBe(200)
  return res.json.items.map((u: { email: string }) => u.email) as string[]
}

/** Every page of a search, following nextCursor to the end; the emails and the page sizes. */
async function allPages(admin: Admin, term: string, limit: number) {
  const emails: string[] = []
  const sizes: number[] = []
  let cursor: string | null = null
  do {
    const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    const res = await t.get(
      `users?limit=${limit}&search=${encodeURIComponent(term)}${after}`,
      admin.accessToken,
    )
    expect(res.status, res.text).toBe(200)
    emails.push(...res.json.items.map((u: { email: string }) => u.email))
    sizes.push(res.json.items.length)
    cursor = res.json.nextCursor
  } while (cursor && sizes.length < 200)
  return { emails, sizes }
}

/**
 * `count` users of the tenant inserted straight into the database (one statement, so the search
 * index is filled by the same triggers as for users created through the API): emails
 * `<tag>-00001@<domain>`, display names `Bulk <n>`.
 */
async function insertUsers(tenantId: string, count: number, tag: string, domain = 'bulk.test') {
  await t.run(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into users (id, tenant_id, email, display_name, role, password_hash, credential_id,
       must_change_password, created_at, search_key)
     select ? || i, ?, email, 'Bulk ' || i, 'user', 'not-a-hash', 'c' || i, 1, 0,
       -- The key as the app folds it (see core/search-text.ts), without the word starts.
       char(10) || 'bulk ' || i || char(10) || email
     from (select i, ? || '-' || printf('%05d', i) || '@' || ? as email from n)`,
    count,
    `bulk-${tag}-${domain}-`,
    tenantId,
    tag,
    domain,
  )
}

describe('user search', () => {
  it('finds a substring of the email or the display name, in any case, ordered by email', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'alice.smith@example.com', 'Alice Smith')
    await addUser(admin, 'bob@smithery.test', 'Bob Jones')
    await addUser(admin, 'carol@example.com', 'Carol Blacksmith')
    await addUser(admin, 'dave@example.com', 'Dave Brown')

    expect(await search(admin, 'SMITH')).toEqual([
      'alice.smith@example.com',
      'bob@smithery.test',
      'carol@example.com',
    ])
    expect(await search(admin, 'ice.sm')).toEqual(['alice.smith@example.com'])
    expect(await search(admin, 'e brow')).toEqual(['dave@example.com'])
    expect(await search(admin, 'nobody')).toEqual([])
  })

  it('matches one or two characters at the start of any word of the name or email', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'eve@example.com', 'Eve')
    await addUser(admin, 'steve@example.com', 'Steve')
    await addUser(admin, 'a.evans@example.com', 'Ann Evans')
    await addUser(admin, 'orjan.ek@example.com', 'Örjan Ek')
    expect(await search(admin, 'EV')).toEqual(['a.evans@example.com', 'eve@example.com'])
    expect(await search(admin, 's')).toEqual(['steve@example.com'])
    expect(await search(admin, 've')).toEqual([])
    expect(await search(admin, 'Ör')).toEqual(['orjan.ek@example.com'])
    expect(await search(admin, 'ek')).toEqual(['orjan.ek@example.com'])
  })

  it('folds case in every script, and NFKC, on both sides: Nordic and accented names', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'asa.oberg@example.com', 'Åsa Öberg')
    await addUser(admin, 'soren@example.com', 'Søren Møller')
    await addUser(admin, 'mette@example.com', 'Mette Østergaard')
    await addUser(admin, 'jose@example.com', 'José Núñez')
    await addUser(admin, 'marjolein@example.com', 'Marjolein de Vries')
    await addUser(admin, 'anna.jansen@example.com', 'Anna Jansen')
    await addUser(admin, 'strasse@example.com', 'Erika Straße')
    await addUser(admin, 'eleni@example.com', 'ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ')
    for (const [term, expected] of [
      ['åsa', ['asa.oberg@example.com']],
      ['ÅSA ÖBERG', ['asa.oberg@example.com']],
      ['östen', []],
      ['MØLLER', ['soren@example.com']],
      ['østergaard', ['mette@example.com']],
      ['ØSTERGAARD', ['mette@example.com']],
      ['NÚÑEZ', ['jose@example.com']],
      ['jo', ['jose@example.com']],
      ['Jansen Anna', ['anna.jansen@example.com']],
      ['vries de marjolein', ['marjolein@example.com']],
      ['STRASSE', ['strasse@example.com']],
      ['straße', ['strasse@example.com']],
      ['ＡＮＮＡ', ['anna.jansen@example.com']],
      ['παπαδοπουλου', ['eleni@example.com']],
      ['ελένη', []],
      ['Åsa Jansen', []],
    ] as const) {
      expect(await search(admin, term), term).toEqual(expected)
    }
  })

  it('refuses a term with a NUL or another control character (400), never a 500', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'ann@example.com', 'Ann')
    for (const term of ['a\u0000b', 'ann\u0000', '\u0000', 'an\nn']) {
      const res = await t.get(`users?search=${encodeURIComponent(term)}`, admin.accessToken)
      expect(res.status, JSON.stringify(term)).toBe(400)
      expect(res.json.code).toBe('VALIDATION_FAILED')
    }
  })

  it("never returns another tenant's users, for rare and for common terms", async () => {
    const acme = await t.seedTenant('Acme')
    const globex = await t.seedTenant('Globex')
    await addUser(acme, 'shared-name@acme.test', 'Pat Shared')
    await addUser(globex, 'shared-name@globex.test', 'Pat Shared')
    expect(await search(acme, 'shared')).toEqual(['shared-name@acme.test'])
    expect(await search(globex, 'pat shared')).toEqual(['shared-name@globex.test'])
    expect(await search(acme, 'globex')).toEqual([])
    expect(await search(globex, 'admin')).toEqual(['admin-globex@example.com'])

    // A term common enough in another tenant that it is no longer answered from its hits.
    await insertUsers(globex.tenantId, SEARCH_HITS_SORTED + 10, 'common')
    await insertUsers(acme.tenantId, 3, 'common', 'acme.test')
    const acmeCommon = await allPages(acme, 'common', 50)
    expect(acmeCommon.emails).toEqual([
      'common-00001@acme.test',
      'common-00002@acme.test',
      'common-00003@acme.test',
    ])
    const globexCommon = await allPages(globex, 'common', 100)
    expect(globexCommon.emails).toHaveLength(SEARCH_HITS_SORTED + 10)
    expect(globexCommon.emails.every((email) => email.endsWith('@bulk.test'))).toBe(true)
  })

  it('treats _ % \\ quotes and full-text query syntax as plain characters', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'first_last@example.com', 'First Last')
    await addUser(admin, 'firstxlast@example.com', 'Firstx Last')
    await addUser(admin, 'percent@example.com', '100% sure')
    await addUser(admin, 'quotes@example.com', `Dan "the man" O'Neil`)
    await addUser(admin, 'slash@example.com', 'Back\\slash')
    await addUser(admin, 'ops@example.com', 'Ops NEAR team OR not')

    expect(await search(admin, 'first_last')).toEqual(['first_last@example.com'])
    expect(await search(admin, 't_l')).toEqual(['first_last@example.com'])
    expect(await search(admin, '0% s')).toEqual(['percent@example.com'])
    expect(await search(admin, '%%%')).toEqual([])
    expect(await search(admin, '"the man"')).toEqual(['quotes@example.com'])
    expect(await search(admin, `o'neil`)).toEqual(['quotes@example.com'])
    expect(await search(admin, '"')).toEqual([])
    expect(await search(admin, 'k\\s')).toEqual(['slash@example.com'])
    expect(await search(admin, 'near team or')).toEqual(['ops@example.com'])
    for (const syntax of ['a OR b', 'NEAR(a b)', 'email:x', '*', '-foo', '^abc', '(((', '""""']) {
      expect(await search(admin, syntax), syntax).toEqual([])
    }
  })

  it('pages through a rare term by cursor without gaps or repeats', async () => {
    const admin = await t.seedTenant()
    for (const name of ['ann', 'bea', 'cid', 'dot', 'eli']) {
      await addUser(admin, `${name}@team.test`, `${name} teammate`)
    }
    await addUser(admin, 'zed@example.com', 'Zed Outsider')
    const { emails, sizes } = await allPages(admin, 'team', 2)
    expect(emails).toEqual([
      'ann@team.test',
      'bea@team.test',
      'cid@team.test',
      'dot@team.test',
      'eli@team.test',
    ])
    expect(sizes).toEqual([2, 2, 1])
  })

  it('pages through a common term, each page reading a bounded stretch of the tenant', async () => {
    const admin = await t.seedTenant()
    // Many matches first, then a stretch without any, then one more match at the very end.
    await insertUsers(admin.tenantId, SEARCH_HITS_SORTED + 10, 'match')
    await insertUsers(admin.tenantId, 2 * SEARCH_ROWS_READ + 10, 'other')
    await addUser(admin, 'zz-match@bulk.test', 'Last')
    const all = await allPages(admin, 'match', 100)
    expect(all.emails).toHaveLength(SEARCH_HITS_SORTED + 11)
    expect(all.emails.at(-1)).toBe('zz-match@bulk.test')
    expect(new Set(all.emails).size).toBe(all.emails.length)
    expect([...all.emails].sort()).toEqual(all.emails)
    // The stretch without matches is crossed by pages that say so with a cursor, not by one scan.
    expect(all.sizes).toContain(0)
  })
})
