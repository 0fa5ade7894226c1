/**
 * `node --import tsx test/bench/forgot-password-timing.ts [--samples N]`: how long
 * `POST /api/v1/auth/forgot-password` takes to answer for a known email and for an unknown one,
 * in process, on a SQLite file written through the writer thread as the server does. Each sample
 * is the worst case for its side: a known user with no open request (so one would be queued and
 * the admins told), an unknown email not seen in the window (so it would be audited). The
 * follow-up a request leaves is waited for between samples, untimed, as by an attacker who spaces
 * requests out. Not a gate: it prints medians, p90s and their ratio. The deterministic check that
 * both answers cost the same writes is in test/http/forgot-password-limits.test.ts.
 */
import { parseArgs } from 'node:util'
import { createTestApp } from '../helpers/test-app.ts'

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '400' },
    admins: { type: 'string', default: '3' },
  },
})
const SAMPLES = Number(args.samples)
const WARM_UP = 50

const t = await createTestApp({
  // No limit gets in the way: every sample does its full work.
  settings: { forgotPasswordLimit: { windowSeconds: 3600, perIp: 1e9, perEmail: 1e9 } },
})
const admin = await t.seedTenant()
for (let i = 1; i < Number(args.admins); i++) {
  await t.seedUser(admin.accessToken, 'global_admin', `admin${i}@example.com`)
}
const known = await t.seedUser(admin.accessToken, 'user', 'known@example.com')

async function timeRequest(email: string): Promise<number> {
  // Close the open request, so that a known email's is queued anew (the most work it can cost),
  // and forget the emails' counters, so that each request is its email's first in the window,
  // as an attacker's probe is. Run before either kind of sample: the writes wake the writer
  // thread for both alike.
  await t.run('update password_reset_requests set closed_at = ? where closed_at is null', 1)
  await t.run("delete from rate_limits where key like 'forgot-password:email:%'")
  const started = performance.now()
  const answer = await t.post('auth/forgot-password', { email })
  const elapsed = performance.now() - started
  if (answer.status !== 202) throw new Error(`unexpected ${answer.status}: ${answer.text}`)
  await t.settled()
  return elapsed
}

const sampleKnown = () => timeRequest(known.email)

// One email of each kind, its counters forgotten before every sample: a fresh random key in the
// limits' index for every unknown email but the same one for the known email would time the
// index's page cache, not the request's work.
const sampleUnknown = () => timeRequest('nobody@example.com')

for (let i = 0; i < WARM_UP; i++) {
  await sampleKnown()
  await sampleUnknown()
}
const times = { known: [] as number[], unknown: [] as number[] }
for (let i = 0; i < SAMPLES; i++) {
  // Alternate which goes first, so that neither always follows the other's follow-up.
  if (i % 2 === 0) {
    times.known.push(await sampleKnown())
    times.unknown.push(await sampleUnknown())
  } else {
    times.unknown.push(await sampleUnknown())
    times.known.push(await sampleKnown())
  }
}
await t.close()

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
const row = (name: string, values: number[]) =>
  `${name.padEnd(8)} median ${quantile(values, 0.5).toFixed(3)} ms   p90 ${quantile(values, 0.9).toFixed(3)} ms`
console.log(`forgot-password answer times, ${SAMPLES} samples each, ${args.admins} admins`)
console.log(row('known', times.known))
console.log(row('unknown', times.unknown))
const ratio = quantile(times.known, 0.5) / quantile(times.unknown, 0.5)
console.log(`median ratio known/unknown: ${ratio.toFixed(3)}`)
// Paired: each known sample against the unknown one beside it, which shared its moment's load.
const differences = times.known.map((ms, i) => ms - times.unknown[i]!)
const slower = differences.filter((d) => d > 0).length / differences.length
console.log(
  `paired: median known − unknown ${quantile(differences, 0.5).toFixed(3)} ms; known slower in ${(slower * 100).toFixed(1)}% of pairs`,
)
