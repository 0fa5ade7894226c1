import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lockDurationMs } from '../../src/core/throttle.ts'
import { sql } from 'drizzle-orm'
import { lockDurationSql } from '../../src/db/throttle.ts'
import {
  signInFailureStatements,
  throttleKeys,
  throttleRowKey,
} from '../../src/services/sign-in-throttle.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('signInFailureStatements', () => {
  it('locks exactly as lockDurationMs says, failure after failure', async () => {
    const keys = throttleKeys('ann@example.com', '192.0.2.1')
    const policy = t.deps.settings.signInThrottle
    for (let failures = 1; failures <= 40; failures++) {
      await t.deps.database.writeAtomically(signInFailureStatements(t.deps, keys))
      const rows = t.database.sqlite
        .prepare(
          'select key, failures, locked_until as lockedUntil from sign_in_throttle order by key',
        )
        .all() as { key: string; failures: number; lockedUntil: number | null }[]
      const expected = (threshold: number) => {
        const ms = lockDurationMs(failures, {
          freeFailures: threshold,
          baseSeconds: policy.baseLockSeconds,
          maxSeconds: policy.maxLockSeconds,
        })
        return ms === 0 ? null : t.clock.now() + ms
      }
      expect(rows).toEqual(
        [
          {
            key: throttleRowKey(t.deps, keys.account),
            failures,
            lockedUntil: expected(policy.accountLockThreshold),
          },
          {
            key: throttleRowKey(t.deps, keys.ip!),
            failures,
            lockedUntil: expected(policy.ipLockThreshold),
          },
        ].sort((a, b) => (a.key < b.key ? -1 : 1)),
      )
    }
  })

  it('counts concurrent failures without losing any', async () => {
    const keys = throttleKeys('bob@example.com', null)
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.deps.database.writeAtomically(signInFailureStatements(t.deps, keys)),
      ),
    )
    expect(t.database.sqlite.prepare('select failures from sign_in_throttle').get()).toEqual({
      failures: 20,
    })
  })
})

describe('the lock duration rule', () => {
  it('is the same in SQL as in core, for every count and several policies', async () => {
    for (const policy of [
      { freeFailures: 5, baseSeconds: 30, maxSeconds: 900 },
      { freeFailures: 50, baseSeconds: 30, maxSeconds: 900 },
      { freeFailures: 1, baseSeconds: 1, maxSeconds: 86_400 * 365 },
      { freeFailures: 3, baseSeconds: 7, maxSeconds: 7 },
    ]) {
      for (let failures = 0; failures <= 120; failures++) {
        const [row] = await t.deps.database.db.all<{ ms: number }>(
          sql`select ${lockDurationSql(sql`${failures}`, policy)} as ms`,
        )
        expect(row!.ms, `${failures} failures`).toBe(lockDurationMs(failures, policy))
      }
    }
  })
})
