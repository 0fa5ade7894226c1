import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import {
  type AppDb,
  always,
  type Guard,
  insertWhere,
  prepared,
  type Statement,
} from './database.ts'
import { oauthClients } from './schema.ts'

// The tenant's apps (OpenID Connect clients). URIs are stored as JSON arrays of exact strings.

export type ClientRow = typeof oauthClients.$inferSelect

/** An app as the provider reads it: its URIs as lists. */
export interface Client extends Omit<ClientRow, 'redirectUris' | 'postLogoutRedirectUris'> {
  redirectUris: string[]
  postLogoutRedirectUris: string[]
}

function toClient(row: ClientRow): Client {
  return {
    ...row,
    redirectUris: JSON.parse(row.redirectUris) as string[],
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
  }
}

// Every authorization request and token request reads its app: prepared once.
const clientById = (db: AppDb) =>
  prepared(db, 'client-by-id', (db) =>
    db
      .select()
      .from(oauthClients)
      .where(eq(oauthClients.id, sql.placeholder('clientId')))
      .prepare(),
  )

/** The app with this `client_id`, removed or not, or undefined. */
export async function findClient(db: AppDb, clientId: string): Promise<Client | undefined> {
  const [row] = await clientById(db).all({ clientId })
  return row ? toClient(row) : undefined
}

/** The tenant's apps that are not removed, newest first. */
export async function listTenantClients(db: AppDb, tenantId: string): Promise<Client[]> {
  const rows = await db
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.tenantId, tenantId), isNull(oauthClients.removedAt)))
    .orderBy(desc(oauthClients.createdAt))
    .limit(500)
  return rows.map(toClient)
}

/** The registered origins of every live public app: who may call the JSON endpoints from a page. */
export async function listPublicClientUris(db: AppDb): Promise<string[]> {
  const rows = await db
    .select({ redirectUris: oauthClients.redirectUris })
    .from(oauthClients)
    .where(and(eq(oauthClients.type, 'public'), isNull(oauthClients.removedAt)))
  return rows.flatMap((row) => JSON.parse(row.redirectUris) as string[])
}

export interface NewClient {
  id: string
  tenantId: string
  name: string
  type: 'confidential' | 'public'
  secretDigest: string | null
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri: string | null
  createdAt: number
  createdBy: string | null
}

/** The insert of a new app. */
export function insertClient(client: NewClient, guard: Guard = always): Statement {
  return insertWhere(
    oauthClients,
    {
      ...client,
      redirectUris: JSON.stringify(client.redirectUris),
      postLogoutRedirectUris: JSON.stringify(client.postLogoutRedirectUris),
    },
    guard,
  )
}

/**
 * A new secret digest for a live app of the tenant; the old secret stops at once. Held to the
 * rotation time read (null before any), so a rotation that lost a race changes nothing.
 */
export function replaceClientSecret(
  db: AppDb,
  client: { id: string; tenantId: string; secretRotatedAt: number | null },
  secretDigest: string,
  now: number,
): Statement {
  return db
    .update(oauthClients)
    .set({ secretDigest, secretRotatedAt: now })
    .where(
      and(
        eq(oauthClients.id, client.id),
        eq(oauthClients.tenantId, client.tenantId),
        eq(oauthClients.type, 'confidential'),
        isNull(oauthClients.removedAt),
        client.secretRotatedAt === null
          ? isNull(oauthClients.secretRotatedAt)
          : eq(oauthClients.secretRotatedAt, client.secretRotatedAt),
      ),
    )
}

/** Holds only after this batch gave the app `secretDigest` (fresh and random per rotation). */
export function clientSecretIs(clientId: string, secretDigest: string): Guard {
  return sql`exists (select 1 from ${oauthClients} where ${oauthClients.id} = ${clientId} and ${oauthClients.secretDigest} = ${secretDigest})`
}

/** Holds only after this batch marked the app removed at `now`. */
export function clientRemovedAt(clientId: string, now: number): Guard {
  return sql`exists (select 1 from ${oauthClients} where ${oauthClients.id} = ${clientId} and ${oauthClients.removedAt} = ${now})`
}

/** Marks a live app of the tenant removed: its id stays known, it gets no more tokens. */
export function markClientRemoved(
  db: AppDb,
  client: { id: string; tenantId: string },
  now: number,
): Statement {
  return db
    .update(oauthClients)
    .set({ removedAt: now, secretDigest: null })
    .where(
      and(
        eq(oauthClients.id, client.id),
        eq(oauthClients.tenantId, client.tenantId),
        isNull(oauthClients.removedAt),
      ),
    )
}
