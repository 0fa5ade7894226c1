import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import testOidcKey from './test/helpers/test-oidc-key.json' with { type: 'json' }

// One `vitest run`, two runtimes. The behaviour suite in test/http runs unchanged on both: on
// Node against SQLite files, and inside workerd against a local D1, where '../helpers/test-app.ts'
// resolves to the Workers helper.
//
// Vitest's default is one worker fewer than the cores, a single worker on a 2-core machine. The
// Node files spend much of their time waiting on argon2's threads and the SQLite writer, so one
// more worker than cores keeps the cores busy; workerd files are CPU-bound and get one per core.
// Different worker counts need different group orders: the Node files run first, then workerd's.
const cores = availableParallelism()

// The files that call the Worker entry and watch what happens at its first use: it caches its
// validated config per env object, and the argon2 WASM instance per isolate. They change bindings
// on the pool's one env before their first request, so each needs module instances of its own.
const ENTRY_FILES = 'test/workers/worker-*.test.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/workers/**'],
          maxWorkers: cores + 1,
          // Each test builds its own app over its own database file, so files can share module
          // instances: the app's modules load once per worker instead of once per file.
          isolate: false,
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      // Files share one workerd isolate (module instances too): importing the app once instead
      // of once per file saves about a third of the workerd run. Storage stays per test.
      workerdProject({
        name: 'workers',
        include: ['test/http/**/*.test.ts', 'test/workers/**/*.test.ts'],
        exclude: [ENTRY_FILES],
        isolate: false,
      }),
      workerdProject({ name: 'workers-entry', include: [ENTRY_FILES] }),
    ],
  },
})

/** A project whose files run inside workerd, against a local D1, through the pool's one env. */
function workerdProject(files: {
  name: string
  include: string[]
  exclude?: string[]
  isolate?: boolean
}) {
  return {
    plugins: [
      cloudflareTest(async () => ({
        main: './src/runtime/workers/worker.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations('./drizzle'),
            ONCEPASS_SIGNING_KEY: 'workers-test-signing-key-not-secret-0123456789',
            // 32 bytes, base64url: a test value, not a secret.
            ONCEPASS_ENCRYPTION_KEY: 'd29ya2Vycy10ZXN0LWVuY3J5cHRpb24ta2V5LTAxMjM',
            ONCEPASS_OIDC_SIGNING_KEY: JSON.stringify(testOidcKey),
          },
        },
      })),
    ],
    resolve: {
      // Worktrees share one node_modules by symlink; workerd must load its WASM by real path.
      preserveSymlinks: true,
      alias: [
        {
          find: /^\.\.\/helpers\/test-app\.ts$/,
          replacement: fileURLToPath(
            new URL('./test/helpers/test-app.workers.ts', import.meta.url),
          ),
        },
      ],
    },
    test: {
      ...files,
      maxWorkers: cores,
      sequence: { groupOrder: 1 },
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  }
}
