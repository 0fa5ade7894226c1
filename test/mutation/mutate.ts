/**
 * Mutation testing with Stryker, scoped so it fits a small machine:
 *
 *   npm run mutate                          every core module (test/core only)
 *   npm run mutate -- services              the deciding services (each against its HTTP files)
 *   npm run mutate -- src/core/roles.ts     one or more files
 *   … -- --concurrency 2 <scope>            test runners at once (default 1)
 *
 * In the services, static mutants (module-level values, run once at import) are left out and
 * counted apart: each would need every HTTP test re-run (about a minute apiece), which made one
 * service's run take hours.
 *
 * Prints the score per module (killed + timed out over all valid mutants) and the run time; the
 * survivors are in reports/mutation/mutation.json.
 */
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core'
import { Stryker } from '@stryker-mutator/core'
import { parseArgs } from 'node:util'

/** The deciding rules in src/core, pinned by test/core. */
const coreModules = [
  'roles',
  'throttle',
  'expiry',
  'password-policy',
  'tokens',
  'temporary-password',
  'totp',
  'recovery-codes',
].map((name) => `src/core/${name}.ts`)

/**
 * The deciding use cases, each with the HTTP test files that drive it on Node (and test/services).
 * Every HTTP test signs someone in, so "related" tests would be the whole suite, and a surviving
 * mutant costs a full run of it: the files that exercise the service are the ones to pin it.
 */
const serviceTests: Record<string, string[]> = {
  'sign-in': [
    'sign-in',
    'throttle-windows',
    'mfa',
    'sessions',
    'change-step',
    'tokens',
    'hardening',
    'user-access',
    'mfa-admin',
  ],
  'password-change': ['change-step', 'sign-in', 'sessions', 'tokens', 'mfa'],
  'password-reset': [
    'password-reset',
    'reset-audit',
    'reset-concurrency',
    'approvals',
    'caller-verification',
    'delivery',
    'repeated-refusals',
    'ui-one-path',
    'mfa-admin',
  ],
  mfa: ['mfa', 'mfa-admin', 'ui-mfa', 'approvals', 'caller-verification'],
  reveal: ['delivery', 'ui-delivery'],
  'sign-in-throttle': ['throttle-windows', 'sign-in'],
}
const serviceModules = Object.keys(serviceTests).map((name) => `src/services/${name}.ts`)

const { values: flags, positionals: args } = parseArgs({
  options: { concurrency: { type: 'string', default: '1' } },
  allowPositionals: true,
})
const scope = args[0] ?? 'core'
const files =
  scope === 'core' ? coreModules : scope === 'services' ? serviceModules : args.filter(isFile)
const concurrency = Number(flags.concurrency)
if (files.length === 0 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write(
    'usage: npm run mutate -- [--concurrency N] [core | services | src/<file>.ts …]\n',
  )
  process.exit(1)
}
const forServices = files.some((file) => file.startsWith('src/services/'))
// The services' vitest config reads this list (child processes inherit the environment).
const testFiles = testFilesFor(files)
if (testFiles) process.env.MUTATE_TEST_FILES = testFiles.join(',')

const options: PartialStrykerOptions = {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the tests related to the mutated file run, from the scope's own Node-only config.
  vitest: {
    configFile: `test/mutation/vitest.${forServices ? 'services' : 'core'}.config.ts`,
    related: true,
  },
  mutate: files,
  coverageAnalysis: 'perTest',
  ignoreStatic: forServices,
  // Two cores, shared with others: one mutant at a time unless asked.
  concurrency,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false },
  thresholds: { high: 80, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'coverage', 'reports', '.wrangler', '.cache', 'data', 'test-results*'],
}

const started = performance.now()
const results = await new Stryker(options).runMutationTest()
printScores(results)
process.stdout.write(`run time: ${Math.round((performance.now() - started) / 1000)} s\n`)

/** test/services and the HTTP files of each service mutated; null (the whole suite) for others. */
function testFilesFor(mutated: string[]): string[] | null {
  const lists = mutated.map((file) => serviceTests[file.replace(/^src\/services\/|\.ts$/g, '')])
  if (lists.some((list) => list === undefined)) return null
  const names = new Set(lists.flat() as string[])
  return ['test/services/**/*.test.ts', ...[...names].map((name) => `test/http/${name}.test.ts`)]
}

function isFile(arg: string): boolean {
  return /^src\/.+\.ts$/.test(arg)
}

function printScores(results: MutantResult[]) {
  const byFile = new Map<string, Record<string, number>>()
  for (const result of results) {
    const counts = byFile.get(result.fileName) ?? {}
    counts[result.status] = (counts[result.status] ?? 0) + 1
    byFile.set(result.fileName, counts)
  }
  const rows = [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))
  const line = (cells: (string | number)[]) =>
    cells.map((cell, i) => String(cell).padStart(i === 0 ? 0 : 9)).join(' ')
  process.stdout.write(
    `\n${line(['module'.padEnd(34), 'score', 'killed', 'timeout', 'survived', 'no cover', 'static'])}\n`,
  )
  const total: Record<string, number> = {}
  for (const [file, counts] of rows) {
    for (const [status, n] of Object.entries(counts)) total[status] = (total[status] ?? 0) + n
    process.stdout.write(`${line([shorten(file).padEnd(34), ...cells(counts)])}\n`)
  }
  process.stdout.write(`${line(['all'.padEnd(34), ...cells(total)])}\n`)
}

function cells(counts: Record<string, number>): (string | number)[] {
  const killed = counts.Killed ?? 0
  const timeout = counts.Timeout ?? 0
  const survived = counts.Survived ?? 0
  const noCoverage = counts.NoCoverage ?? 0
  const valid = killed + timeout + survived + noCoverage
  const score = valid === 0 ? 'n/a' : `${((100 * (killed + timeout)) / valid).toFixed(1)} %`
  return [score, killed, timeout, survived, noCoverage, counts.Ignored ?? 0]
}

function shorten(file: string): string {
  const at = file.indexOf('src/')
  return at === -1 ? file : file.slice(at)
}
