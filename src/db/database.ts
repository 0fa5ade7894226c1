import {
  and,
  fillPlaceholders,
  getTableColumns,
  is,
  type Query,
  SQL,
  type SQLChunk,
  type SQLWrapper,
  sql,
} from 'drizzle-orm'
import {
  type BaseSQLiteDatabase,
  SQLiteSyncDialect,
  type SQLiteTable,
} from 'drizzle-orm/sqlite-core'
import { type schema, users } from './schema.ts'

/** A statement of an atomic write, as the port takes it: a drizzle query or raw SQL. */
export type Statement = SQLWrapper

/** A condition evaluated inside an atomic write, where no code runs between the statements. */
export type Guard = SQL

/** The drizzle handle services query with; the same schema on better-sqlite3 and on D1. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the run-result type differs per driver and is unused
export type AppDb = BaseSQLiteDatabase<'sync' | 'async', any, typeof schema>

/**
 * The database port. Reads go through `db`; every write that must hold together goes through
 * `writeAtomically`: all statements commit or none do. On Node that is one synchronous
 * better-sqlite3 IMMEDIATE transaction; on D1 one `batch()` (D1 has no interactive transactions).
 * Because no code runs between the statements, each statement after the first carries a guard
 * (see `userCredentialIs`) so that a batch whose first write lost a race changes nothing.
 */
export interface Database {
  db: AppDb
  /** Runs the statements in order as one transaction; resolves to the rows each one changed. */
  writeAtomically(statements: Statement[]): Promise<number[]>
}

/** A statement whose changed-row count the service reads back, by name (see `writeSteps`). */
export class NamedStep<N extends string> {
  constructor(
    readonly name: N,
    readonly statement: Statement,
  ) {}
}

/** A step of an atomic write: a statement, or a named one whose changed-row count is read back. */
export type Step<N extends string = never> = Statement | NamedStep<N>

/** Names a statement of an atomic write, so that `writeSteps` returns its change count by name. */
export function named<N extends string>(name: N, statement: Statement): NamedStep<N> {
  return new NamedStep(name, statement)
}

/**
 * Runs the steps in order as one atomic write (`Database.writeAtomically`) and returns the rows
 * each named step changed, by name: no service reads a change count by its position in a batch.
 *
 * @example
 * const { user } = await writeSteps(deps.database, [named('user', update), audit])
 * if (user === 0) throw new AppError('CONFLICT')
 */
export async function writeSteps<N extends string = never>(
  database: Database,
  steps: readonly Step<N>[],
): Promise<Record<N, number>> {
  const statements: Statement[] = []
  const positions = new Map<N, number>()
  for (const step of steps) {
    if (step instanceof NamedStep) {
      if (positions.has(step.name)) throw new Error(`two steps named ${step.name} in one write`)
      positions.set(step.name, statements.length)
      statements.push(step.statement)
    } else {
      statements.push(step)
    }
  }
  const changes = await database.writeAtomically(statements)
  const byName = {} as Record<N, number>
  for (const [name, position] of positions) byName[name] = changes[position] ?? 0
  return byName
}

/**
 * `INSERT … SELECT … WHERE guard`: inserts the row only if the guard holds at that moment in the
 * transaction. Values go through each column's driver mapping, as drizzle's own insert does.
 *
 * @example
 * insertWhere(auditEvents, event, userCredentialIs(userId, newCredentialId))
 */
export function insertWhere<T extends SQLiteTable>(
  table: T,
  values: T['$inferInsert'],
  guard: Guard,
): SQL {
  const columns = getTableColumns(table)
  const keys: string[] = []
  const params: SQLChunk[] = []
  for (const [key, value] of Object.entries(values)) {
    const column = columns[key]
    if (value === undefined || !column) continue
    keys.push(key)
    // An SQL value is an expression computed inside the transaction (e.g. a count).
    params.push(is(value, SQL) ? value : sql.param(value, column))
  }
  return sql`${insertHead(table, keys)}${sql.join(params, sql`, `)} where ${guard}`
}

// `insert into "table" ("a", "b") select ` for each table and set of columns, as ready SQL text:
// every write records an audit row through insertWhere, and building this part anew each time
// was most of what drizzle allocated on a busy server.
const insertHeads = new WeakMap<SQLiteTable, Map<string, SQL>>()
const dialect = new SQLiteSyncDialect()

function insertHead(table: SQLiteTable, keys: string[]): SQL {
  let heads = insertHeads.get(table)
  if (!heads) {
    heads = new Map()
    insertHeads.set(table, heads)
  }
  const id = keys.join(',')
  let head = heads.get(id)
  if (!head) {
    const columns = getTableColumns(table)
    const names = keys.map((key) => sql.identifier(columns[key]!.name))
    const text = dialect.sqlToQuery(sql`insert into ${table} (${sql.join(names, sql`, `)}) select `)
    head = sql.raw(text.sql)
    heads.set(id, head)
  }
  return head
}

/**
 * Holds only after this batch's first statement gave the user `credentialId`: ids are random
 * and fresh per write, so a lost race (the first statement changed nothing) voids every guard.
 */
export function userCredentialIs(userId: string, credentialId: string): Guard {
  return sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.credentialId} = ${credentialId})`
}

/** An always-true guard, for inserts that need none. */
export const always: Guard = sql`1 = 1`

/** An always-false guard: the statement changes nothing. */
export const never: Guard = sql`0 = 1`

/** Holds when every guard given holds; undefined ones are left out. */
export function allOf(first: Guard, ...rest: (Guard | undefined)[]): Guard
export function allOf(...guards: (Guard | undefined)[]): Guard | undefined
export function allOf(...guards: (Guard | undefined)[]): Guard | undefined {
  return and(...guards)
}

/**
 * A write whose SQL is compiled once, with placeholders, and from then on only bound: for the
 * writes of the hot paths (every token response). Building and compiling a drizzle statement anew
 * cost a refresh grant more of the event loop than signing its two tokens. `build` must give the
 * same SQL whatever the values: it reads each by name, never branches on one or lists them; a
 * test holds each compiled write to the SQL its plain build gives.
 *
 * @example
 * const touch = compiledWrite((v: { id: string; now: number }) =>
 *   sql`update ${t} set ${sql.identifier(t.seenAt.name)} = ${v.now} where ${t.id} = ${v.id}`)
 * await database.writeAtomically([touch({ id, now })])
 */
export function compiledWrite<V extends Record<string, unknown>>(
  build: (values: V) => SQLWrapper,
): (values: V) => BoundWrite {
  let compiled: Query | undefined
  return (values) => {
    compiled ??= dialect.sqlToQuery(build(placeholders as V).getSQL())
    return new BoundWrite(compiled, () => build(values), values)
  }
}

// Stands for any values object: each field read is a placeholder of its own name. A build that
// spreads or lists the values would lose them, so that throws.
const placeholders = new Proxy(
  {},
  {
    get: (_, name) => (typeof name === 'string' ? sql.placeholder(name) : undefined),
    ownKeys: () => {
      throw new Error('a compiled write reads its values by name, never by listing them')
    },
  },
)

/** A compiled write and the values it is bound to (see `compiledWrite`). */
export class BoundWrite implements SQLWrapper {
  constructor(
    private readonly compiled: Query,
    private readonly buildPlain: () => SQLWrapper,
    private readonly values: Record<string, unknown>,
  ) {}

  /** The text compiled once, with these values in its placeholders' places. */
  toQuery(): Query {
    return { sql: this.compiled.sql, params: fillPlaceholders(this.compiled.params, this.values) }
  }

  /** The same write built the plain way: what the compiled one is checked against. */
  getSQL(): SQL {
    return this.buildPlain().getSQL()
  }
}

/** The SQL text and parameters a driver runs for a statement of an atomic write. */
export function toQuery(statement: Statement): Query {
  return statement instanceof BoundWrite
    ? statement.toQuery()
    : dialect.sqlToQuery(statement.getSQL())
}

const preparedQueries = new WeakMap<AppDb, Map<string, unknown>>()

/**
 * A query prepared once per database handle under `name` and reused: for the few queries on hot
 * paths (every authenticated request, every sign-in), which then skip SQL building and parsing.
 *
 * @example
 * const byEmail = prepared(db, 'user-by-email', (db) =>
 *   db.select().from(users).where(eq(users.email, sql.placeholder('email'))).prepare())
 * const [user] = await byEmail.all({ email })
 */
export function prepared<T>(db: AppDb, name: string, build: (db: AppDb) => T): T {
  let queries = preparedQueries.get(db)
  if (!queries) {
    queries = new Map()
    preparedQueries.set(db, queries)
  }
  let query = queries.get(name) as T | undefined
  if (query === undefined) {
    query = build(db)
    queries.set(name, query)
  }
  return query
}
