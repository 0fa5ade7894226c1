import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { launchBrowser } from './support/browser.ts'
import { runWholeJourney } from './support/journey.ts'
import { type RunningServer, startNodeServer } from './support/servers.ts'

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startNodeServer()])
})
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

describe('on Node (the npm start bundle)', () => {
  it('bootstrap admin → forced change → add user → reset → shown once → user signs in → home', async () => {
    await runWholeJourney(browser, server, 'node')
  })
})
