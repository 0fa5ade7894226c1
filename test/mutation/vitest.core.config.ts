import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Stryker's test run for src/core (test/mutation/mutate.ts): the pure rules' own tests only, so
// a surviving mutant means test/core does not pin that behaviour.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/core/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
