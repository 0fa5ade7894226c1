/** The source of "now" for every rule that depends on time; tests inject a fake one. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to, for tests and simulations. */
export function createFakeClock(
  start = Date.UTC(2026, 0, 1),
): Clock & { advance(ms: number): void } {
  let current = start
  return {
    now: () => current,
    advance: (ms) => {
      current += ms
    },
  }
}
