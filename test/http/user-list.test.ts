import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { COUNT_CAP, SEARCH_ROWS_READ } from '../../src/services/users.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The users list as admins page through it: forwards and back, by email or by name, narrowed by
// role, password state and two-step verification, with its size.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

type Admin = Awaited<ReturnType<TestApp['seedTenant']>>

async function addUser(admin: Admin, email: string, displayName: string, role = 'user') {
  const created = await t.post('users', { email, displayName, role }, { token: admin.accessToken })
  expect(created.status, created.text).toBe(201)
  return created.json.user.id as string
}

async function list(admin: Admin, query: string) {
  const res = await t.get(`users?${query}`, admin.accessToken)
  expect(res.status, res.text).toBe(200)
  return res.json as {
    items: { email: string; displayName: string }[]
    nextCursor: string | null
    previousCursor: string | null
    total: { count: number; exact: boolean } | null
  }
}

/** Every page forwards from the first, then every page back from the last. */
async function bothWays(admin: Admin, query: string) {
  const forwards: string[][] = []
  let page = await list(admin, query)
  forwards.push(page.items.map((u) => u.email))
  while (page.nextCursor) {
    page = await list(admin, `${query}&cursor=${page.nextCursor}`)
    forwards.push(page.items.map((u) => u.email))
  }
  const backwards: string[][] = [page.items.map((u) => u.email)]
  while (page.previousCursor) {
    page = await list(admin, `${query}&cursor=${page.previousCursor}`)
    backwards.unshift(page.items.map((u) => u.email))
  }
  return { forwards, backwards }
}

describe('the users list', () => {
  it('pages forwards and back by email, with a total, and the first page has no previous', async () => {
    const admin = await t.seedTenant()
    for (const name of ['amy', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus']) {
      await addUser(admin, `${name}@example.com`, name)
    }
    const first = await list(admin, 'limit=3')
    expect(first.previousCursor).toBeNull()
    expect(first.total).toEqual({ count: 8, exact: true })
    const { forwards, backwards } = await bothWays(admin, 'limit=3')
    expect(forwards.flat()).toEqual([
      'admin-acme@example.com',
      ...['amy', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus'].map((n) => `${n}@example.com`),
    ])
    expect(forwards.map((p) => p.length)).toEqual([3, 3, 2])
    expect(backwards).toEqual(forwards)
  })

  it('sorts by name, case-folded, and pages that order both ways too', async () => {
    const admin = await t.seedTenant()
    await addUser(admin, 'z@example.com', 'anna Zeeman')
    await addUser(admin, 'y@example.com', 'Bo')
    await addUser(admin, 'x@example.com', 'ÅSA')
    await addUser(admin, 'w@example.com', 'Anna')
    await addUser(admin, 'v@example.com', 'BO')
    const query = 'limit=2&sort=name&search=example'
    const { forwards, backwards } = await bothWays(admin, query)
    // Folded names in code-point order; the email tells equal names apart.
    expect(forwards.flat()).toEqual([
      'admin-acme@example.com',
      'w@example.com',
      'z@example.com',
      'v@example.com',
      'y@example.com',
      'x@example.com',
    ])
    expect(backwards).toEqual(forwards)
    // A cursor of one order is no cursor of the other.
    const page = await list(admin, query)
    const mixed = await t.get(`users?limit=2&cursor=${page.nextCursor}`, admin.accessToken)
    expect(mixed.status).toBe(400)
  })

  it('narrows by role, by password state and by two-step verification, with a search', async () => {
    const admin = await t.seedTenant()
    const helper = await t.seedUser(admin.accessToken, 'password_admin', 'help@example.com')
    await addUser(admin, 'new.anna@example.com', 'Anna New')
    await addUser(admin, 'new.bob@example.com', 'Bob New', 'password_admin')
    const emails = async (query: string) => (await list(admin, query)).items.map((u) => u.email)
    expect(await emails('role=password_admin')).toEqual(['help@example.com', 'new.bob@example.com'])
    expect(await emails('mustChange=true')).toEqual(['new.anna@example.com', 'new.bob@example.com'])
    expect(await emails('mustChange=false')).toEqual(['admin-acme@example.com', helper.email])
    expect(await emails('mustChange=true&role=password_admin&search=new')).toEqual([
      'new.bob@example.com',
    ])
    expect(await emails('mfaEnrolled=true')).toEqual([])
    expect((await emails('mfaEnrolled=false')).length).toBe(4)
    expect((await list(admin, 'mustChange=true')).total).toEqual({ count: 2, exact: true })
    for (const bad of ['mustChange=yes', 'role=owner', 'sort=role', 'mfaEnrolled=1']) {
      expect((await t.get(`users?${bad}`, admin.accessToken)).status, bad).toBe(400)
    }
  })

  it('crosses a large tenant a bounded stretch at a time, and counts no further than its cap', async () => {
    const admin = await t.seedTenant()
    await t.run(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
       insert into users (id, tenant_id, email, display_name, role, password_hash, credential_id,
         must_change_password, created_at, search_key)
       select 'bulk' || i, ?, email, 'Bulk ' || i, 'user', 'h', 'c' || i, 0, 0,
         char(10) || 'bulk ' || i || char(10) || email
       from (select i, 'bulk-' || printf('%05d', i) || '@bulk.test' as email from n)`,
      COUNT_CAP + 5,
      admin.tenantId,
    )
    await addUser(admin, 'zz-last@example.com', 'Last One', 'password_admin')
    expect((await list(admin, 'limit=5')).total).toEqual({ count: COUNT_CAP, exact: false })
    // A rare role: each page reads at most SEARCH_ROWS_READ users, then says where it stopped.
    const pages: number[] = []
    let page = await list(admin, 'limit=5&role=password_admin')
    expect(page.total).toBeNull()
    pages.push(page.items.length)
    while (page.nextCursor && pages.length < 10) {
      page = await list(admin, `limit=5&role=password_admin&cursor=${page.nextCursor}`)
      pages.push(page.items.length)
    }
    expect(page.items.map((u) => u.email)).toEqual(['zz-last@example.com'])
    expect(pages.length).toBe(Math.ceil((COUNT_CAP + 7) / SEARCH_ROWS_READ))
    // A rare search term is still counted exactly, from its index hits.
    expect((await list(admin, 'search=last one')).total).toEqual({ count: 1, exact: true })
  })
})
