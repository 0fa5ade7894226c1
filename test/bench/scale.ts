/**
 * `npm run bench:scale`: one tenant of 1,000,000 users (`--users N` for fewer) written straight
 * into a temporary SQLite file, then the app (the same factory and Node dependencies as
 * production, called in-process) timed on list, search, read, reset and sign-in requests, with
 * the longest event-loop stall seen meanwhile (better-sqlite3 runs queries on the event loop).
 * Options: `--rounds R` (requests per scenario, default 200), `--keep` (leave the database file).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { systemClock } from '../../src/core/clock.ts'
import { createJsonLogger } from '../../src/core/logger.ts'
import { createApp } from '../../src/http/app.ts'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import { createNodeDeps } from '../../src/runtime/node/node-deps.ts'
import { openSqliteDatabase } from '../../src/runtime/node/sqlite-database.ts'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'
import { defaultSettings } from '../../src/services/settings.ts'
import { encodeCursor } from '../../src/core/cursor.ts'
import { searchKeyOf } from '../../src/core/search-text.ts'

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
})
const USERS = Number(args.users)
const ROUNDS = Number(args.rounds)
const PASSWORD = 'scale bench user passphrase'
const FIRST = ['james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda']
const FIRST_MORE = ['lars', 'ingrid', 'sven', 'astrid', 'pieter', 'sanne', 'mette', 'søren']
const LAST = ['smith', 'johnson', 'garcia', 'miller', 'jensen', 'de vries', 'andersson', 'bakker']
const firstNames = [...FIRST, ...FIRST_MORE]

const dir = mkdtempSync(join(tmpdir(), 'oncepass-scale-'))
const path = join(dir, 'oncepass.sqlite')
// As the server opens it: writes (and so checkpoints) on the writer thread.
const database = openSqliteDatabase(path, { writerThread: true })
const hasher = createArgon2Hasher()
const deps = createNodeDeps(
  {
    issuer: 'oncepass-bench',
    audience: 'oncepass-bench-api',
    trustProxyHeader: 'x-bench-client-ip',
    publicUrl: 'http://localhost',
    siteOrigins: ['http://localhost'],
    allowedOrigins: [],
    hashing: { maxInFlight: 2, maxQueue: 64 },
    settings: {
      ...defaultSettings,
      accessTokenTtlSeconds: 3600,
      resetRateLimit: { perAdminPerMinute: 1_000_000, perTargetPerMinute: 1_000_000 },
    },
  },
  {
    database,
    logger: createJsonLogger(() => {}, systemClock.now),
    signingKey: crypto.getRandomValues(new Uint8Array(32)),
    clock: systemClock,
    hasher,
  },
)
const app = createApp(deps)

/** The n-th seeded user: emails sort in seeding order, so the indexes are built by appending. */
const emailOf = (i: number) =>
  `u${String(i).padStart(7, '0')}.${firstNames[i % 16]}.${LAST[(i >> 4) % 8]!.replace(' ', '')}@example.com`
const nameOf = (i: number) => {
  const first = firstNames[i % 16]!
  return `${first[0]!.toUpperCase()}${first.slice(1)} ${LAST[(i >> 4) % 8]} ${i}`
}

async function seed(): Promise<{ tenantId: string; adminToken: string; seedMs: number }> {
  const issued = await createTenantWithAdmin(deps, {
    name: 'Scale',
    adminEmail: 'admin@scale.test',
  })
  const started = performance.now()
  const sqlite = database.sqlite
  const hash = await hasher.hash(PASSWORD)
  // Bulk load: no per-row index trigger, then the search index filled in one statement.
  const trigger = sqlite
    .prepare(
      `select sql from sqlite_master where type = 'trigger' and name = 'users_search_insert'`,
    )
    .pluck()
    .get() as string
  const firstRowid = (sqlite.prepare('select max(rowid) from users').pluck().get() as number) + 1
  // The bulk load writes on this connection, which serves reads only (the app writes on its thread).
  sqlite.pragma('query_only = OFF')
  sqlite.pragma('synchronous = OFF')
  sqlite.exec('drop trigger users_search_insert')
  const insert = sqlite.prepare(
    `insert into users (id, tenant_id, email, display_name, role, password_hash, credential_version,
       credential_id, must_change_password, created_at, search_key)
       values (?, ?, ?, ?, 'user', ?, 1, ?, 0, ?, ?)`,
  )
  const now = Date.now()
  sqlite.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const id = `s${String(i).padStart(8, '0')}`
      const user = { email: emailOf(i), displayName: nameOf(i) }
      insert.run(
        id,
        issued.tenantId,
        user.email,
        user.displayName,
        hash,
        `c${id}`,
        now,
        searchKeyOf(user),
      )
    }
    sqlite
      .prepare(
        `insert into users_search (user_id, search_key)
         select id, search_key from users where rowid >= ?`,
      )
      .run(firstRowid)
    sqlite.exec(trigger)
  })()
  sqlite.exec(`insert into users_search (users_search) values ('optimize')`)
  sqlite.pragma('synchronous = FULL')
  // Not left to the first timed write: folding a gigabyte of WAL back into the file.
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.pragma('query_only = ON')
  const seedMs = performance.now() - started
  const challenge = await call('POST', 'auth/sign-in', undefined, {
    email: 'admin@scale.test',
    password: issued.temporaryPassword,
  })
  const changed = await call('POST', 'auth/password-change', undefined, {
    challengeToken: challenge.json.challengeToken,
    newPassword: 'quiet harbour lantern 2026',
  })
  return { tenantId: issued.tenantId, adminToken: changed.json.accessToken, seedMs }
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body) headers['Content-Type'] = 'application/json'
  const response = await app.request(`/api/v1/${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return { status: response.status, json: JSON.parse(text) }
}

const random = (max: number) => crypto.getRandomValues(new Uint32Array(1))[0]! % max
const cursorFor = (email: string) => encodeCursor(email)
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

interface Row {
  scenario: string
  p50: number
  p99: number
  max: number
  stall: number
}

/** Times `rounds` sequential requests; the stall is the longest event-loop delay meanwhile. */
async function measure(scenario: string, request: (i: number) => Promise<unknown>): Promise<Row> {
  await request(0)
  const loop = monitorEventLoopDelay({ resolution: 1 })
  const times: number[] = []
  loop.enable()
  for (let i = 1; i <= ROUNDS; i++) {
    const started = performance.now()
    await request(i)
    times.push(performance.now() - started)
    // Let the loop monitor's timer run between requests, as other connections' work would.
    await new Promise((resolve) => setImmediate(resolve))
  }
  loop.disable()
  times.sort((a, b) => a - b)
  return {
    scenario,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1)!,
    stall: loop.max / 1e6,
  }
}

const { adminToken, seedMs } = await seed()
const token = adminToken
const search = (term: string, extra = '') =>
  call('GET', `users?limit=50&search=${encodeURIComponent(term)}${extra}`, token)
const deepCursor = () => `&cursor=${cursorFor(emailOf(random(USERS)))}`
const rows: Row[] = []
rows.push(await measure('list, first page', () => call('GET', 'users?limit=50', token)))
rows.push(
  await measure('list, a random page', () => call('GET', `users?limit=50${deepCursor()}`, token)),
)
rows.push(await measure('search: one user', () => search(emailOf(random(USERS)).slice(0, 8))))
rows.push(await measure('search: a name (1 in 16)', () => search(firstNames[random(16)]!)))
rows.push(await measure('search: everyone (example)', () => search('example')))
rows.push(await measure('search: a name, random page', () => search('smith', deepCursor())))
rows.push(await measure('search: no match', () => search(`zq${random(1000)}x`)))
rows.push(await measure('search: 2 chars (prefix)', () => search(`u${random(10)}`)))
rows.push(
  await measure('search: 2 letters, any word', () => search(firstNames[random(16)]!.slice(0, 2))),
)
rows.push(await measure('search: 1 letter', () => search(firstNames[random(16)]![0]!)))
rows.push(await measure('search: capitals (SØREN)', () => search('SØREN')))
rows.push(
  await measure('search: two words, reversed', () =>
    search(`${LAST[random(8)]!.split(' ')[0]} ${firstNames[random(16)]}`),
  ),
)
rows.push(
  await measure('read a user', () =>
    call('GET', `users/s${String(random(USERS)).padStart(8, '0')}`, token),
  ),
)
rows.push(
  await measure('reset a user', () =>
    call('POST', `users/s${String(random(USERS)).padStart(8, '0')}/password-reset`, token, {
      mode: 'generate',
    }),
  ),
)
rows.push(
  await measure('sign in', () =>
    call('POST', 'auth/sign-in', undefined, {
      email: emailOf(USERS - 1 - random(Math.min(USERS, 1000))),
      password: PASSWORD,
    }),
  ),
)

const ms = (n: number) => n.toFixed(1).padStart(7)
console.log(
  `\n${USERS.toLocaleString('en')} users seeded in ${(seedMs / 1000).toFixed(1)} s; ${ROUNDS} requests per scenario, one at a time (ms)\n`,
)
console.log(`${'scenario'.padEnd(30)}    p50     p99     max  longest loop stall`)
for (const row of rows) {
  console.log(
    `${row.scenario.padEnd(30)}${ms(row.p50)} ${ms(row.p99)} ${ms(row.max)} ${ms(row.stall)}`,
  )
}
const searches = rows.filter((row) => row.scenario.startsWith('search'))
console.log(
  `\nsearch p99 (worst scenario): ${Math.max(...searches.map((r) => r.p99)).toFixed(1)} ms (target ≤ 20); ` +
    `longest stall: ${Math.max(...rows.map((r) => r.stall)).toFixed(1)} ms (target ≤ 20)`,
)
await database.close()
if (args.keep) console.log(`database kept at ${path}`)
else rmSync(dir, { recursive: true, force: true })
