import { describe, expect, it } from 'vitest'
import { createBackgroundTasks } from '../../src/runtime/node/background-tasks.ts'

describe('background tasks (Node’s execution context)', () => {
  it('settles after every task handed over, failed ones included, and at once when there are none', async () => {
    const background = createBackgroundTasks()
    await background.settled()

    const finished: string[] = []
    const later = (name: string, ms: number, fail = false) =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          finished.push(name)
          if (fail) reject(new Error(name))
          else resolve()
        }, ms),
      )
    background.waitUntil(later('notice', 30))
    background.waitUntil(later('failed notice', 10, true))
    await background.settled()
    expect(finished.sort()).toEqual(['failed notice', 'notice'])
  })

  it('waits for a task handed over while it was already waiting', async () => {
    const background = createBackgroundTasks()
    let done = false
    background.waitUntil(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          background.waitUntil(
            new Promise<void>((inner) =>
              setTimeout(() => {
                done = true
                inner()
              }, 20),
            ),
          )
          resolve()
        }, 10)
      }),
    )
    await background.settled()
    expect(done).toBe(true)
  })
})
