import { defineConfig } from 'vitest/config'

// The browser suite: real servers (the Node bundle and `npm run dev:worker`) driven by Debian's
// Chromium. Kept out of `npm test`; `npm run test:e2e` runs it, one file at a time so that the
// browser and the servers do not compete for a small machine's cores.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
