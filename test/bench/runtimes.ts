/**
 * `npm run bench:runtimes`: argon2id hash and verify time, and a sign-in round trip (loopback HTTP,
 * right password, session issued), on Node and on workerd (local, via wrangler). Medians of N.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unstable_startWorker } from 'wrangler'
import { createArgon2Hasher } from '../../src/runtime/node/argon2-hasher.ts'
import testOidcKey from '../helpers/test-oidc-key.json' with { type: 'json' }
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
const dev = { inspector: false as const, watch: false, remote: false, logLevel: 'error' as const }

async function json(url: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return res.json() as Promise<any>
}

/** The admin sets a password; then N sign-ins in a row are timed end to end. */
async function signInRoundTrips(base: string, email: string, temporaryPassword: string) {
  const challenge = await json(`${base}/api/v1/auth/sign-in`, {
    email,
    password: temporaryPassword,
  })
  const password = 'runtime bench passphrase 2026'
  await json(`${base}/api/v1/auth/password-change`, {
    challengeToken: challenge.challengeToken,
    newPassword: password,
  })
  const times: number[] = []
  for (let i = 0; i < N; i++) {
    const started = performance.now()
    const res = await json(`${base}/api/v1/auth/sign-in`, { email, password })
    if (res.status !== 'signed_in') throw new Error(JSON.stringify(res))
    times.push(performance.now() - started)
  }
  return median(times)
}

async function nodeNumbers() {
  const hasher = createArgon2Hasher()
  const hashMs: number[] = []
  const verifyMs: number[] = []
  for (let i = 0; i < N; i++) {
    let started = performance.now()
    const phc = await hasher.hash(`runtime benchmark password ${i}`)
    hashMs.push(performance.now() - started)
    started = performance.now()
    await hasher.verify(phc, `runtime benchmark password ${i}`)
    verifyMs.push(performance.now() - started)
  }
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, stdio: 'inherit' })
  const dir = mkdtempSync(join(tmpdir(), 'oncepass-rt-'))
  const port = 20_000 + (crypto.getRandomValues(new Uint16Array(1))[0]! % 20_000)
  const child = spawn(process.execPath, [...startScriptNodeFlags(ROOT), 'dist/node/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_PATH: join(dir, 'db.sqlite') },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout!.on('data', (chunk) => (out += chunk))
  while (!out.includes('server_started')) await sleep(20)
  const temporary = /temporary password: (\S+)/.exec(out)![1]!
  const roundTrip = await signInRoundTrips(
    `http://127.0.0.1:${port}`,
    'admin@example.com',
    temporary,
  )
  child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
  return { hashMs: median(hashMs), verifyMs: median(verifyMs), signInMs: roundTrip }
}

async function workerdNumbers() {
  const hashWorker = await unstable_startWorker({
    entrypoint: join(ROOT, 'test/bench/hash-worker.ts'),
    compatibilityDate: '2026-04-26',
    dev: { ...dev, persist: false, server: { hostname: '127.0.0.1', port: 0 } },
  })
  const timings = (await (await hashWorker.fetch(`http://bench/?n=${N}`)).json()) as {
    hashMs: number[]
    verifyMs: number[]
  }
  await hashWorker.dispose()

  // The real Worker with a local D1 in a fresh folder, set up through POST /api/v1/setup.
  const state = mkdtempSync(join(tmpdir(), 'oncepass-d1-'))
  execFileSync(
    'npx',
    ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  )
  const setupToken = 'runtime-bench-setup-token-0123456789abcdef'
  const worker = await unstable_startWorker({
    config: join(ROOT, 'wrangler.toml'),
    bindings: {
      ONCEPASS_SIGNING_KEY: {
        type: 'plain_text',
        value: 'runtime-bench-signing-key-0123456789abcdefghij',
      },
      ONCEPASS_ENCRYPTION_KEY: {
        type: 'plain_text',
        value: 'cnVudGltZS1iZW5jaC1lbmNyeXB0aW9uLWtleS0wMTI',
      },
      ONCEPASS_SETUP_TOKEN: { type: 'plain_text', value: setupToken },
      // Required on Workers since the OpenID Provider: the suite's fixed test key.
      ONCEPASS_OIDC_SIGNING_KEY: { type: 'plain_text', value: JSON.stringify(testOidcKey) },
    },
    dev: { ...dev, persist: state, server: { hostname: '127.0.0.1', port: 0 } },
  })
  const base = (await worker.url).origin
  const issued = await json(
    `${base}/api/v1/setup`,
    { tenantName: 'Bench', adminEmail: 'admin@example.com' },
    setupToken,
  )
  const roundTrip = await signInRoundTrips(base, issued.email, issued.temporaryPassword)
  await worker.dispose()
  rmSync(state, { recursive: true, force: true })
  return { hashMs: median(timings.hashMs), verifyMs: median(timings.verifyMs), signInMs: roundTrip }
}

const node = await nodeNumbers()
const workerd = await workerdNumbers()
const fmt = (n: number) => n.toFixed(1).padStart(8)
console.log(`\nargon2id m=19456 t=2 p=1, medians of ${N} (ms)`)
console.log(`runtime      hash    verify   sign-in round trip`)
console.log(`node     ${fmt(node.hashMs)}  ${fmt(node.verifyMs)}  ${fmt(node.signInMs)}`)
console.log(`workerd  ${fmt(workerd.hashMs)}  ${fmt(workerd.verifyMs)}  ${fmt(workerd.signInMs)}`)
writeFileSync('bench-runtimes.json', `${JSON.stringify({ node, workerd }, null, 2)}\n`)
process.exit(0)
