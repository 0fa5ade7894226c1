/**
 * `npm run dev:worker`: serves the API from workerd (`wrangler dev`) on 127.0.0.1 with a local D1
 * migrated from drizzle/. On first use it writes `.dev.vars` (git-ignored) with a random signing
 * key, encryption key, OpenID signing key and setup token, and prints how to create the first tenant.
 */
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { generateOidcKey } from '../../core/oidc/signing-keys.ts'
import { randomToken } from '../../core/random.ts'
import { wranglerDevArgs } from './wrangler-dev-args.ts'

// Wrangler's telemetry and network probes are switched off by the npm script's environment.
const { port, args } = wranglerDevArgs(process.argv.slice(2))
const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes)

if (!existsSync('.dev.vars')) {
  writeFileSync(
    '.dev.vars',
    `ONCEPASS_SIGNING_KEY=${randomToken(random)}\nONCEPASS_SETUP_TOKEN=${randomToken(random)}\n`,
    { mode: 0o600 },
  )
}
// Added to a .dev.vars written before seeds were encrypted: exactly 32 bytes for AES-256.
if (!/^ONCEPASS_ENCRYPTION_KEY=/m.test(readFileSync('.dev.vars', 'utf8'))) {
  appendFileSync('.dev.vars', `ONCEPASS_ENCRYPTION_KEY=${randomToken(random, 32)}\n`)
}
// Added to a .dev.vars written before apps could sign in through oncepass: a fresh ES256 key.
if (!/^ONCEPASS_OIDC_SIGNING_KEY=/m.test(readFileSync('.dev.vars', 'utf8'))) {
  appendFileSync(
    '.dev.vars',
    `ONCEPASS_OIDC_SIGNING_KEY='${JSON.stringify(await generateOidcKey())}'\n`,
  )
}
const setupToken = /ONCEPASS_SETUP_TOKEN=(\S+)/.exec(readFileSync('.dev.vars', 'utf8'))?.[1]

// Not a terminal on stdin: wrangler applies without asking.
const migrated = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], {
  stdio: ['ignore', 'inherit', 'inherit'],
})
if (migrated.status !== 0) process.exit(migrated.status ?? 1)

process.stdout.write(
  `\noncepass on workerd: http://127.0.0.1:${port}\n` +
    `First tenant and admin (once):\n  curl -s http://127.0.0.1:${port}/api/v1/setup ` +
    `-H 'authorization: Bearer ${setupToken}' -H 'content-type: application/json' ` +
    `-d '{"tenantName":"Acme","adminEmail":"admin@example.com"}'\n\n`,
)
// The public origin is the dev server's own; another can be given with --var, passed through.
const publicUrl = `http://127.0.0.1:${port}`
const dev = spawn(
  'npx',
  ['wrangler', 'dev', '--var', `ONCEPASS_PUBLIC_URL:${publicUrl}`, ...args],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
