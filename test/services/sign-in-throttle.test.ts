import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lockDurationMs } from '../../src/core/throttle.ts'
import { signInFailureStatements, throttleKeys } from '../../src/services/sign-in-throttle.ts'
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
      expect(rows).toEqual([
        { key: keys.account, failures, lockedUntil: expected(policy.accountLockThreshold) },
        { key: keys.ip, failures, lockedUntil: expected(policy.ipLockThreshold) },
      ])
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
