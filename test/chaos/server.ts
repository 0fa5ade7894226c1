import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'

// The real server as an operator runs it (the `npm start` bundle), on loopback only, for the
// chaos rounds: started, loaded, killed and started again on the same database file.

export const ROOT = new URL('../../', import.meta.url).pathname
export const API = '/api/v1'
export const ADMIN_EMAIL = 'admin@chaos.test'

/**
 * Bundles `entry` (by default this checkout's src/runtime/node/main.ts) as `npm start`'s prestart
 * does, with the SQLite writer thread's file beside it, into dist/ so the bundle finds the
 * drizzle/ migrations above it. Returns the bundle path.
 */
export async function buildServer(entry = join(ROOT, 'src/runtime/node/main.ts')): Promise<string> {
  const outdir = join(ROOT, 'dist', 'chaos')
  const writerThread = join(dirname(entry), 'sqlite-writer-thread.ts')
  mkdirSync(outdir, { recursive: true })
  await build({
    entryPoints: {
      [`main-${process.pid}`]: entry,
      ...(existsSync(writerThread) ? { 'sqlite-writer-thread': writerThread } : {}),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    logLevel: 'warning',
  })
  return join(outdir, `main-${process.pid}.js`)
}

export function removeBuild(bundle: string) {
  rmSync(bundle, { force: true })
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface RunningServer {
  child: ChildProcess
  base: string
  bundle: string
  databasePath: string
  logFile: string
  /** Everything printed so far (also appended to `logFile`). */
  output(): string
  kill(signal?: NodeJS.Signals): Promise<void>
}

/** Starts the bundle on `databasePath` and resolves once it listens (with its stdout so far). */
export async function startServer(
  bundle: string,
  databasePath: string,
  logFile: string,
): Promise<RunningServer> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: databasePath,
      ONCEPASS_ADMIN_EMAIL: ADMIN_EMAIL,
      // The load is one client IP and one admin: the limits under test here are not these.
      ONCEPASS_IP_LOCK_THRESHOLD: '1000000',
      ONCEPASS_RESETS_PER_ADMIN_PER_MINUTE: '1000000',
      ONCEPASS_RESETS_PER_USER_PER_MINUTE: '1000000',
      ONCEPASS_HASH_MAX_WAIT_MS: '5000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const record = (chunk: Buffer) => {
    text += chunk.toString()
    appendFileSync(logFile, chunk)
  }
  child.stdout!.on('data', record)
  child.stderr!.on('data', record)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 30_000
  while (!text.includes('server_started')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not start: ${text}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    bundle,
    databasePath,
    logFile,
    output: () => text,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

export interface Answer {
  status: number
  json: any
  headers: Headers
  ms: number
}

/** One request; `null` when no answer came (the server died or refused the connection). */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer | null> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  const started = performance.now()
  try {
    const response = await fetch(`${base}${path.startsWith('/') ? path : `${API}/${path}`}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await response.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      // not JSON
    }
    return {
      status: response.status,
      json,
      headers: response.headers,
      ms: performance.now() - started,
    }
  } catch {
    return null
  }
}

/** The password the first start printed for the bootstrap admin. */
export function bootstrapPassword(output: string): string {
  const match = /temporary password: (\S+)/.exec(output)
  if (!match) throw new Error(`no bootstrap password printed: ${output}`)
  return match[1]!
}
