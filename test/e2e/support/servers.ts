import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../../..')
const START_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 10_000

/** A running server this suite started, its output so far, and how to stop it. */
export interface RunningServer {
  baseUrl: string
  /** The bootstrap (Node) or setup (Workers) admin and their one-time temporary password. */
  admin: { email: string; temporaryPassword: string }
  output: () => string
  stop: () => Promise<void>
}

/** A port nothing listens on right now, chosen by the OS. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/**
 * `npm start`'s server, as a user runs it: the esbuild bundle (built once by global-setup) on a
 * fresh database in a temporary folder. The bootstrap admin's password is read from its stdout.
 */
export async function startNodeServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-e2e-node-'))
  const port = await freePort()
  const child = spawn('node', ['--enable-source-maps', join(ROOT, 'dist/node/main.js')], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_PATH: join(dir, 'oncepass.sqlite'),
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const output = collectOutput(child)
  const stop = () =>
    stopProcessGroup(child).finally(() => rmSync(dir, { recursive: true, force: true }))
  try {
    const line = await waitForOutput(child, output, /temporary password: (\S+)/)
    const email = /admin: (\S+) —/.exec(line)?.[1] ?? 'admin@example.com'
    const baseUrl = `http://127.0.0.1:${port}`
    await waitForHealth(baseUrl, child, output)
    return {
      baseUrl,
      admin: { email, temporaryPassword: line.match(/temporary password: (\S+)/)![1]! },
      output,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * `npm run dev:worker -- --port <port>` (workerd with a local D1), in a temporary folder so that
 * its `.dev.vars` and `.wrangler` state never touch the checkout. The first tenant is created with
 * the setup request the script prints.
 */
export async function startWorkerDev(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-e2e-worker-'))
  for (const name of ['src', 'drizzle', 'node_modules', 'tsconfig.json', 'tsconfig.workers.json']) {
    symlinkSync(join(ROOT, name), join(dir, name))
  }
  // Copies, not links: wrangler keeps its state beside the config file it was given.
  for (const name of ['package.json', 'wrangler.toml'])
    copyFileSync(join(ROOT, name), join(dir, name))
  const port = await freePort()
  const child = spawn('npm', ['run', '--silent', 'dev:worker', '--', '--port', String(port)], {
    cwd: dir,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const output = collectOutput(child)
  const stop = () =>
    stopProcessGroup(child).finally(() => rmSync(dir, { recursive: true, force: true }))
  try {
    const curl = await waitForOutput(
      child,
      output,
      /curl -s (\S+\/api\/v1\/setup) .*Bearer ([^']+)'.*-d '([^']+)'/,
    )
    const [, setupUrl, setupToken, body] = curl.match(
      /curl -s (\S+) .*Bearer ([^']+)'.*-d '([^']+)'/,
    )!
    const baseUrl = `http://127.0.0.1:${port}`
    await waitForHealth(baseUrl, child, output)
    const response = await fetch(setupUrl!, {
      method: 'POST',
      headers: { authorization: `Bearer ${setupToken}`, 'content-type': 'application/json' },
      body: body!,
    })
    if (response.status !== 201)
      throw new Error(`setup: ${response.status} ${await response.text()}`)
    const issued = (await response.json()) as { email: string; temporaryPassword: string }
    return {
      baseUrl,
      admin: { email: issued.email, temporaryPassword: issued.temporaryPassword },
      output,
      stop,
    }
  } catch (error) {
    await stop()
    throw new Error(`dev:worker did not start:\n${output()}`, { cause: error })
  }
}

/** A second origin on another port: serves one page, the given HTML, at `/`. */
export async function startForeignSite(
  html: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}

function collectOutput(child: ChildProcess): () => string {
  let text = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  return () => text
}

/** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
): Promise<string> {
  return new Promise((done, fail) => {
    const check = () => {
      const line = output()
        .split('\n')
        .find((candidate) => pattern.test(candidate))
      if (line === undefined) return
      cleanUp()
      done(line)
    }
    const exited = (code: number | null) => {
      cleanUp()
      fail(new Error(`exited (${code}) before printing ${pattern}:\n${output()}`))
    }
    const timer = setTimeout(() => {
      cleanUp()
      fail(new Error(`no ${pattern} within ${START_TIMEOUT_MS} ms:\n${output()}`))
    }, START_TIMEOUT_MS)
    const cleanUp = () => {
      clearTimeout(timer)
      child.stdout?.off('data', check)
      child.stderr?.off('data', check)
      child.off('exit', exited)
    }
    child.stdout?.on('data', check)
    child.stderr?.on('data', check)
    child.on('exit', exited)
    check()
  })
}

/** Polls /healthz until it answers 200, within a bounded time; a server that exits fails fast. */
async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}):\n${output()}`)
    const healthy = await fetch(`${baseUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    )
    if (healthy) return
    await new Promise((next) => setTimeout(next, 200))
  }
  throw new Error(`${baseUrl}/healthz not ready within ${START_TIMEOUT_MS} ms:\n${output()}`)
}

/** SIGTERM to the process group this suite started (npm → node → wrangler → workerd), then SIGKILL. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  signalGroup(child.pid, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
  // Children that outlive their parent (workerd) go with the group.
  signalGroup(child.pid, 'SIGKILL')
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}
