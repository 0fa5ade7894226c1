import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import {
  ADMIN_EMAIL,
  type Answer,
  bootstrapPassword,
  call,
  type RunningServer,
  startServer,
} from './server.ts'

// kill -9 under load. Each user is driven by one sequential client (reset by the admin, sign in
// with the temporary password, forced change, sign in with the new one), several users at once
// plus an admin signing in, until the server is SIGKILLed mid-flight. Each client then knows the
// last credential the server acknowledged and the one request that got no answer. After a restart
// on the same file, every acknowledged write must be there and no write may be half there.

interface Credential {
  password: string
  kind: 'temporary' | 'chosen'
  /** The reset that issued the temporary password, or that a chosen password replaced. */
  resetId: string
}

type InFlight =
  { op: 'reset'; key: string } | { op: 'change'; to: string } | { op: 'sign-in' } | null

interface UserLedger {
  id: string
  email: string
  current: Credential
  inFlight: InFlight
}

export interface RoundFigures {
  round: number
  /** Milliseconds of load before the SIGKILL. */
  killedAfterMs: number
  requests: number
  resetsAcknowledged: number
  resetsFound: number
  changesAcknowledged: number
  changesFound: number
  /** Writes in flight at the kill that turned out committed / not committed. */
  inFlightCommitted: number
  inFlightNotCommitted: number
  lost: number
  violations: string[]
}

export interface KillFigures {
  rounds: RoundFigures[]
  plaintextLeaks: string[]
}

const newPassword = () => `chaos passphrase ${crypto.randomUUID()}`

async function expectOk(answer: Answer | null, status: number, what: string): Promise<any> {
  if (answer?.status !== status) throw new Error(`${what}: ${JSON.stringify(answer)}`)
  return answer.json
}

async function signIn(base: string, email: string, password: string) {
  return call(base, 'POST', 'auth/sign-in', { body: { email, password } })
}

/** What a sign-in answer says about the credential: 'challenge', 'signed-in' or the status. */
function outcome(answer: Answer | null): string {
  if (!answer) return 'no answer'
  if (answer.status === 200 && answer.json?.status === 'password_change_required')
    return 'challenge'
  if (answer.status === 200 && answer.json?.accessToken) return 'signed-in'
  return String(answer.status)
}

const expectedOutcome = (credential: Credential) =>
  credential.kind === 'temporary' ? 'challenge' : 'signed-in'

async function completeChange(base: string, email: string, temporary: string, chosen: string) {
  const challenge = await expectOk(await signIn(base, email, temporary), 200, 'challenge')
  return expectOk(
    await call(base, 'POST', 'auth/password-change', {
      body: { challengeToken: challenge.challengeToken, newPassword: chosen },
    }),
    200,
    'change',
  )
}

/** Drives the kill rounds against `bundle`; `secrets` collects every plaintext for the leak scan. */
export async function runKillRounds(
  bundle: string,
  options: { rounds: number; users: number; loadMs: number; log?: (line: string) => void },
): Promise<KillFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-chaos-'))
  const databasePath = join(dir, 'data', 'oncepass.sqlite')
  const logFile = join(dir, 'server.log')
  const secrets = new Set<string>()
  try {
    let server = await startServer(bundle, databasePath, logFile)
    const bootstrap = bootstrapPassword(server.output())
    const adminPassword = newPassword()
    secrets.add(adminPassword)
    await completeChange(server.base, ADMIN_EMAIL, bootstrap, adminPassword)
    let admin = await adminSignIn(server.base, adminPassword)
    const users: UserLedger[] = []
    for (let i = 0; i < options.users; i++) {
      const email = `user${i}@chaos.test`
      const created = await expectOk(
        await call(server.base, 'POST', 'users', {
          token: admin,
          body: { email, displayName: `User ${i}`, role: 'user' },
        }),
        201,
        'create user',
      )
      const password = newPassword()
      secrets.add(created.temporaryPassword)
      secrets.add(password)
      await completeChange(server.base, email, created.temporaryPassword, password)
      users.push({
        id: created.user.id,
        email,
        current: { password, kind: 'chosen', resetId: '' },
        inFlight: null,
      })
    }

    const leaks = new Set<string>()
    const scan = () => {
      const files = [databasePath, `${databasePath}-wal`]
      for (const leak of scanForPlaintext(files, logFile, secrets, bootstrap)) leaks.add(leak)
    }
    const rounds: RoundFigures[] = []
    for (let round = 1; round <= options.rounds; round++) {
      const figures = await runRound(server, round, users, admin, adminPassword, secrets, {
        ...options,
        scan,
      })
      server = figures.server
      admin = figures.admin
      rounds.push(figures.figures)
      options.log?.(describeRound(figures.figures))
    }
    scan()
    await server.kill('SIGTERM')
    scan()
    return { rounds, plaintextLeaks: [...leaks] }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function describeRound(r: RoundFigures): string {
  return (
    `round ${String(r.round).padStart(2)}: killed after ${r.killedAfterMs} ms, ${r.requests} requests; ` +
    `resets acknowledged ${r.resetsAcknowledged} found ${r.resetsFound}; ` +
    `changes acknowledged ${r.changesAcknowledged} found ${r.changesFound}; ` +
    `in flight: ${r.inFlightCommitted} committed, ${r.inFlightNotCommitted} not; lost ${r.lost}` +
    (r.violations.length ? `; VIOLATIONS: ${r.violations.join(' | ')}` : '')
  )
}

async function adminSignIn(base: string, password: string): Promise<string> {
  return (await expectOk(await signIn(base, ADMIN_EMAIL, password), 200, 'admin sign-in'))
    .accessToken
}

async function runRound(
  server: RunningServer,
  round: number,
  users: UserLedger[],
  admin: string,
  adminPassword: string,
  secrets: Set<string>,
  options: { loadMs: number; scan: () => void },
) {
  const acknowledgedResets: { user: UserLedger; resetId: string; key: string }[] = []
  const acknowledgedChanges: { user: UserLedger; resetId: string }[] = []
  let requests = 0
  let killed = false
  const counted = async (request: Promise<Answer | null>) => {
    requests++
    return request
  }

  async function drive(user: UserLedger) {
    // Bounded: the kill ends it long before this many steps.
    for (let step = 0; step < 10_000 && !killed; step++) {
      const key = crypto.randomUUID()
      user.inFlight = { op: 'reset', key }
      const reset = await counted(
        call(server.base, 'POST', `users/${user.id}/password-reset`, {
          token: admin,
          body: { mode: 'generate' },
          headers: { 'Idempotency-Key': key },
        }),
      )
      if (!reset) return
      user.inFlight = null
      if (reset.status !== 201) continue
      secrets.add(reset.json.temporaryPassword)
      user.current = {
        password: reset.json.temporaryPassword,
        kind: 'temporary',
        resetId: reset.json.resetId,
      }
      acknowledgedResets.push({ user, resetId: reset.json.resetId, key })

      user.inFlight = { op: 'sign-in' }
      const challenge = await counted(signIn(server.base, user.email, user.current.password))
      if (!challenge) return
      user.inFlight = null
      if (outcome(challenge) !== 'challenge') continue
      const chosen = newPassword()
      secrets.add(chosen)
      user.inFlight = { op: 'change', to: chosen }
      const change = await counted(
        call(server.base, 'POST', 'auth/password-change', {
          body: { challengeToken: challenge.json.challengeToken, newPassword: chosen },
        }),
      )
      if (!change) return
      user.inFlight = null
      if (change.status !== 200) continue
      user.current = { password: chosen, kind: 'chosen', resetId: user.current.resetId }
      acknowledgedChanges.push({ user, resetId: user.current.resetId })

      user.inFlight = { op: 'sign-in' }
      if (!(await counted(signIn(server.base, user.email, chosen)))) return
      user.inFlight = null
    }
  }
  async function adminSignIns() {
    for (let step = 0; step < 10_000 && !killed; step++) {
      if (!(await counted(signIn(server.base, ADMIN_EMAIL, adminPassword)))) return
    }
  }

  const killAfter = Math.round(
    options.loadMs * (0.6 + 0.4 * (crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32)),
  )
  const load = Promise.all([...users.map(drive), adminSignIns()])
  await new Promise((resolve) => setTimeout(resolve, killAfter))
  killed = true
  await server.kill('SIGKILL')
  await load
  // What the killed process left on disk, WAL included, before anything recovers it.
  options.scan()

  // The same bundle on the same file: SQLite recovers the WAL the killed process left.
  const restarted = await startServer(server.bundle, server.databasePath, server.logFile)
  const found = checkDatabase(server.databasePath, acknowledgedResets, acknowledgedChanges)
  const violations = [...found.violations]
  const freshAdmin = await adminSignIn(restarted.base, adminPassword)
  let inFlightCommitted = 0
  let inFlightNotCommitted = 0
  for (const user of users) {
    const verdict = await verifyUser(restarted.base, freshAdmin, user, secrets)
    violations.push(...verdict.violations)
    inFlightCommitted += verdict.committed
    inFlightNotCommitted += verdict.notCommitted
  }
  const figures: RoundFigures = {
    round,
    killedAfterMs: killAfter,
    requests,
    resetsAcknowledged: acknowledgedResets.length,
    resetsFound: found.resets,
    changesAcknowledged: acknowledgedChanges.length,
    changesFound: found.changes,
    inFlightCommitted,
    inFlightNotCommitted,
    lost: acknowledgedResets.length - found.resets + (acknowledgedChanges.length - found.changes),
    violations,
  }
  return { server: restarted, admin: freshAdmin, figures }
}

/**
 * The user's state after the restart, through the API: the last acknowledged credential still
 * works, unless the one request in flight at the kill committed; then exactly its effect is there.
 * Leaves the ledger on a credential the server accepts, for the next round.
 */
async function verifyUser(base: string, admin: string, user: UserLedger, secrets: Set<string>) {
  const violations: string[] = []
  let committed = 0
  let notCommitted = 0
  const expected = expectedOutcome(user.current)
  const first = outcome(await signIn(base, user.email, user.current.password))
  const inFlight = user.inFlight
  user.inFlight = null
  const reset = (key: string) =>
    call(base, 'POST', `users/${user.id}/password-reset`, {
      token: admin,
      body: { mode: 'generate' },
      headers: { 'Idempotency-Key': key },
    })
  const adopt = (answer: Answer) => {
    secrets.add(answer.json.temporaryPassword)
    user.current = {
      password: answer.json.temporaryPassword,
      kind: 'temporary',
      resetId: answer.json.resetId,
    }
  }
  if (!inFlight || inFlight.op === 'sign-in') {
    if (first !== expected) {
      violations.push(`${user.email}: acknowledged ${user.current.kind} password gives ${first}`)
    }
  } else if (inFlight.op === 'change') {
    const next = outcome(await signIn(base, user.email, inFlight.to))
    if (first === expected && next === '401') notCommitted++
    else if (first === '401' && next === 'signed-in') {
      committed++
      user.current = { password: inFlight.to, kind: 'chosen', resetId: user.current.resetId }
    } else violations.push(`${user.email}: change in flight: old gives ${first}, new gives ${next}`)
  } else {
    // The same Idempotency-Key again: 409 if the unanswered reset committed, else it runs now.
    const retry = await reset(inFlight.key)
    if (retry?.status === 409 && retry.json?.code === 'RESET_ALREADY_ISSUED') {
      committed++
      if (first !== '401') {
        violations.push(`${user.email}: reset committed, yet the old password gives ${first}`)
      }
      // Its temporary password was never shown to anyone: issue one to carry on with.
      const fresh = await reset(crypto.randomUUID())
      if (fresh?.status === 201) adopt(fresh)
      else violations.push(`${user.email}: a fresh reset answered ${fresh?.status}`)
    } else if (retry?.status === 201) {
      notCommitted++
      if (first !== expected) {
        violations.push(`${user.email}: reset not committed, yet the old password gives ${first}`)
      }
      adopt(retry)
    } else violations.push(`${user.email}: the retried reset answered ${retry?.status}`)
  }
  return { violations, committed, notCommitted }
}

/**
 * Reads the file beside the restarted server: every acknowledged reset has its row and its
 * idempotency record, every acknowledged change used its reset, no user is half reset, and
 * SQLite finds the file intact.
 */
function checkDatabase(
  path: string,
  acknowledgedResets: { user: UserLedger; resetId: string }[],
  acknowledgedChanges: { user: UserLedger; resetId: string }[],
) {
  const sqlite = new BetterSqlite3(path, { readonly: true })
  try {
    const violations: string[] = []
    const integrity = sqlite.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') violations.push(`integrity_check: ${String(integrity)}`)
    const orphans = sqlite.pragma('foreign_key_check') as unknown[]
    if (orphans.length > 0) violations.push(`foreign_key_check: ${JSON.stringify(orphans)}`)
    const resetRow = sqlite.prepare('select user_id, status from password_resets where id = ?')
    const keyRow = sqlite.prepare('select 1 from idempotency_keys where reset_id = ?')
    let resets = 0
    for (const { user, resetId } of acknowledgedResets) {
      const row = resetRow.get(resetId) as { user_id: string; status: string } | undefined
      if (row?.user_id === user.id && keyRow.get(resetId)) resets++
      else violations.push(`reset ${resetId} of ${user.email} acknowledged but not found`)
    }
    let changes = 0
    for (const { user, resetId } of acknowledgedChanges) {
      const row = resetRow.get(resetId) as { status: string } | undefined
      if (row?.status === 'used') changes++
      else violations.push(`change of ${user.email} acknowledged, its reset is ${row?.status}`)
    }
    // Half-written resets: the flag, the expiry and exactly one pending reset go together.
    const users = sqlite
      .prepare(
        `select email, must_change_password as flag, temporary_expires_at as expires,
          (select count(*) from password_resets r where r.user_id = u.id and r.status = 'pending') as pending
         from users u`,
      )
      .all() as { email: string; flag: number; expires: number | null; pending: number }[]
    for (const user of users) {
      const consistent = user.flag
        ? user.expires !== null && user.pending === 1
        : user.expires === null && user.pending === 0
      if (!consistent) violations.push(`half-written user ${user.email}: ${JSON.stringify(user)}`)
    }
    return { resets, changes, violations }
  } finally {
    sqlite.close()
  }
}

/** Every plaintext password seen, in any of the forms it could be stored in, in the files. */
function scanForPlaintext(
  databaseFiles: string[],
  logFile: string,
  secrets: Set<string>,
  printedOnPurpose: string,
): string[] {
  const read = (path: string) => {
    try {
      return readFileSync(path).toString('latin1')
    } catch {
      return ''
    }
  }
  const leaks: string[] = []
  const files = [...databaseFiles.map((path) => [path, read(path)]), [logFile, read(logFile)]]
  for (const secret of [...secrets, printedOnPurpose]) {
    const forms = [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('hex'),
    ]
    for (const [path, text] of files) {
      // The first start prints the bootstrap password to the operator's terminal, by design.
      if (path === logFile && secret === printedOnPurpose) continue
      if (forms.some((form) => text!.includes(form)))
        leaks.push(`${secret.slice(0, 4)}… in ${path}`)
    }
  }
  return leaks
}
