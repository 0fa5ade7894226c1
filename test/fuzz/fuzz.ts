/**
 * The contract fuzzer, long (npm run fuzz): every API operation and page route of a fresh test
 * app, with a random seed unless one is given.
 *
 *   npm run fuzz -- [--runs 500] [--seed N] [--only 'POST /language'] [--path P] [--http]
 *
 * --http sends the requests through a real @hono/node-server on 127.0.0.1 (what production runs),
 * instead of `app.request`. Prints requests sent, the status histogram and each failure with the
 * command that replays it; exits 1 when something failed.
 */
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { createJsonLogger } from '../../src/core/logger.ts'
import { sendableResponse } from '../../src/runtime/node/sendable-response.ts'
import type { TestApp } from '../helpers/test-app.ts'
import { type FuzzOptions, formatReport, fuzzApp } from './fuzz-run.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    seed: { type: 'string' },
    only: { type: 'string' },
    path: { type: 'string' },
    http: { type: 'boolean', default: false },
  },
})

const seed =
  values.seed === undefined
    ? crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1
    : Number(values.seed)
const options: FuzzOptions = {
  seed,
  runs: values.path ? 1 : Number(values.runs),
  only: values.only,
  path: values.path,
  send: values.http ? sendOverHttp() : undefined,
  onTarget: (target, index, count) =>
    process.stderr.write(`[${index + 1}/${count}] ${target.label}\n`),
}

const started = performance.now()
const report = await fuzzApp(options)
process.stdout.write(`${formatReport(report, options)}\n`)
process.stdout.write(`time: ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
process.exit(report.failures.length === 0 ? 0 : 1)

/** One loopback server per app, started on first use, serving it as main.ts does. */
function sendOverHttp(): (t: TestApp, request: Request) => Promise<Response> {
  const servers = new Map<TestApp, Promise<string>>()
  const logger = createJsonLogger((line) => process.stderr.write(`${line}\n`))
  return async (t, request) => {
    let origin = servers.get(t)
    if (!origin) {
      origin = new Promise((resolve) => {
        const server = serve(
          {
            fetch: async (request) => sendableResponse(await t.app.fetch(request), logger),
            port: 0,
            hostname: '127.0.0.1',
          },
          (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`),
        )
        server.unref()
      })
      servers.set(t, origin)
    }
    const url = new URL(request.url)
    // Node's fetch will not send a header with a control character (the in-process run does).
    const headers = new Headers()
    for (const [name, value] of request.headers) {
      if (!/[^\t\x20-\x7e\x80-\uffff]/.test(value)) headers.set(name, value)
    }
    return fetch(`${await origin}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.body ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
    })
  }
}
