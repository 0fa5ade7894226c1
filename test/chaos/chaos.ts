import { buildServer, removeBuild } from './server.ts'
import { runKillRounds } from './kill-rounds.ts'

// `npm run chaos`: the faults oncepass must survive, against the real server on loopback, with
// the figures printed. `npm test` runs a smaller version (test/runtime/node-chaos.test.ts).
// CHAOS_ROUNDS, CHAOS_LOAD_MS and CHAOS_USERS scale the kill rounds; CHAOS_ENTRY bundles another
// entry point (e.g. an older checkout's src/runtime/node/main.ts) to compare against.

const rounds = Number(process.env.CHAOS_ROUNDS ?? 20)
const loadMs = Number(process.env.CHAOS_LOAD_MS ?? 3000)
const users = Number(process.env.CHAOS_USERS ?? 4)
const only = process.argv[2]

const bundle = await buildServer(process.env.CHAOS_ENTRY)
let failed = false
try {
  if (!only || only === 'kill') {
    console.log(
      `kill -9 under load: ${rounds} rounds of ~${loadMs} ms, ${users} users + admin sign-ins`,
    )
    const kill = await runKillRounds(bundle, { rounds, users, loadMs, log: console.log })
    const total = (
      key: 'resetsAcknowledged' | 'resetsFound' | 'changesAcknowledged' | 'changesFound' | 'lost',
    ) => kill.rounds.reduce((sum, round) => sum + round[key], 0)
    const violations = kill.rounds.flatMap((round) => round.violations)
    console.log(
      `total: resets acknowledged ${total('resetsAcknowledged')} found ${total('resetsFound')}; ` +
        `changes acknowledged ${total('changesAcknowledged')} found ${total('changesFound')}; ` +
        `lost ${total('lost')}; violations ${violations.length}; plaintext leaks ${kill.plaintextLeaks.length}`,
    )
    for (const leak of kill.plaintextLeaks) console.log(`  leak: ${leak}`)
    failed ||= total('lost') > 0 || violations.length > 0 || kill.plaintextLeaks.length > 0
  }
} finally {
  removeBuild(bundle)
}
process.exitCode = failed ? 1 : 0
