import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Stryker's test run for the deciding services (test/mutation/mutate.ts): the services' tests and
// the HTTP suite on Node, which drives them through the app.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/services/**/*.test.ts', 'test/http/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
