import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { OAuthError } from '../core/oidc/errors.ts'
import { constantTimeEqual } from '../core/oidc/pkce.ts'
import { redirectUriProblem } from '../core/oidc/redirect-uris.ts'
import { randomToken } from '../core/random.ts'
import { canManageApps } from '../core/roles.ts'
import {
  type Client,
  findClient,
  insertClient,
  listPublicClientUris as listPublicClientUrisOf,
  listTenantClients,
  markClientRemoved,
  replaceClientSecret,
} from '../db/clients.ts'
import { named, writeSteps } from '../db/database.ts'
import { endAppGrants } from './app-grants.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

export type { Client } from '../db/clients.ts'

/** An app as admins see it: never its secret (which is not kept), nor its digest. */
export interface ClientView {
  clientId: string
  name: string
  type: 'confidential' | 'public'
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri: string | null
  createdAt: string
  secretRotatedAt: string | null
}

export interface NewClientInput {
  name: string
  type: 'confidential' | 'public'
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  backchannelLogoutUri?: string | null
}

/** The label of the key client-secret digests are made with (see `keyedDigest`). */
const SECRET_DIGEST = 'client-secret'
const SECRET_BYTES = 32

function toClientView(client: Client): ClientView {
  return {
    clientId: client.id,
    name: client.name,
    type: client.type,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    backchannelLogoutUri: client.backchannelLogoutUri,
    createdAt: new Date(client.createdAt).toISOString(),
    secretRotatedAt: client.secretRotatedAt ? new Date(client.secretRotatedAt).toISOString() : null,
  }
}

function assertAppManager(actor: Actor): void {
  if (!canManageApps(actor.role)) throw new AppError('FORBIDDEN_ROLE')
}

/**
 * Registers an app of the caller's tenant. Every URI is checked as RFC 9700 wants (exact, https or
 * loopback http, no fragment or wildcard); a web app gets a secret of 256 random bits, returned
 * here once and kept only as a keyed digest.
 */
export async function registerClient(
  deps: Deps,
  actor: Actor,
  input: NewClientInput,
  meta: RequestMeta,
): Promise<{ client: ClientView; clientSecret?: string }> {
  assertAppManager(actor)
  const uris = [
    ...input.redirectUris,
    ...(input.postLogoutRedirectUris ?? []),
    ...(input.backchannelLogoutUri ? [input.backchannelLogoutUri] : []),
  ]
  const problem = uris
    .map((uri) => ({ uri, problem: redirectUriProblem(uri) }))
    .find((u) => u.problem)
  if (problem) {
    throw new AppError('VALIDATION_FAILED', {
      extra: { errors: [{ path: 'redirectUris', message: `${problem.problem}: ${problem.uri}` }] },
    })
  }
  const secret = input.type === 'confidential' ? randomToken(deps.random, SECRET_BYTES) : undefined
  const client = {
    id: randomToken(deps.random, 16),
    tenantId: actor.tenantId,
    name: input.name,
    type: input.type,
    secretDigest: secret ? digestSecret(deps, secret) : null,
    redirectUris: [...new Set(input.redirectUris)],
    postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris ?? [])],
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    createdAt: deps.clock.now(),
    createdBy: actor.id,
  }
  await deps.database.writeAtomically([
    insertClient(client),
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'app_registered',
      actor,
      outcome: 'success',
      details: { clientId: client.id, type: client.type },
    }),
  ])
  const view = toClientView({ ...client, secretRotatedAt: null, removedAt: null })
  return secret ? { client: view, clientSecret: secret } : { client: view }
}

/** The tenant's apps (global admins only). */
export async function listClients(deps: Deps, actor: Actor): Promise<ClientView[]> {
  assertAppManager(actor)
  return (await listTenantClients(deps.database.db, actor.tenantId)).map(toClientView)
}

/** One live app of the caller's tenant; another tenant's, or a removed one, is NOT_FOUND. */
export async function getClient(deps: Deps, actor: Actor, clientId: string): Promise<ClientView> {
  assertAppManager(actor)
  return toClientView(await findTenantClient(deps, actor, clientId))
}

async function findTenantClient(deps: Deps, actor: Actor, clientId: string): Promise<Client> {
  const client = await findClient(deps.database.db, clientId)
  if (!client || client.tenantId !== actor.tenantId || client.removedAt !== null) {
    throw new AppError('NOT_FOUND')
  }
  return client
}

/** A new secret for a web app, shown once; the old one stops working at once. */
export async function rotateClientSecret(
  deps: Deps,
  actor: Actor,
  clientId: string,
  meta: RequestMeta,
): Promise<{ client: ClientView; clientSecret: string }> {
  assertAppManager(actor)
  const client = await findTenantClient(deps, actor, clientId)
  if (client.type !== 'confidential') throw new AppError('VALIDATION_FAILED')
  const secret = randomToken(deps.random, SECRET_BYTES)
  const now = deps.clock.now()
  const { rotated } = await writeSteps(deps.database, [
    named(
      'rotated',
      replaceClientSecret(deps.database.db, client, digestSecret(deps, secret), now),
    ),
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'app_secret_rotated',
      actor,
      outcome: 'success',
      details: { clientId: client.id },
    }),
  ])
  if (rotated !== 1) throw new AppError('NOT_FOUND')
  return { client: toClientView({ ...client, secretRotatedAt: now }), clientSecret: secret }
}

/**
 * Removes an app: it gets no more tokens, and every grant it holds ends now (its refresh tokens
 * fail, its access tokens fail at userinfo). Apps listening are told by back-channel logout.
 */
export async function removeClient(
  deps: Deps,
  actor: Actor,
  clientId: string,
  meta: RequestMeta,
): Promise<void> {
  assertAppManager(actor)
  const client = await findTenantClient(deps, actor, clientId)
  const now = deps.clock.now()
  const { db } = deps.database
  const { removed } = await writeSteps(deps.database, [
    named('removed', markClientRemoved(db, client, now)),
    ...endAppGrants(deps, { clientId: client.id }, 'app_removed'),
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'app_removed',
      actor,
      outcome: 'success',
      reason: 'APP_REMOVED',
      details: { clientId: client.id },
    }),
  ])
  if (removed !== 1) throw new AppError('NOT_FOUND')
}

function digestSecret(deps: Deps, secret: string): string {
  return keyedDigest(deps.tokens.signingKey, SECRET_DIGEST, secret)
}

/** The redirect URIs of every live public app: their origins may call the JSON endpoints. */
export function listPublicClientUris(deps: Deps): Promise<string[]> {
  return listPublicClientUrisOf(deps.database.db)
}

// Compared against when the client is unknown, so that an unknown client and a wrong secret cost
// the same work and read alike.
const UNKNOWN_CLIENT_DIGEST = 'x'.repeat(43)

/** How a request to the token or revocation endpoint says which app it is. */
export interface ClientCredentials {
  clientId: string
  /** `client_secret_basic` or `client_secret_post`; absent for a public app (`none`). */
  secret?: string
}

/**
 * The app a token or revocation request comes from. A web app proves itself with its secret
 * (compared as keyed digests, in constant time); a public app sends none, and PKCE binds its codes.
 * An unknown app and a wrong secret are the same `invalid_client`, after the same work; a removed
 * app is `unauthorized_client`.
 */
export async function authenticateClient(
  deps: Deps,
  credentials: ClientCredentials,
): Promise<Client> {
  const client = await findClient(deps.database.db, credentials.clientId)
  const presented = digestSecret(deps, credentials.secret ?? '')
  const expected = client?.secretDigest ?? UNKNOWN_CLIENT_DIGEST
  const secretMatches = constantTimeEqual(presented, expected)
  if (!client) throw new OAuthError('invalid_client', 'Client authentication failed')
  if (client.removedAt !== null) {
    throw new OAuthError('unauthorized_client', 'This application was removed')
  }
  const proven =
    client.type === 'confidential'
      ? credentials.secret !== undefined && secretMatches
      : credentials.secret === undefined
  if (!proven) throw new OAuthError('invalid_client', 'Client authentication failed')
  return client
}
