import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Actor } from '../../src/services/caller.ts'
import { nameTenantUsers } from '../../src/services/users.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// The names a page shows for the ids in its audit trail: one query, within the caller's tenant.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const meta = { requestId: 'test', ip: null, language: 'en' }

const actorOf = (admin: { id: string; tenantId: string; email: string }): Actor => ({
  id: admin.id,
  tenantId: admin.tenantId,
  role: 'global_admin',
  email: admin.email,
  displayName: 'Administrator',
  sessionId: 'not-used',
})

describe('nameTenantUsers', () => {
  it("names the caller's tenant's users in one query; other tenants, unknown ids and nulls stay unnamed", async () => {
    const acme = await t.seedTenant('Acme')
    const other = await t.seedTenant('Other')
    const ann = await t.seedUser(acme.accessToken, 'user', 'ann@example.com')
    const selects = vi.spyOn(t.deps.database.db, 'select')

    const names = await nameTenantUsers(
      t.deps,
      actorOf(acme),
      [ann.id, null, other.id, acme.id, 'no-such-user', ann.id],
      meta,
    )

    expect(Object.fromEntries(names)).toEqual({ [ann.id]: ann.email, [acme.id]: acme.email })
    expect(selects).toHaveBeenCalledTimes(1)
  })

  it('takes any number of ids in its one query, and none costs no query', async () => {
    const acme = await t.seedTenant('Acme')
    const selects = vi.spyOn(t.deps.database.db, 'select')
    const many = Array.from({ length: 250 }, (_, i) => `unknown-${i}`)

    const names = await nameTenantUsers(t.deps, actorOf(acme), [...many, acme.id], meta)
    expect(Object.fromEntries(names)).toEqual({ [acme.id]: acme.email })
    expect(await nameTenantUsers(t.deps, actorOf(acme), [null], meta)).toEqual(new Map())
    expect(selects).toHaveBeenCalledTimes(1)
  })

  it('is for admins only', async () => {
    const acme = await t.seedTenant('Acme')
    const ann = await t.seedUser(acme.accessToken, 'user', 'ann@example.com')
    const actor: Actor = { ...actorOf(acme), id: ann.id, role: 'user', email: ann.email }
    await expect(nameTenantUsers(t.deps, actor, [acme.id], meta)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })
})
