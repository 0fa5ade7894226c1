import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { AppError } from '../../core/errors.ts'
import { createJsonLogger } from '../../core/logger.ts'
import { isDisplaySafeName, UNSAFE_NAME_MESSAGE } from '../../core/names.ts'
import { generateOidcKey } from '../../core/oidc/signing-keys.ts'
import { CreateUserBody } from '../../http/schemas.ts'
import {
  type NewClientInput,
  newClientProblems,
  registerClientForTenant,
} from '../../services/clients.ts'
import { createTenantWithAdmin, operatorResetPassword } from '../../services/tenants.ts'
import { ConfigError, loadCliConfig } from './config.ts'
import type { Deps } from '../../services/deps.ts'
import { createDeps } from '../create-deps.ts'
import { createArgon2Hasher } from './argon2-hasher.ts'
import { type BackupResult, BackupTargetExists, backupDatabase } from './backup.ts'
import { printClient, printIssued } from './operator-output.ts'
import { loadSigningKey } from './signing-key.ts'
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.ts'

const USAGE = `Usage:
  oncepass tenant create --name <name> --admin-email <email> [--json]
  oncepass user reset-password --email <email> [--json]
  oncepass backup --to <file> [--force] [--json]
  oncepass client create --tenant <tenantId> --name <name> --redirect-uri <uri>
                         [--redirect-uri <uri>…] [--public] [--json]
  oncepass oidc-key

All but oidc-key use DATABASE_PATH (default ./data/oncepass.sqlite), like the server. A backup can
be taken while the server runs; it holds the database only, not the key files beside it.
oidc-key prints a new private ES256 signing key (a JWK on one line), e.g. for
  npx oncepass oidc-key | npx wrangler secret put ONCEPASS_OIDC_SIGNING_KEY`

// The same rule as the HTTP API's user creation, so the CLI cannot create an admin the API would
// have refused.
const adminEmailSchema = CreateUserBody.shape.email

function fail(message: string): never {
  process.stderr.write(`oncepass: ${message}\n`)
  process.exit(1)
}

const COMMANDS = new Set(['tenant create', 'user reset-password', 'client create'])

/**
 * `--tenant <id>` read as `--tenant=<id>`: ids are random base64url, and one in 64 starts with a
 * `-`, which parseArgs alone refuses as ambiguous. A following option of ours is never taken as a
 * value, so a missing value is still refused.
 */
function attachValues(args: string[], options: Record<string, { type: string }>): string[] {
  const isOption = (arg: string | undefined) =>
    arg !== undefined && arg.startsWith('--') && arg.slice(2).split('=')[0]! in options
  const attached: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string'
    if (takesValue && i + 1 < args.length && !isOption(args[i + 1])) {
      attached.push(`${arg}=${args[++i]}`)
    } else attached.push(arg)
  }
  return attached
}

async function main(argv: string[]) {
  const [group, command, ...rest] = argv
  if (!group || ['help', '--help', '-h'].includes(group)) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (group === 'backup') return backup(argv.slice(1))
  if (group === 'oidc-key') {
    if (command !== undefined) fail(`oidc-key takes no arguments\n${USAGE}`)
    // The private key goes to stdout only, for a pipe into the secret store; nothing is kept.
    process.stdout.write(`${JSON.stringify(await generateOidcKey())}\n`)
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
    tenant: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  } as const
  try {
    parsed = parseArgs({ args: attachValues(rest, options), options, strict: true })
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  const { values } = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  // Arguments are checked before anything is opened, so a refused command leaves no trace.
  let perform: (deps: Deps) => Promise<void>
  if (group === 'tenant') {
    const name = values.name?.trim()
    const adminEmail = values['admin-email']
    if (!name) fail('--name is required')
    if (!isDisplaySafeName(name)) fail(`--name: ${UNSAFE_NAME_MESSAGE}`)
    if (!adminEmail) fail('--admin-email is required')
    if (!adminEmailSchema.safeParse(adminEmail).success)
      fail('--admin-email is not a valid email address')
    perform = async (deps) => {
      const issued = await createTenantWithAdmin(deps, { name, adminEmail })
      printIssued(issued, {
        json: values.json,
        heading: `Created tenant ${issued.tenantId} with global admin`,
      })
    }
  } else if (group === 'client') {
    const tenantId = values.tenant
    if (!tenantId) fail('--tenant is required')
    const input: NewClientInput = {
      name: values.name?.trim() ?? '',
      type: values.public ? 'public' : 'confidential',
      redirectUris: values['redirect-uri'] ?? [],
    }
    checkClientArguments(input)
    perform = async (deps) => {
      const registered = await registerClientForTenant(deps, tenantId, input).catch(
        (error: unknown) => {
          if (error instanceof AppError && error.code === 'NOT_FOUND') {
            throw new CliFailure(`no tenant with the id ${tenantId}`)
          }
          throw error
        },
      )
      printClient(registered, { json: values.json, tenantId })
    }
  } else {
    const email = values.email
    if (!email) fail('--email is required')
    perform = async (deps) => {
      const issued = await operatorResetPassword(deps, email)
      printIssued(issued, { json: values.json, heading: 'Password reset for' })
    }
  }

  // Logs go to stderr so that --json output on stdout stays one clean JSON object.
  const logger = createJsonLogger((line) => process.stderr.write(`${line}\n`))
  let database: SqliteDatabase | undefined
  let failure: string | undefined
  try {
    const config = loadCliConfig()
    database = openDatabase(config.databasePath)
    const deps = createDeps({
      ...config,
      database,
      logger,
      // One command, one hash: no scheduler, no thread-pool queue to size.
      hasher: createArgon2Hasher(),
      signingKey: loadSigningKey(config.signingKey, config.databasePath, logger),
    })
    await perform(deps)
  } catch (error) {
    failure = describeFailure(error)
  } finally {
    // Closed before any exit: process.exit() inside the try would skip this.
    await database?.close()
  }
  if (failure !== undefined) fail(failure)
}

/** `oncepass backup --to <file> [--force] [--json]`: one line (or one JSON object) on stdout. */
async function backup(args: string[]) {
  let values: { to?: string; force: boolean; json: boolean; help: boolean }
  try {
    values = parseArgs({
      args,
      options: {
        to: { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (!values.to) fail('--to is required')
  let result: BackupResult
  try {
    const { databasePath } = loadCliConfig()
    if (!existsSync(databasePath)) fail(`no database at ${databasePath}`)
    result = await backupDatabase(databasePath, values.to, { force: values.force })
  } catch (error) {
    if (error instanceof BackupTargetExists) fail(`${error.message} (use --force to replace it)`)
    if (error instanceof ConfigError) fail(error.message)
    fail(`backup failed: ${(error as Error).message}`)
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    return
  }
  process.stdout.write(
    `Backed up ${result.database} to ${result.backup} (${result.bytes} bytes, ${result.ms} ms); ` +
      `the key files beside the database are not in it.\n`,
  )
}

/** The service's own rules, checked before anything is opened, each named by its option. */
function checkClientArguments(input: NewClientInput): void {
  if (!input.name) fail('--name is required')
  if (input.redirectUris.length === 0) fail('--redirect-uri is required (one or more)')
  const problems = newClientProblems(input).map(({ path, message }) => {
    const [field, index] = path.split('.')
    if (field === 'name') return `--name: ${message}`
    const uri = index === undefined ? undefined : input.redirectUris[Number(index)]
    return uri === undefined ? `--redirect-uri: ${message}` : `--redirect-uri ${uri}: ${message}`
  })
  if (problems.length > 0) fail(problems.join('\n'))
}

function openDatabase(path: string): SqliteDatabase {
  try {
    return openSqliteDatabase(path)
  } catch (error) {
    throw new CliFailure(`cannot open the database ${path}: ${(error as Error).message}`)
  }
}

class CliFailure extends Error {}

/** A readable message for the operator (exit 1, no stack trace); anything else is a bug. */
function describeFailure(error: unknown): string {
  if (error instanceof CliFailure || error instanceof ConfigError) return error.message
  if (error instanceof AppError) {
    const messages: Partial<Record<AppError['code'], string>> = {
      EMAIL_TAKEN: 'a user with this email already exists',
      NOT_FOUND: 'no user with this email',
    }
    return messages[error.code] ?? `${error.code}: ${error.message}`
  }
  throw error
}

await main(process.argv.slice(2))
