import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Stryker's test run for the deciding services (test/mutation/mutate.ts): the services' tests and
// the HTTP files on Node that drive each one through the app.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // The files test/mutation/mutate.ts names for the services it mutates; all of them otherwise.
    include: process.env.MUTATE_TEST_FILES?.split(',') ?? [
      'test/services/**/*.test.ts',
      'test/http/**/*.test.ts',
    ],
    // Stryker switches mutants at run time, so test files can share module instances: the app
    // loads once per run instead of once per file.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
