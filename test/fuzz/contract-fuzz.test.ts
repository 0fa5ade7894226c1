import { describe, expect, it } from 'vitest'
import { formatReport, fuzzApp } from './fuzz-run.ts'

// A short, seeded run of the contract fuzzer (`npm run fuzz` runs it long, with a random seed):
// every API operation of /openapi.json and every page route of the app, signed in and not.
const options = { seed: 20260522, runs: 50 }

describe('the contract fuzzer', () => {
  it('finds no 5xx, no undocumented answer, no missing header, no ignored credentials', async () => {
    const report = await fuzzApp(options)
    const summary = formatReport(report, options)
    expect(report.failures, summary).toEqual([])
    // Every target got its requests: the route tables were walked, none skipped.
    for (const target of report.targets) expect(target.requests, target.label).toBe(options.runs)
    expect(report.targets.filter((t) => t.label.startsWith('POST /')).length).toBeGreaterThan(20)
  }, 120_000)
})
