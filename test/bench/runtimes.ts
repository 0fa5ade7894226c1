/**
 * `npm run bench:runtimes`: argon2id hash and verify time, and a sign-in round trip (loopback HTTP,
 * right password, session issued), on Node and on workerd. Each sign-in is timed right after one
 * raw hash and verify on the same runtime, so that both halves of the ratio see the same machine
 * (this shared one's speed drifts by a fifth within minutes); medians of N such pairs, after N
 * pairs that warm the server up, as a running server is. Both runtimes are asked by the same
 * client (node:http, one kept-alive socket). workerd runs the bundle `wrangler deploy` would upload,
 * in Miniflare with wrangler.toml's bindings and a local D1, not behind `wrangler dev`'s proxy:
 * that proxy, there for live reload, added about 2.5 ms to every request it passed on.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions, unstable_startWorker } from 'wrangler'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import testOidcKey from '../helpers/test-oidc-key.json' with { type: 'json' }
import { closeDriver, send } from './http-driver.ts'
import { startScriptNodeFlags } from './start-flags.ts'

const N = 15
const ROOT = new URL('../../', import.meta.url).pathname
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
// The same quieting as the wrangler npm scripts, for wrangler in this process and what it spawns.
const quiet = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
}
Object.assign(process.env, quiet, { XDG_CONFIG_HOME: join(ROOT, '.cache/xdg') })

async function postJson(url: string, body: unknown, token?: string) {
  const res = await send(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })
  return JSON.parse(res.body) as any
}

interface Timings {
  hashMs: number
  verifyMs: number
  signInMs: number
}

/** One raw argon2id hash and verify on the runtime under test, timed there. */
type RawSample = () => Promise<{ hashMs: number; verifyMs: number }>

/**
 * The admin sets a password; then 2 × N times a raw hash and verify followed by a sign-in, of
 * which the last N are kept.
 */
async function timeSignIns(
  base: string,
  temporary: { email: string; password: string },
  raw: RawSample,
) {
  const { email } = temporary
  const challenge = await postJson(`${base}/api/v1/auth/sign-in`, temporary)
  const password = 'runtime bench passphrase 2026'
  await postJson(`${base}/api/v1/auth/password-change`, {
    challengeToken: challenge.challengeToken,
    newPassword: password,
  })
  const samples: Timings[] = []
  for (let i = 0; i < 2 * N; i++) {
    const { hashMs, verifyMs } = await raw()
    const started = performance.now()
    const res = await postJson(`${base}/api/v1/auth/sign-in`, { email, password })
    if (res.status !== 'signed_in') throw new Error(JSON.stringify(res))
    if (i >= N) samples.push({ hashMs, verifyMs, signInMs: performance.now() - started })
  }
  return {
    hashMs: median(samples.map((sample) => sample.hashMs)),
    verifyMs: median(samples.map((sample) => sample.verifyMs)),
    signInMs: median(samples.map((sample) => sample.signInMs)),
  }
}

async function nodeNumbers(): Promise<Timings> {
  const hasher = createArgon2Hasher()
  const raw: RawSample = async () => {
    let started = performance.now()
    const phc = await hasher.hash('runtime benchmark password')
    const hashMs = performance.now() - started
    started = performance.now()
    await hasher.verify(phc, 'runtime benchmark password')
    return { hashMs, verifyMs: performance.now() - started }
  }
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, stdio: 'inherit' })
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-rt-'))
  const port = 20_000 + (crypto.getRandomValues(new Uint16Array(1))[0]! % 20_000)
  const child = spawn(process.execPath, [...startScriptNodeFlags(ROOT), 'dist/node/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '8',
      PORT: String(port),
      DATABASE_PATH: join(dir, 'db.sqlite'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout!.on('data', (chunk) => (out += chunk))
  while (!out.includes('server_started')) await sleep(20)
  const temporary = /temporary password: (\S+)/.exec(out)![1]!
  const timings = await timeSignIns(
    `http://127.0.0.1:${port}`,
    { email: 'admin@example.com', password: temporary },
    raw,
  )
  child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
  return timings
}

/** The WASM hasher timed inside workerd, by a measuring Worker of its own (hash-worker.ts). */
async function startHashWorker() {
  const hashWorker = await unstable_startWorker({
    entrypoint: join(ROOT, 'test/bench/hash-worker.ts'),
    compatibilityDate: '2026-04-26',
    dev: {
      inspector: false,
      watch: false,
      remote: false,
      logLevel: 'error',
      persist: false,
      server: { hostname: '127.0.0.1', port: 0 },
    },
  })
  const raw: RawSample = async () => {
    const res = await hashWorker.fetch('http://bench/?n=1')
    const timings = (await res.json()) as { hashMs: number[]; verifyMs: number[] }
    return { hashMs: timings.hashMs[0]!, verifyMs: timings.verifyMs[0]! }
  }
  return { raw, dispose: () => hashWorker.dispose() }
}

/**
 * The real Worker as `wrangler deploy` bundles it, with wrangler.toml's bindings and a local D1 in
 * a fresh folder (migrated by wrangler).
 */
async function startBundledWorker(state: string, setupToken: string) {
  const bundle = join(state, 'bundle')
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', bundle], {
    cwd: ROOT,
    stdio: 'ignore',
  })
  execFileSync(
    'npx',
    ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state],
    { cwd: ROOT, stdio: 'ignore' },
  )
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'))
  const worker = new Miniflare({
    ...workerOptions,
    modules: true,
    scriptPath: join(bundle, 'worker.js'),
    modulesRoot: bundle,
    bindings: {
      ...workerOptions.bindings,
      ONCEPASS_SIGNING_KEY: 'runtime-bench-signing-key-0123456789abcdefghij',
      ONCEPASS_ENCRYPTION_KEY: 'cnVudGltZS1iZW5jaC1lbmNyeXB0aW9uLWtleS0wMTI',
      ONCEPASS_SETUP_TOKEN: setupToken,
      // Required on Workers since the OpenID Provider: the suite's fixed test key.
      ONCEPASS_OIDC_SIGNING_KEY: JSON.stringify(testOidcKey),
    },
    // Where `wrangler d1 migrations apply --persist-to` left the database.
    d1Persist: join(state, 'v3', 'd1'),
    host: '127.0.0.1',
    port: 0,
  })
  return { worker, base: (await worker.ready).origin }
}

/** The real Worker set up through POST /api/v1/setup, measured beside the measuring Worker. */
async function workerdNumbers(): Promise<Timings> {
  const hashWorker = await startHashWorker()
  const state = mkdtempSync(join(tmpdir(), 'oncepass-d1-'))
  const setupToken = 'runtime-bench-setup-token-0123456789abcdef'
  const { worker, base } = await startBundledWorker(state, setupToken)
  const setup = await postJson(
    `${base}/api/v1/setup`,
    { tenantName: 'Bench', adminEmail: 'admin@example.com' },
    setupToken,
  )
  const temporary = { email: setup.email, password: setup.temporaryPassword }
  const timings = await timeSignIns(base, temporary, hashWorker.raw)
  closeDriver()
  await worker.dispose()
  await hashWorker.dispose()
  rmSync(state, { recursive: true, force: true })
  return timings
}

const node = await nodeNumbers()
const workerd = await workerdNumbers()
const fmt = (n: number) => n.toFixed(1).padStart(8)
const ratio = (numbers: Timings) => (numbers.signInMs / numbers.verifyMs).toFixed(2).padStart(7)
console.log(`\nargon2id m=19456 t=2 p=1, medians of ${N} (ms)`)
console.log(`runtime      hash    verify   sign-in round trip   ratio (target ≤ 1.25)`)
console.log(
  `node     ${fmt(node.hashMs)}  ${fmt(node.verifyMs)}  ${fmt(node.signInMs)}  ${ratio(node)}`,
)
console.log(
  `workerd  ${fmt(workerd.hashMs)}  ${fmt(workerd.verifyMs)}  ${fmt(workerd.signInMs)}  ${ratio(workerd)}`,
)
writeFileSync('bench-runtimes.json', `${JSON.stringify({ node, workerd }, null, 2)}\n`)
process.exit(0)
