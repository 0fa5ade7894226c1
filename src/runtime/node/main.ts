import { serve } from '@hono/node-server'
import { createJsonLogger } from '../../core/logger.ts'
import { createApp } from '../../http/app.ts'
import { canDeliverOutbox, deliverOutbox, sendErrorCode } from '../../services/outbox.ts'
import { warmUpSignIn } from '../../services/sign-in.ts'
import { bootstrapIfEmpty } from '../../services/tenants.ts'
import { createBackgroundTasks } from './background-tasks.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createBatchedStdout } from './log-sink.ts'
import { createNodeDeps } from './node-deps.ts'
import { printIssued } from './operator-output.ts'
import { sendableResponse } from './sendable-response.ts'
import { encryptionKeyring } from '../common-config.ts'
import { loadEncryptionKey, loadOidcSigningKey, loadSigningKey } from './signing-key.ts'
import { deprioritizeHelperThreads, startThreadPool } from './thread-priority.ts'
import { openSqliteDatabase } from './sqlite-database.ts'

// config → SQLite (migrated) → deps → app → serve. Nothing else reads the environment.
const stdout = createBatchedStdout()
const logger = createJsonLogger(stdout.write)
/** A configuration error is the operator's to fix: a readable message and exit 1, no stack. */
async function exitOnConfigError<T>(load: () => T | Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    stdout.flush()
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
}

const config = await exitOnConfigError(() => loadConfig())
// Argon2's threads (the libuv pool) yield the CPU to the event loop. Done before the database
// opens: its writer thread, started then, keeps its normal priority.
await startThreadPool()
deprioritizeHelperThreads(logger)
// The database first: it creates the owner-only folder the generated key file goes into.
const database = openSqliteDatabase(config.databasePath, { writerThread: true })
const signingKey = await exitOnConfigError(() =>
  loadSigningKey(config.signingKey, config.databasePath, logger),
)
const encryptionKey = await exitOnConfigError(() =>
  loadEncryptionKey(config.encryptionKey, config.databasePath, logger),
)
const encryption = encryptionKeyring(encryptionKey, config.previousEncryptionKeys)
const oidcKey = await exitOnConfigError(() =>
  loadOidcSigningKey(config.oidcSigningKey, config.databasePath, logger),
)
const deps = createNodeDeps(config, { database, logger, signingKey, encryption, oidcKey })

const issued = await bootstrapIfEmpty(deps, config.adminEmail)
// The dummy hash that unknown emails verify against, made now rather than on the first such request.
await warmUpSignIn(deps)
if (issued) {
  stdout.flush()
  printIssued(issued, { json: false, heading: 'First start: created global admin' })
}

const app = createApp(deps)
// What responses leave running (notices sent after a commit), for shutdown to wait for.
const background = createBackgroundTasks()
const server = serve(
  {
    fetch: async (request, env) =>
      sendableResponse(await app.fetch(request, env, background), logger),
    port: config.port,
    hostname: config.host,
  },
  (info) => {
    logger.info('server_started', {
      address: info.address,
      port: info.port,
      database: config.databasePath,
    })
  },
)
// A port taken or not ours to bind is the operator's to fix, like a bad setting: say so, exit 1.
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error
  const reason = error.code === 'EADDRINUSE' ? 'is already in use' : 'may not be bound by this user'
  stdout.flush()
  process.stderr.write(
    `Cannot listen on ${config.host}:${config.port}: the address ${reason}. Set PORT (or HOST) to another.\n`,
  )
  void database.close().finally(() => process.exit(1))
})

// Notices a request's own after-commit send could not deliver are retried here, in-process (and
// waited for on shutdown, as those are).
const outboxTimer = canDeliverOutbox(deps)
  ? setInterval(() => {
      background.waitUntil(
        deliverOutbox(deps).catch((error: unknown) =>
          logger.warn('outbox_delivery_failed', { error: sendErrorCode(error) }),
        ),
      )
    }, 60_000)
  : undefined
outboxTimer?.unref()

// Graceful shutdown: stop accepting, let in-flight requests and the notices they started finish,
// close the database.
let stopping = false
function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info('server_stopping', { signal })
  const force = setTimeout(() => {
    stdout.flush()
    process.exit(1)
  }, 10_000)
  force.unref()
  clearInterval(outboxTimer)
  server.close(async () => {
    await background.settled()
    await database.close()
    logger.info('server_stopped', {})
    stdout.flush()
    process.exit(0)
  })
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
