import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { ADMIN_EMAIL, type Answer, bootstrapPassword, call, startServer } from './server.ts'

// A second process's connection (here: this script's) holds the write lock with BEGIN IMMEDIATE
// while clients keep writing to the real server and a prober keeps reading /healthz: the probe's
// latency is what the event loop stalls cost every other request.

export interface BusyFigures {
  holdMs: number
  writes: { status: number; code: string | null; retryAfter: string | null; ms: number }[]
  /** /healthz latency while the lock was held, in ms. */
  probe: { count: number; p50: number; max: number }
  afterRelease: { sameKeyReset: number | null; wrongPassword: number | null; integrity: string }
}

const percentile = (values: number[], p: number) =>
  values.length
    ? [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!
    : 0

export async function runBusy(
  bundle: string,
  options: { holdMs: number; writers: number },
): Promise<BusyFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-busy-'))
  const databasePath = join(dir, 'data', 'oncepass.sqlite')
  const server = await startServer(bundle, databasePath, join(dir, 'server.log'))
  try {
    const password = `busy operator passphrase ${crypto.randomUUID()}`
    const challenge = await call(server.base, 'POST', 'auth/sign-in', {
      body: { email: ADMIN_EMAIL, password: bootstrapPassword(server.output()) },
    })
    const signedIn = await call(server.base, 'POST', 'auth/password-change', {
      body: { challengeToken: challenge!.json.challengeToken, newPassword: password },
    })
    const token = signedIn!.json.accessToken as string
    const created = await call(server.base, 'POST', 'users', {
      token,
      body: { email: 'bob@busy.test', displayName: 'Bob', role: 'user' },
    })
    const bobId = created!.json.user.id as string
    const reset = (key: string) =>
      call(server.base, 'POST', `users/${bobId}/password-reset`, {
        token,
        body: { mode: 'generate' },
        headers: { 'Idempotency-Key': key },
      })
    const wrongSignIn = (i: number) =>
      call(server.base, 'POST', 'auth/sign-in', {
        body: { email: `nobody-${i}@busy.test`, password: 'not the password' },
      })

    const lock = new BetterSqlite3(databasePath)
    lock.exec('BEGIN IMMEDIATE')
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        lock.exec('ROLLBACK')
        resolve()
      }, options.holdMs),
    )
    let holding = true
    void released.then(() => (holding = false))
    const probes: number[] = []
    const probing = (async () => {
      while (holding) {
        // Counted by when it was sent: a probe the stall held up answers after the release.
        const answer = await call(server.base, 'GET', '/healthz')
        if (answer) probes.push(answer.ms)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const resetKey = crypto.randomUUID()
    const answers = await Promise.all([
      reset(resetKey),
      ...Array.from({ length: options.writers - 1 }, (_, i) => wrongSignIn(i)),
    ])
    await released
    await probing
    lock.close()

    const firstReset = answers[0]
    const afterRelease = {
      // A 503'd reset stored nothing: the same key runs now. An answered one is remembered: 409.
      sameKeyReset: (await reset(resetKey))?.status ?? null,
      wrongPassword: (await wrongSignIn(9999))?.status ?? null,
      integrity: '',
    }
    const check = new BetterSqlite3(databasePath, { readonly: true })
    afterRelease.integrity = String(check.pragma('integrity_check', { simple: true }))
    check.close()
    if (firstReset?.status === 201 && afterRelease.sameKeyReset !== 409) {
      throw new Error('an answered reset was not remembered')
    }
    return {
      holdMs: options.holdMs,
      writes: answers.map((answer: Answer | null) => ({
        status: answer?.status ?? 0,
        code: answer?.json?.code ?? null,
        retryAfter: answer?.headers.get('retry-after') ?? null,
        ms: Math.round(answer?.ms ?? 0),
      })),
      probe: {
        count: probes.length,
        p50: Math.round(percentile(probes, 0.5)),
        max: Math.round(Math.max(0, ...probes)),
      },
      afterRelease,
    }
  } finally {
    await server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}
