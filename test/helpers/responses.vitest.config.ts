import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The whole HTTP behaviour suite on Node, with every response checked against /openapi.json:
//   npx vitest run -c test/helpers/responses.vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/http/**/*.test.ts'],
    setupFiles: ['test/helpers/check-responses.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
