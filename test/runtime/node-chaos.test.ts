import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBusy } from '../chaos/busy.ts'
import { runDiskFull } from '../chaos/disk-full.ts'
import { runKillRounds } from '../chaos/kill-rounds.ts'
import { buildServer, removeBuild } from '../chaos/server.ts'

// The small version of `npm run chaos`: the real server bundle on loopback, killed and restarted,
// locked out by another connection; and an app whose database cannot grow.
let bundle: string
beforeAll(async () => {
  bundle = await buildServer()
})
afterAll(() => removeBuild(bundle))

describe('chaos', () => {
  it('loses no acknowledged reset or change across kill -9, half-writes nothing, stores no plaintext', async () => {
    const figures = await runKillRounds(bundle, { rounds: 2, users: 3, loadMs: 1200 })
    for (const round of figures.rounds) {
      expect(round.violations).toEqual([])
      expect(round.resetsFound).toBe(round.resetsAcknowledged)
      expect(round.changesFound).toBe(round.changesAcknowledged)
    }
    expect(
      figures.rounds.reduce((sum, round) => sum + round.resetsAcknowledged, 0),
    ).toBeGreaterThan(0)
    expect(figures.plaintextLeaks).toEqual([])
  }, 60_000)

  it('a full disk answers writes 503 STORAGE_FULL and changes nothing, serves reads, and recovers', async () => {
    const full = await runDiskFull()
    expect(full.fullAnswer).toEqual({
      status: 503,
      code: 'STORAGE_FULL',
      retryAfter: '60',
      contentType: 'application/problem+json; charset=utf-8',
    })
    expect(full.failedResetChangedNothing).toBe(true)
    expect(Object.values(full.readsWhileFull)).toEqual([200, 200, 200, 200, 200])
    // A wrong password is never answered 401 without its failure counted: no free guesses.
    expect(full.wrongPasswordWhileFull.uncounted401).toBe(0)
    expect(full.wrongPasswordWhileFull.other).toBe(0)
    expect(full.wrongPasswordWhileFull.full503).toBeGreaterThan(0)
    expect(full.rightPasswordWhileFull.status === 200).toBe(
      full.rightPasswordWhileFull.sessionWritten,
    )
    // The refused reset's Idempotency-Key was not stored: it runs once space returns.
    expect(full.afterRecovery).toEqual({
      sameKeyReset: 201,
      wrongPassword: 401,
      rightPassword: 200,
    })
  }, 60_000)

  it('a write lock held elsewhere gets 503 DATABASE_BUSY after a bounded wait, without stalling reads', async () => {
    const busy = await runBusy(bundle, { holdMs: 4000, writers: 3 })
    for (const write of busy.writes) {
      expect(write).toMatchObject({ status: 503, code: 'DATABASE_BUSY', retryAfter: '1' })
      expect(write.ms).toBeLessThan(4000)
    }
    // better-sqlite3 waits for a lock by blocking the event loop: no such wait while serving.
    expect(busy.probe.max).toBeLessThan(500)
    expect(busy.afterRelease).toEqual({ sameKeyReset: 201, wrongPassword: 401, integrity: 'ok' })
  }, 60_000)
})
