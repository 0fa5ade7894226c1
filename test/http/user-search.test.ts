import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const emails = (response: { json: { items: { email: string }[] } }) =>
  response.json.items.map((user) => user.email)

describe('user search', () => {
  it('matches `_`, `%` and `\\` literally', async () => {
    const admin = await t.seedTenant()
    for (const [email, displayName] of [
      ['first_last@example.com', 'First Last'],
      ['firstxlast@example.com', 'First X'],
      ['percent@example.com', '100% sure'],
      ['backslash@example.com', 'back\\slash'],
    ]) {
      const created = await t.post(
        'users',
        { email, displayName, role: 'user' },
        { token: admin.accessToken },
      )
      expect(created.status).toBe(201)
    }
    const search = async (text: string) =>
      emails(await t.get(`users?search=${encodeURIComponent(text)}`, admin.accessToken))
    expect(await search('first_last')).toEqual(['first_last@example.com'])
    expect(await search('t_l')).toEqual(['first_last@example.com'])
    expect(await search('100%')).toEqual(['percent@example.com'])
    expect(await search('k\\s')).toEqual(['backslash@example.com'])
    expect(await search('st_')).toEqual(['first_last@example.com'])
  })

  it('pages through every user with the cursor pasted raw into the query string', async () => {
    const admin = await t.seedTenant()
    const names = ['amy', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus']
    for (const name of names) {
      await t.post(
        'users',
        { email: `${name}@example.com`, displayName: name, role: 'user' },
        { token: admin.accessToken },
      )
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await t.get(
        `users?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        admin.accessToken,
      )
      expect(page.status).toBe(200)
      seen.push(...emails(page))
      cursor = page.json.nextCursor
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    } while (cursor)
    expect(seen).toEqual([admin.email, ...names.map((name) => `${name}@example.com`)].sort())

    const audit: string[] = []
    cursor = null
    do {
      const page = await t.get(
        `audit-events?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        admin.accessToken,
      )
      expect(page.status).toBe(200)
      audit.push(...page.json.items.map((event: { id: string }) => event.id))
      cursor = page.json.nextCursor
    } while (cursor)
    expect(new Set(audit).size).toBe(audit.length)
    expect(audit.length).toBeGreaterThan(names.length)
    expect((await t.get('users?cursor=a+b', admin.accessToken)).status).toBe(400)
  })
})
