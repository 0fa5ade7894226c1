import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/core/errors.ts'
import { createHashScheduler } from '../../src/core/hash-scheduler.ts'
import type { PasswordHasher } from '../../src/core/password-hasher.ts'

/** A hasher whose calls finish only when the test says so. */
function manualHasher() {
  const pending: Array<() => void> = []
  let running = 0
  let peak = 0
  const hasher: PasswordHasher = {
    hash: () =>
      new Promise((resolve) => {
        running++
        peak = Math.max(peak, running)
        pending.push(() => {
          running--
          resolve('$argon2id$fake')
        })
      }),
    verify: async () => true,
  }
  return {
    hasher,
    finishOne: () => pending.shift()?.(),
    peak: () => peak,
    pending: () => pending.length,
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createHashScheduler', () => {
  it('runs at most maxInFlight at once and the rest in arrival order', async () => {
    const inner = manualHasher()
    const scheduler = createHashScheduler(inner.hasher, { maxInFlight: 2, maxQueue: 10 })
    const order: number[] = []
    const jobs = [0, 1, 2, 3, 4].map((i) => scheduler.hash(`p${i}`).then(() => order.push(i)))
    await tick()
    expect(scheduler.load()).toEqual({ inFlight: 2, queued: 3 })
    for (let i = 0; i < 5; i++) {
      inner.finishOne()
      await tick()
    }
    await Promise.all(jobs)
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(inner.peak()).toBe(2)
    expect(scheduler.load()).toEqual({ inFlight: 0, queued: 0 })
  })

  it('sheds beyond the queue at once with SERVICE_BUSY and Retry-After', async () => {
    const inner = manualHasher()
    const scheduler = createHashScheduler(inner.hasher, { maxInFlight: 1, maxQueue: 1 })
    const first = scheduler.hash('a')
    const second = scheduler.hash('b')
    const third = scheduler.hash('c')
    await expect(third).rejects.toBeInstanceOf(AppError)
    await expect(third).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      status: 503,
      headers: { 'Retry-After': '1' },
    })
    inner.finishOne()
    await tick()
    inner.finishOne()
    await Promise.all([first, second])
  })

  it('sheds, when their turn comes, requests that waited longer than maxWaitMs', async () => {
    const inner = manualHasher()
    let now = 0
    const scheduler = createHashScheduler(
      inner.hasher,
      { maxInFlight: 1, maxQueue: 10, maxWaitMs: 100 },
      () => now,
    )
    const running = scheduler.hash('a')
    const stale = scheduler.hash('b')
    stale.catch(() => {}) // inspected below
    now = 50
    const fresh = scheduler.hash('c')
    now = 120 // b has waited 120 ms, c 70 ms
    await tick()
    inner.finishOne()
    await running
    await expect(stale).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      headers: { 'Retry-After': '1' },
    })
    await tick()
    expect(inner.pending()).toBe(1) // c runs; b never reached the hasher
    inner.finishOne()
    await fresh
    expect(scheduler.load()).toEqual({ inFlight: 0, queued: 0 })
  })

  it('frees the slot when the inner hasher fails', async () => {
    const failing: PasswordHasher = {
      hash: async () => Promise.reject(new Error('boom')),
      verify: async () => false,
    }
    const scheduler = createHashScheduler(failing, { maxInFlight: 1, maxQueue: 0 })
    await expect(scheduler.hash('a')).rejects.toThrow('boom')
    await expect(scheduler.hash('b')).rejects.toThrow('boom')
    expect(scheduler.load()).toEqual({ inFlight: 0, queued: 0 })
  })
})
