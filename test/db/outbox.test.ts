import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dueNotices } from '../../src/db/outbox.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const planOf = async (kinds: string[] | undefined) => {
  const query = dueNotices(t.deps.database.db, kinds).getQuery()
  const params = query.params.map(() => 1)
  const plan = await t.rows<{ detail: string }>(`explain query plan ${query.sql}`, ...params)
  return plan.map((step) => step.detail)
}

describe('the due-notices read of every delivery pass', () => {
  it('finds only the notices of its kinds by index: mail left unsent without a transport is not read', async () => {
    expect(await planOf(['backchannel_logout'])).toEqual([
      'SEARCH outbox USING INDEX outbox_due_by_kind (kind=? AND next_attempt_at<?)',
    ])
  })

  it('finds the due notices of every kind by index when mail can be sent', async () => {
    expect(await planOf(undefined)).toEqual([
      'SEARCH outbox USING INDEX outbox_due (next_attempt_at<?)',
    ])
  })
})
