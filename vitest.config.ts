import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import testOidcKey from './test/helpers/test-oidc-key.json' with { type: 'json' }

// One `vitest run`, two runtimes. The behaviour suite in test/http runs unchanged on both: on
// Node against SQLite files, and inside workerd against a local D1, where '../helpers/test-app.ts'
// resolves to the Workers helper.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workers/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
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
          name: 'workers',
          include: ['test/http/**/*.test.ts', 'test/workers/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
