import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { launchBrowser } from './support/browser.ts'
import { runWholeJourney } from './support/journey.ts'
import { type RunningServer, startWorkerDev } from './support/servers.ts'

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startWorkerDev()])
})
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

describe('on workerd (npm run dev:worker)', () => {
  it('the same journey: setup admin → forced change → add user → reset → shown once → user home', async () => {
    await runWholeJourney(browser, server, 'worker')
  })
})
