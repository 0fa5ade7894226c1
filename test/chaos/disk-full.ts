import { defaultSettings } from '../../src/services/settings.ts'
import { createTestApp } from '../helpers/test-app.ts'

// A database that cannot grow: `max_page_count` pinned at the file's current size on the app's
// own connection, which is what a full disk looks like to SQLite (SQLITE_FULL on the first write
// that needs a new page). Writes that still fit in free space succeed, as they would on a disk.

export interface DiskFullFigures {
  resetsBeforeFull: number
  fullAnswer: { status: number; code: string; retryAfter: string | null; contentType: string }
  failedResetChangedNothing: boolean
  readsWhileFull: Record<string, number>
  /** Wrong-password sign-ins while full: answered 401 (failure counted) or 503 (nothing written). */
  wrongPasswordWhileFull: {
    counted401: number
    uncounted401: number
    full503: number
    other: number
  }
  /** A right password while full: 200 with its session written, or 503 with none. */
  rightPasswordWhileFull: { status: number; sessionWritten: boolean }
  afterRecovery: { sameKeyReset: number; wrongPassword: number; rightPassword: number }
}

const tables = [
  'users',
  'password_resets',
  'idempotency_keys',
  'audit_events',
  'sessions',
  'sign_in_throttle',
]

export async function runDiskFull(): Promise<DiskFullFigures> {
  const t = await createTestApp({
    settings: {
      signInThrottle: { ...defaultSettings.signInThrottle, ipLockThreshold: 1_000_000 },
      resetRateLimit: { perAdminPerMinute: 1_000_000, perTargetPerMinute: 1_000_000 },
    },
  })
  try {
    const admin = await t.seedTenant('Acme', 'root@acme.test')
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@full.test')
    const sqlite = t.database.sqlite
    const snapshot = () =>
      JSON.stringify([
        ...tables.map((table) => sqlite.prepare(`select count(*) as n from ${table}`).get()),
        sqlite.prepare('select * from users where id = ?').get(bob.id),
      ])
    const count = (table: string) =>
      (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
    const reset = (key: string) =>
      t.post(
        `users/${bob.id}/password-reset`,
        { mode: 'generate' },
        {
          token: admin.accessToken,
          headers: { 'Idempotency-Key': key },
        },
      )

    // On the connection that writes (the writer thread's): a pragma run as the app runs a write.
    await t.run(`pragma max_page_count = ${sqlite.pragma('page_count', { simple: true })}`)

    // Resets until one needs a page the file may not have.
    let resetsBeforeFull = 0
    let failed: {
      key: string
      answer: Awaited<ReturnType<typeof reset>>
      changedNothing: boolean
    } | null = null
    for (let i = 0; i < 2000 && !failed; i++) {
      const key = crypto.randomUUID()
      const before = snapshot()
      const answer = await reset(key)
      if (answer.status === 201) resetsBeforeFull++
      else failed = { key, answer, changedNothing: snapshot() === before }
    }
    if (!failed) throw new Error('the database never filled up')

    const reads: Record<string, number> = {}
    for (const path of [
      'users',
      `users/${bob.id}`,
      `users/${bob.id}/password-reset`,
      'audit-events?limit=5',
      'me',
    ]) {
      reads[path] = (await t.get(path, admin.accessToken)).status
    }

    const wrong = { counted401: 0, uncounted401: 0, full503: 0, other: 0 }
    let consecutiveFull = 0
    for (let i = 0; i < 500 && consecutiveFull < 5; i++) {
      const before = count('sign_in_throttle')
      const answer = await t.post('auth/sign-in', {
        email: `nobody-${i}@full.test`,
        password: 'wrong password',
      })
      const counted = count('sign_in_throttle') > before
      if (answer.status === 401) wrong[counted ? 'counted401' : 'uncounted401']++
      else if (answer.status === 503 && answer.json?.code === 'STORAGE_FULL' && !counted)
        wrong.full503++
      else wrong.other++
      consecutiveFull = answer.status === 503 ? consecutiveFull + 1 : 0
    }

    const sessionsBefore = count('sessions')
    const right = await t.post('auth/sign-in', { email: admin.email, password: admin.password })
    const rightPasswordWhileFull = {
      status: right.status,
      sessionWritten: count('sessions') > sessionsBefore,
    }

    await t.run('pragma max_page_count = 1073741823')
    const afterRecovery = {
      sameKeyReset: (await reset(failed.key)).status,
      wrongPassword: (
        await t.post('auth/sign-in', { email: 'nobody@full.test', password: 'wrong' })
      ).status,
      rightPassword: (
        await t.post('auth/sign-in', { email: admin.email, password: admin.password })
      ).status,
    }
    return {
      resetsBeforeFull,
      fullAnswer: {
        status: failed.answer.status,
        code: failed.answer.json?.code,
        retryAfter: failed.answer.headers.get('retry-after'),
        contentType: failed.answer.headers.get('content-type') ?? '',
      },
      failedResetChangedNothing: failed.changedNothing,
      readsWhileFull: reads,
      wrongPasswordWhileFull: wrong,
      rightPasswordWhileFull,
      afterRecovery,
    }
  } finally {
    await t.close()
  }
}
