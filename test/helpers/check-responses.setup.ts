import { afterAll, expect } from 'vitest'
import { type RecordedCall, recordResponses } from './harness.ts'
import { checkResponse, type OpenApiDocument } from './openapi-validator.ts'

// Setup file of responses.vitest.config.ts: records every response a test file's calls get and,
// once the file is done, checks each against the /openapi.json of the app that answered it.

const calls: RecordedCall[] = []
const stop = recordResponses((call) => calls.push(call))

afterAll(async () => {
  stop()
  const documents = new Map<RecordedCall['app'], OpenApiDocument>()
  const violations = new Set<string>()
  for (const call of calls) {
    let document = documents.get(call.app)
    if (!document) {
      document = (await (await call.app.request('/openapi.json')).json()) as OpenApiDocument
      documents.set(call.app, document)
    }
    for (const violation of checkResponse(document, call)) violations.add(violation)
  }
  expect([...violations].sort(), `${calls.length} responses checked`).toEqual([])
})
