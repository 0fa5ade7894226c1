import { buildServer, removeBuild } from './server.ts'
import { runBusy } from './busy.ts'
import { runDiskFull } from './disk-full.ts'
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
  if (!only || only === 'disk-full') {
    const full = await runDiskFull()
    console.log('disk full (max_page_count pinned at the current size):')
    console.log(
      `  ${full.resetsBeforeFull} resets fitted, then: ${JSON.stringify(full.fullAnswer)}`,
    )
    console.log(`  the refused reset changed nothing: ${full.failedResetChangedNothing}`)
    console.log(`  reads while full: ${JSON.stringify(full.readsWhileFull)}`)
    console.log(`  wrong passwords while full: ${JSON.stringify(full.wrongPasswordWhileFull)}`)
    console.log(`  right password while full: ${JSON.stringify(full.rightPasswordWhileFull)}`)
    console.log(`  after space returns: ${JSON.stringify(full.afterRecovery)}`)
    failed ||=
      full.fullAnswer.code !== 'STORAGE_FULL' ||
      !full.failedResetChangedNothing ||
      Object.values(full.readsWhileFull).some((status) => status !== 200) ||
      full.wrongPasswordWhileFull.uncounted401 > 0 ||
      full.wrongPasswordWhileFull.other > 0 ||
      (full.rightPasswordWhileFull.status === 200) !== full.rightPasswordWhileFull.sessionWritten ||
      full.afterRecovery.sameKeyReset !== 201
  }
  if (!only || only === 'busy') {
    console.log('busy database (another connection holds BEGIN IMMEDIATE), 6 concurrent writes:')
    for (const holdMs of [500, 3000]) {
      const busy = await runBusy(bundle, { holdMs, writers: 6 })
      const outcomes = busy.writes.map((w) => `${w.status}${w.code ? ` ${w.code}` : ''} ${w.ms}ms`)
      console.log(`  lock held ${holdMs} ms: writes ${outcomes.join(', ')}`)
      console.log(`    /healthz while held: ${JSON.stringify(busy.probe)} (ms: event-loop stall)`)
      console.log(`    after release: ${JSON.stringify(busy.afterRelease)}`)
      failed ||=
        busy.afterRelease.integrity !== 'ok' ||
        busy.afterRelease.wrongPassword !== 401 ||
        busy.writes.some((w) => w.status === 503 && w.code !== 'DATABASE_BUSY') ||
        busy.writes.some((w) => w.status === 0 || w.status === 500)
    }
  }
} finally {
  removeBuild(bundle)
}
process.exitCode = failed ? 1 : 0
