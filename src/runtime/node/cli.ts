import { parseArgs } from 'node:util'
import { AppError } from '../../core/errors.ts'
import { createJsonLogger } from '../../core/logger.ts'
import { createTenantWithAdmin, operatorResetPassword } from '../../services/tenants.ts'
import { loadConfig } from './config.ts'
import { createNodeDeps } from './node-deps.ts'
import { printIssued } from './operator-output.ts'
import { loadSigningKey } from './signing-key.ts'
import { openSqliteDatabase } from './sqlite-database.ts'

const USAGE = `Usage:
  oncepass tenant create --name <name> --admin-email <email> [--json]
  oncepass user reset-password --email <email> [--json]

Both use DATABASE_PATH (default ./data/oncepass.sqlite), like the server.`

function fail(message: string): never {
  process.stderr.write(`oncepass: ${message}\n`)
  process.exit(1)
}

const COMMANDS = new Set(['tenant create', 'user reset-password'])

async function main(argv: string[]) {
  const [group, command, ...rest] = argv
  if (!group || ['help', '--help', '-h'].includes(group)) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (!COMMANDS.has(`${group} ${command}`)) {
    fail(`unknown command: ${[group, command].filter(Boolean).join(' ')}\n${USAGE}`)
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>
  const options = {
    name: { type: 'string' },
    'admin-email': { type: 'string' },
    email: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  } as const
  try {
    parsed = parseArgs({ args: rest, options, strict: true })
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  const { values } = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  const config = loadConfig()
  // Logs go to stderr so that --json output on stdout stays one clean JSON object.
  const logger = createJsonLogger((line) => process.stderr.write(`${line}\n`))
  const database = openSqliteDatabase(config.databasePath)
  const deps = createNodeDeps(config, {
    database,
    logger,
    signingKey: loadSigningKey(config.signingKey, config.databasePath, logger),
  })
  try {
    if (group === 'tenant' && command === 'create') {
      if (!values.name?.trim()) fail('--name is required')
      if (!values['admin-email']) fail('--admin-email is required')
      if (!/^[^@\s]+@[^@\s]+$/.test(values['admin-email']))
        fail('--admin-email is not an email address')
      const issued = await createTenantWithAdmin(deps, {
        name: values.name.trim(),
        adminEmail: values['admin-email'],
      })
      printIssued(issued, {
        json: values.json,
        heading: `Created tenant ${issued.tenantId} with global admin`,
      })
    } else {
      if (!values.email) fail('--email is required')
      const issued = await operatorResetPassword(deps, values.email)
      printIssued(issued, { json: values.json, heading: 'Password reset for' })
    }
  } catch (error) {
    if (error instanceof AppError) {
      const messages: Partial<Record<AppError['code'], string>> = {
        EMAIL_TAKEN: 'a user with this email already exists',
        NOT_FOUND: 'no user with this email',
      }
      fail(messages[error.code] ?? `${error.code}: ${error.message}`)
    }
    throw error
  } finally {
    database.close()
  }
}

await main(process.argv.slice(2))
