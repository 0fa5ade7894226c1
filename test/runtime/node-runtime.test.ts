import { type ChildProcess, execFile, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { type AddressInfo, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  openSqliteDatabase,
  SERVING_BUSY_TIMEOUT_MS,
} from '../../src/runtime/node/sqlite-database.ts'
import { startSmtpInbox } from '../helpers/smtp-inbox.ts'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const dirs: string[] = []
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-rt-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

/** Runs the real `oncepass` command as an operator would. */
function cli(args: string[], databasePath: string, env: Record<string, string> = {}) {
  return run(join(ROOT, 'bin/oncepass.js'), args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, ...env },
  })
}

/** Runs the CLI expecting it to fail; returns its exit code and output. */
async function cliFailure(args: string[], databasePath: string, env: Record<string, string> = {}) {
  try {
    const { stdout } = await cli(args, databasePath, env)
    throw new Error(`expected a failure, got: ${stdout}`)
  } catch (error) {
    const { code, stdout, stderr } = error as { code: unknown; stdout?: string; stderr?: string }
    if (stderr === undefined) throw error
    return { code, stdout, stderr }
  }
}

// A stack trace frame, as Node prints it.
const STACK_FRAME = /^\s+at /m

describe('SQLite connections', () => {
  it('set WAL, synchronous=FULL, foreign keys and a short busy wait (no event-loop stall) on every connection', async () => {
    const path = join(tempDir(), 'db', 'x.sqlite')
    const connections = [
      openSqliteDatabase(path),
      openSqliteDatabase(path),
      openSqliteDatabase(path),
    ]
    for (const { sqlite } of connections) {
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(sqlite.pragma('synchronous', { simple: true })).toBe(2)
      expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
      // SQLite waits a moment for another process's lock; a write then retries asynchronously.
      expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(SERVING_BUSY_TIMEOUT_MS)
      expect(SERVING_BUSY_TIMEOUT_MS).toBeGreaterThan(0)
    }
    for (const connection of connections) await connection.close()
  })

  it.skipIf(process.platform !== 'linux')(
    'creates the folder 0700 and the database, -wal and -shm 0600, whatever the umask',
    async () => {
      const mode = (path: string) => statSync(path).mode & 0o777
      const previous = process.umask(0o022)
      try {
        const dir = tempDir()
        const path = join(dir, 'a', 'b', 'x.sqlite')
        const database = openSqliteDatabase(path)
        expect(mode(join(dir, 'a'))).toBe(0o700)
        expect(mode(join(dir, 'a', 'b'))).toBe(0o700)
        for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file)).toBe(0o600)
        await database.close()

        // A folder the operator made is left as it is; the file created in it is still private.
        mkdirSync(join(dir, 'mine'), { mode: 0o750 })
        const inMine = openSqliteDatabase(join(dir, 'mine', 'x.sqlite'))
        expect(mode(join(dir, 'mine'))).toBe(0o750)
        expect(mode(join(dir, 'mine', 'x.sqlite'))).toBe(0o600)
        await inMine.close()
      } finally {
        process.umask(previous)
      }
    },
  )

  it('rolls back every statement of an atomic write when one fails', async () => {
    const database = openSqliteDatabase(join(tempDir(), 'x.sqlite'))
    const { sql } = await import('drizzle-orm')
    await expect(
      database.writeAtomically([
        sql`insert into tenants (id, name, created_at) values ('t1', 'one', 1)`,
        sql`insert into tenants (id, name, created_at) values ('t1', 'duplicate', 2)`,
      ]),
    ).rejects.toThrow()
    expect(database.sqlite.prepare('select count(*) as n from tenants').get()).toEqual({ n: 0 })
    await database.close()
  })

  it('parses each SQL text once, and a statement read as raw rows stays objects for everyone else', async () => {
    const database = openSqliteDatabase(':memory:')
    // The connection drizzle was given (the port's type does not name it).
    const client = (database.db as unknown as { $client: typeof database.sqlite }).$client
    const text = "select 'one' as name, 1 as n"
    const first = client.prepare(text)
    expect(client.prepare(text)).toBe(first)
    expect(first.raw().all()).toEqual([['one', 1]])
    expect(client.prepare(text).all()).toEqual([{ name: 'one', n: 1 }])
    expect(first.get()).toEqual({ name: 'one', n: 1 })

    // Through drizzle: the same select as rows of fields and as plain objects.
    const { sql } = await import('drizzle-orm')
    await database.writeAtomically([
      sql`insert into tenants (id, name, created_at) values ('t1', 'one', 1)`,
    ])
    const { tenants } = await import('../../src/db/schema.ts')
    for (let i = 0; i < 3; i++) {
      expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 't1' }])
      expect(database.db.all(sql`select "id" from "tenants"`)).toEqual([{ id: 't1' }])
    }
    await database.close()
  })

  it('with the writer thread: writes commit there, atomically, errors come back as SQLite gave them, and this connection only reads', async () => {
    const { sql } = await import('drizzle-orm')
    const path = join(tempDir(), 'x.sqlite')
    const database = openSqliteDatabase(path, { writerThread: true })
    expect(database.sqlite.pragma('query_only', { simple: true })).toBe(1)
    expect(() =>
      database.sqlite
        .prepare(`insert into tenants (id, name, created_at) values ('x', 'x', 1)`)
        .run(),
    ).toThrow(/readonly/)

    const tenant = (id: string) =>
      sql`insert into tenants (id, name, created_at) values (${id}, ${id}, 1)`
    expect(await database.writeAtomically([tenant('t1'), tenant('t2')])).toEqual([1, 1])
    // Visible to this connection as soon as the write resolves.
    const count = () => database.sqlite.prepare('select count(*) as n from tenants').get()
    expect(count()).toEqual({ n: 2 })

    // A constraint failure rolls the whole write back and arrives as SQLite's own error.
    const duplicate = database.writeAtomically([tenant('t3'), tenant('t1')])
    await expect(duplicate).rejects.toThrow(/UNIQUE constraint failed/)
    await expect(duplicate).rejects.toBeInstanceOf(BetterSqlite3.SqliteError)
    expect(count()).toEqual({ n: 2 })
    // Foreign keys are enforced on the writer's connection too.
    await expect(
      database.writeAtomically([
        sql`insert into users (id, tenant_id, email, display_name, role, password_hash, credential_version, credential_id, must_change_password, created_at)
            values ('u1', 'no-such-tenant', 'a@b.test', 'A', 'user', 'h', 1, 'c', 0, 1)`,
      ]),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/)

    // SQLite's automatic checkpoint (past 1,000 pages of WAL) runs in the writer's commit, there.
    const before = statSync(path).size
    await database.writeAtomically([
      sql`create table filler (data blob)`,
      sql`insert into filler values (randomblob(6000000))`,
    ])
    expect(statSync(path).size - before).toBeGreaterThan(6_000_000)
    await database.close()
    expect(readdirSync(dirname(path))).toEqual(['x.sqlite'])

    // A late write (a notice sent past its response) fails; it does not open the file again.
    await expect(database.writeAtomically([tenant('t4')])).rejects.toThrow(/not open/)
    expect(readdirSync(dirname(path))).toEqual(['x.sqlite'])
  })
})

describe('CLI', () => {
  it('tenant create --json prints one JSON object, and the admin must change the password', async () => {
    const path = join(tempDir(), 'cli.sqlite')
    const { stdout } = await cli(
      ['tenant', 'create', '--name', 'Acme', '--admin-email', 'Root@Acme.test', '--json'],
      path,
    )
    const issued = JSON.parse(stdout)
    expect(Object.keys(issued).sort()).toEqual([
      'email',
      'expiresAt',
      'temporaryPassword',
      'tenantId',
      'userId',
    ])
    expect(issued.email).toBe('root@acme.test')
    expect(issued.temporaryPassword).toMatch(/^[\w]{4}(-[\w]{4}){3}$/)
    expect(stdout.trim().split('\n')).toHaveLength(1)

    const again = cli(
      ['tenant', 'create', '--name', 'Other', '--admin-email', 'root@acme.test'],
      path,
    )
    await expect(again).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already exists'),
    })

    const reset = JSON.parse(
      (await cli(['user', 'reset-password', '--email', 'ROOT@acme.test', '--json'], path)).stdout,
    )
    expect(reset.userId).toBe(issued.userId)
    expect(reset.temporaryPassword).not.toBe(issued.temporaryPassword)
    // Only a hash is stored, never the plaintext.
    expect(readFileSync(path).includes(Buffer.from(reset.temporaryPassword))).toBe(false)
  })

  it('explains bad usage on stderr with exit code 1', async () => {
    const path = join(tempDir(), 'cli.sqlite')
    await expect(cli(['tenant', 'create', '--name', 'Acme'], path)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--admin-email is required'),
    })
    await expect(
      cli(['user', 'reset-password', '--email', 'nobody@x.test'], path),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no user with this email'),
    })
    await expect(cli(['frobnicate'], path)).rejects.toMatchObject({ code: 1 })
  })

  it('refuses a bad environment with the readable config error, exit 1, no stack trace', async () => {
    const dir = tempDir()
    const path = join(dir, 'data', 'cli.sqlite')
    const create = ['tenant', 'create', '--name', 'Acme', '--admin-email', 'root@acme.test']
    const cases: [Record<string, string>, string][] = [
      [{ DATABASE_PATH: '' }, 'DATABASE_PATH'],
      [{ ONCEPASS_TEMP_PASSWORD_TTL: '5' }, 'ONCEPASS_TEMP_PASSWORD_TTL'],
      [{ ONCEPASS_SIGNING_KEY: 'abc' }, 'ONCEPASS_SIGNING_KEY'],
    ]
    for (const [env, name] of cases) {
      const failure = await cliFailure(create, path, env)
      expect(failure.code).toBe(1)
      expect(failure.stderr).toContain('Invalid configuration')
      expect(failure.stderr).toContain(name)
      expect(failure.stderr).not.toMatch(STACK_FRAME)
      expect(failure.stdout).toBe('')
    }
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })

  it('refuses a signing-key file that holds no usable key, without printing it', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'signing-key'), 'c2hvcnQ\n', { mode: 0o600 })
    const failure = await cliFailure(
      ['user', 'reset-password', '--email', 'root@acme.test'],
      join(dir, 'cli.sqlite'),
    )
    expect(failure.code).toBe(1)
    expect(failure.stderr).toContain(`${join(dir, 'signing-key')} does not hold a usable key`)
    expect(failure.stderr).not.toContain('c2hvcnQ')
    expect(failure.stderr).not.toMatch(STACK_FRAME)
  })

  it('ignores variables only the HTTP server reads, even when they are bad', async () => {
    const path = join(tempDir(), 'cli.sqlite')
    const { stdout } = await cli(
      ['tenant', 'create', '--name', 'Acme', '--admin-email', 'root@acme.test', '--json'],
      path,
      {
        PORT: 'not-a-port',
        ONCEPASS_ADMIN_EMAIL: 'nobody',
        ONCEPASS_HASH_CONCURRENCY: '0',
        ONCEPASS_HASH_QUEUE: '-1',
      },
    )
    expect(JSON.parse(stdout).email).toBe('root@acme.test')
  })

  it('refuses an --admin-email the HTTP API would refuse, and creates nothing', async () => {
    const dir = tempDir()
    const path = join(dir, 'data', 'cli.sqlite')
    for (const email of ['a@b', 'x', 'root@acme..test']) {
      const failure = await cliFailure(
        ['tenant', 'create', '--name', 'Acme', '--admin-email', email, '--json'],
        path,
      )
      expect(failure.code).toBe(1)
      expect(failure.stderr).toContain('--admin-email is not a valid email address')
      expect(failure.stdout).toBe('')
    }
    // Not even the database folder: arguments are checked before anything is opened.
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })
  it('closes the database before it exits on a failure: no -wal or -shm file is left behind', async () => {
    const dir = tempDir()
    const path = join(dir, 'data', 'cli.sqlite')
    await cli(['tenant', 'create', '--name', 'Acme', '--admin-email', 'root@acme.test'], path)
    expect(existsSync(`${path}-wal`)).toBe(false)
    // A refused command exits 1, but only after the connection is closed (and the WAL folded in).
    const failure = await cliFailure(
      ['user', 'reset-password', '--email', 'nobody@acme.test'],
      path,
    )
    expect(failure.code).toBe(1)
    expect(failure.stderr).toContain('no user with this email')
    expect(existsSync(`${path}-wal`)).toBe(false)
    expect(existsSync(`${path}-shm`)).toBe(false)
  })
})

describe('npm start', () => {
  let child: ChildProcess | undefined
  // npm leads its own process group: if the test fails, nothing it started (an orphaned node
  // included) outlives it.
  afterEach(() => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // the group is gone already
    }
    child = undefined
  })

  /** `npm start` on an empty folder, as a newcomer runs it; resolves once the server listens. */
  async function startServer(env: Record<string, string> = {}) {
    const databasePath = join(tempDir(), 'data', 'oncepass.sqlite')
    const port = await freePort()
    const started = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, PORT: String(port), DATABASE_PATH: databasePath, ...env },
    })
    child = started
    // 'close' fires only once every holder of the child's stdout has let go of it: a node process
    // orphaned by npm would keep it open.
    const closed = new Promise<number | null>((resolve) => started.on('close', resolve))
    const output = { stdout: '' }
    started.stdout!.on('data', (chunk) => {
      output.stdout += chunk
    })
    const deadline = Date.now() + 30_000
    while (!output.stdout.includes('server_started')) {
      if (Date.now() > deadline || started.exitCode !== null) {
        throw new Error(`no start: ${output.stdout}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const api = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}/api/v1/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    const bootstrapPassword = () => /temporary password: (\S+)/.exec(output.stdout)![1]!

    /** What a process manager does: SIGTERM to the process it started, which is npm. */
    async function stop() {
      process.kill(started.pid!, 'SIGTERM')
      return Promise.race([
        closed,
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`still running after SIGTERM: ${output.stdout}`)),
            15_000,
          ),
        ),
      ])
    }
    return { port, databasePath, output, api, bootstrapPassword, stop }
  }

  it('boots on an empty folder, prints the bootstrap password once, serves, and stops when npm gets SIGTERM', async () => {
    const server = await startServer()
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok' })

    const { stdout } = server.output
    const lines = stdout.split('\n').filter((line) => line.toLowerCase().includes('password'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('admin@example.com')
    const signIn = await server.api('auth/sign-in', {
      email: 'admin@example.com',
      password: server.bootstrapPassword(),
    })
    expect(((await signIn.json()) as { status: string }).status).toBe('password_change_required')
    expect(statSync(join(dirname(server.databasePath), 'signing-key')).mode & 0o077).toBe(0)

    expect(await server.stop()).toBe(0)
    expect(server.output.stdout).toContain('"event":"server_stopping","signal":"SIGTERM"')
    expect(server.output.stdout).toContain('server_stopped')
    expect(await connectionRefused(server.port)).toBe(true)
  }, 60_000)

  it('on a port already in use, says so in one readable line and exits 1, with no stack trace', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as AddressInfo
    try {
      const started = spawn('npm', ['start'], {
        cwd: ROOT,
        detached: true,
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_PATH: join(tempDir(), 'data', 'oncepass.sqlite'),
        },
      })
      child = started
      let stderr = ''
      started.stderr!.on('data', (chunk) => {
        stderr += chunk
      })
      const code = await new Promise((resolve) => started.on('close', resolve))
      expect(code).toBe(1)
      expect(stderr).toContain(
        `Cannot listen on 127.0.0.1:${port}: the address is already in use. Set PORT (or HOST) to another.`,
      )
      expect(stderr).not.toMatch(/^\s+at /m)
      expect(stderr).not.toContain('Unhandled')
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  }, 60_000)

  it('on SIGTERM, finishes the notice a response left sending: it arrives once and is marked sent', async () => {
    const inbox = await startSmtpInbox()
    try {
      // A slow relay: the notice is still in its SMTP conversation when SIGTERM comes.
      inbox.answerAfter(1_500)
      const server = await startServer({
        ONCEPASS_SMTP_URL: inbox.url,
        ONCEPASS_MAIL_FROM: 'oncepass <no-reply@example.com>',
      })
      const signIn = await server.api('auth/sign-in', {
        email: 'admin@example.com',
        password: server.bootstrapPassword(),
      })
      const { challengeToken } = (await signIn.json()) as { challengeToken: string }
      const changed = await server.api('auth/password-change', {
        challengeToken,
        newPassword: 'lantern harbour quietly folding maps',
      })
      expect(changed.status).toBe(200)

      expect(await server.stop()).toBe(0)
      expect(inbox.mails.map((mail) => mail.envelopeTo)).toEqual([['admin@example.com']])
      expect(server.output.stdout).not.toContain('outbox_delivery_failed')
      const database = new BetterSqlite3(server.databasePath, { readonly: true })
      const notices = database.prepare('select kind, sent_at as sentAt from outbox').all()
      database.close()
      // Marked sent, so the next start does not send it again.
      expect(notices).toEqual([{ kind: 'password_changed', sentAt: expect.any(Number) }])
    } finally {
      await inbox.close()
    }
  }, 60_000)
})
