import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findTenantUserEmails } from '../../src/db/users.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('findTenantUserEmails', () => {
  it('looks each id up by primary key, whatever the size of the tenant', async () => {
    const query = findTenantUserEmails(t.deps.database.db, 'tenant', ['a', 'b']).toSQL()
    const plan = await t.rows<{ detail: string }>(
      `explain query plan ${query.sql}`,
      ...query.params,
    )
    expect(plan.map((step) => step.detail)).toContain(
      'SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)',
    )
    // Two parameters for any number of ids: D1 binds at most 100 per query.
    expect(query.params).toHaveLength(2)
  })
})
