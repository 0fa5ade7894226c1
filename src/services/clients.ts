import { AppError } from '../core/errors.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { isDisplaySafeName, UNSAFE_NAME_MESSAGE } from '../core/names.ts'
import { OAuthError } from '../core/oidc/errors.ts'
import { constantTimeEqual } from '../core/constant-time.ts'
import { REDIRECT_URI_MESSAGES, redirectUriProblem } from '../core/oidc/redirect-uris.ts'
import { randomToken } from '../core/random.ts'
import {
  type Client,
  clientRemovedAt,
  clientSecretIs,
  findClient,
  insertClient,
  listPublicClientUris as listPublicClientUrisOf,
  listTenantClients,
  markClientRemoved,
  replaceClientSecret,
} from '../db/clients.ts'
import { isUniqueViolation } from '../db/constraint-errors.ts'
import { named, writeSteps } from '../db/database.ts'
import { tenantExists } from '../db/tenants.ts'
import { assertMayManageApps } from './access.ts'
import { endAppGrants } from './app-grants.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { OPERATOR } from './password-reset.ts'
import { assertAdminStepUp } from './step-up.ts'
import { operatorMeta } from './tenants.ts'

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
/** The label of the key a registration form's one-time token becomes a client id with. */
const FORM_CLIENT_ID = 'client-id-from-form'
const CLIENT_ID_LENGTH = 22
export const MAX_CLIENT_NAME_LENGTH = 200
/** How many redirect URIs (and, apart, sign-out redirect URIs) one app may register. */
export const MAX_CLIENT_URIS = 10

function toClientView(client: Client): ClientView {
  return {
    clientId: client.id,
    name: client.name,
    type: client.type,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    backchannelLogoutUri: client.backchannelLogoutUri,
    createdAt: new Date(client.createdAt).toISOString(),
    secretRotatedAt: toIsoOrNull(client.secretRotatedAt),
  }
}

function toIsoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString()
}

interface FieldProblem {
  path: string
  message: string
}

/**
 * Every reason `input` cannot be registered, each naming its field (`redirectUris.1`): the same
 * rules the API's schema states, checked again here for every caller, the CLI included. URIs are
 * checked as RFC 9700 wants (exact, https or loopback http, no fragment, wildcard or credentials).
 */
export function newClientProblems(input: NewClientInput): FieldProblem[] {
  const problems: FieldProblem[] = []
  const name = input.name.trim()
  if (name.length < 1 || name.length > MAX_CLIENT_NAME_LENGTH) {
    problems.push({ path: 'name', message: `Must be 1 to ${MAX_CLIENT_NAME_LENGTH} characters.` })
  } else if (!isDisplaySafeName(name)) {
    problems.push({ path: 'name', message: UNSAFE_NAME_MESSAGE })
  }
  const lists = [
    ['redirectUris', input.redirectUris, 1],
    ['postLogoutRedirectUris', input.postLogoutRedirectUris ?? [], 0],
  ] as const
  for (const [field, uris, min] of lists) {
    if (uris.length < min || uris.length > MAX_CLIENT_URIS) {
      problems.push({ path: field, message: `Must list ${min} to ${MAX_CLIENT_URIS} URIs.` })
    }
    uris.forEach((uri, index) => {
      const problem = redirectUriProblem(uri)
      if (problem)
        problems.push({ path: `${field}.${index}`, message: REDIRECT_URI_MESSAGES[problem] })
    })
  }
  const backchannel = input.backchannelLogoutUri
    ? redirectUriProblem(input.backchannelLogoutUri)
    : null
  if (backchannel) {
    problems.push({ path: 'backchannelLogoutUri', message: REDIRECT_URI_MESSAGES[backchannel] })
  }
  return problems
}

function assertValidClient(input: NewClientInput): void {
  const problems = newClientProblems(input)
  if (problems.length > 0) {
    const [first] = problems
    throw new AppError('VALIDATION_FAILED', {
      detail: `${first!.path}: ${first!.message}`,
      extra: { errors: problems },
    })
  }
}

/** Who registers an app, as its row and the audit trail record it. */
interface Registrar {
  tenantId: string
  actor: { id: string | null; role: string }
}

/**
 * Registers an app of the caller's tenant (global admins only). A web app gets a secret of 256
 * random bits, returned here once and kept only as a keyed digest.
 *
 * With `formToken` (a page form's one-time token) the app's id is derived from it, so a form sent
 * twice (Back, then send again) registers nothing the second time: `CONFLICT`, naming the app.
 */
export async function registerClient(
  deps: Deps,
  actor: Actor,
  input: NewClientInput,
  meta: RequestMeta,
  options: { formToken?: string } = {},
): Promise<RegisteredClient> {
  await assertMayManageApps(deps, actor, meta, { action: 'apps.create' })
  assertValidClient(input)
  // A secret is a credential: with admin MFA required, it is issued after a fresh code only.
  await assertAdminStepUp(deps, actor)
  const clientId = options.formToken
    ? keyedDigest(deps.tokens.signingKey, FORM_CLIENT_ID, `${actor.id}:${options.formToken}`).slice(
        0,
        CLIENT_ID_LENGTH,
      )
    : undefined
  return insertNewClient(deps, { tenantId: actor.tenantId, actor }, input, meta, clientId)
}

/**
 * The operator's registration (`oncepass client create`): for any tenant that exists, by whoever
 * holds the database file, under the same rules; the audit trail records the actor as `operator`.
 */
export async function registerClientForTenant(
  deps: Deps,
  tenantId: string,
  input: NewClientInput,
  meta: RequestMeta = operatorMeta(deps, 'cli'),
): Promise<RegisteredClient> {
  assertValidClient(input)
  if (!(await tenantExists(deps.database.db, tenantId))) throw new AppError('NOT_FOUND')
  return insertNewClient(deps, { tenantId, actor: OPERATOR }, input, meta)
}

export interface RegisteredClient {
  client: ClientView
  /** Only for a web app (`confidential`), and only here. */
  clientSecret?: string
}

async function insertNewClient(
  deps: Deps,
  registrar: Registrar,
  input: NewClientInput,
  meta: RequestMeta,
  formClientId?: string,
): Promise<RegisteredClient> {
  const secret = input.type === 'confidential' ? randomToken(deps.random, SECRET_BYTES) : undefined
  const client = {
    id: formClientId ?? randomToken(deps.random, 16),
    tenantId: registrar.tenantId,
    name: input.name.trim(),
    type: input.type,
    secretDigest: secret ? digestSecret(deps, secret) : null,
    redirectUris: [...new Set(input.redirectUris)],
    postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris ?? [])],
    backchannelLogoutUri: input.backchannelLogoutUri || null,
    createdAt: deps.clock.now(),
    createdBy: registrar.actor.id,
  }
  try {
    await deps.database.writeAtomically([
      insertClient(client),
      auditStatement(deps, meta, {
        tenantId: registrar.tenantId,
        event: 'app_registered',
        actor: registrar.actor,
        outcome: 'success',
        details: { clientId: client.id, type: client.type },
      }),
    ])
  } catch (error) {
    // Only a form's derived id can be taken: that form was sent before.
    if (formClientId && isUniqueViolation(error)) {
      throw new AppError('CONFLICT', { extra: { clientId: client.id } })
    }
    throw error
  }
  const view = toClientView({ ...client, secretRotatedAt: null, removedAt: null })
  return secret ? { client: view, clientSecret: secret } : { client: view }
}

/** The tenant's apps (global admins only). */
export async function listClients(
  deps: Deps,
  actor: Actor,
  meta: RequestMeta,
): Promise<ClientView[]> {
  await assertMayManageApps(deps, actor, meta, { action: 'apps.list' })
  return (await listTenantClients(deps.database.db, actor.tenantId)).map(toClientView)
}

/** One live app of the caller's tenant; another tenant's, or a removed one, is NOT_FOUND. */
export async function getClient(
  deps: Deps,
  actor: Actor,
  clientId: string,
  meta: RequestMeta,
): Promise<ClientView> {
  await assertMayManageApps(deps, actor, meta, { action: 'apps.read' })
  return toClientView(await findTenantClient(deps, actor, clientId))
}

async function findTenantClient(deps: Deps, actor: Actor, clientId: string): Promise<Client> {
  const client = await findClient(deps.database.db, clientId)
  if (!client || client.tenantId !== actor.tenantId || client.removedAt !== null) {
    throw new AppError('NOT_FOUND')
  }
  return client
}

/**
 * A new secret for a web app, shown once; the old one stops working at once. The write is held to
 * the secret read here, so of two rotations at once one is `CONFLICT`. With `expected` (a confirm
 * form's `secretRotatedAt`, null before any rotation) a form sent again after it rotated the
 * secret once is `CONFLICT` too, and never rotates twice.
 */
export async function rotateClientSecret(
  deps: Deps,
  actor: Actor,
  clientId: string,
  meta: RequestMeta,
  expected?: { secretRotatedAt: string | null },
): Promise<{ client: ClientView; clientSecret: string }> {
  await assertMayManageApps(deps, actor, meta, { action: 'apps.rotate_secret' })
  const client = await findTenantClient(deps, actor, clientId)
  if (client.type !== 'confidential') {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'A single-page or native app has no secret to rotate.',
      extra: { errors: [{ path: 'clientId', message: 'This app is public: it has no secret.' }] },
    })
  }
  if (expected && expected.secretRotatedAt !== toIsoOrNull(client.secretRotatedAt)) {
    throw new AppError('CONFLICT')
  }
  await assertAdminStepUp(deps, actor)
  const secret = randomToken(deps.random, SECRET_BYTES)
  const digest = digestSecret(deps, secret)
  // Each rotation gets a later time than the one before, even within one millisecond: the time
  // is what a confirm form holds the rotation to.
  const now = Math.max(deps.clock.now(), (client.secretRotatedAt ?? client.createdAt) + 1)
  const { rotated } = await writeSteps(deps.database, [
    named('rotated', replaceClientSecret(deps.database.db, client, digest, now)),
    auditStatement(
      deps,
      meta,
      {
        tenantId: actor.tenantId,
        event: 'app_secret_rotated',
        actor,
        outcome: 'success',
        details: { clientId: client.id },
      },
      clientSecretIs(client.id, digest),
    ),
  ])
  if (rotated !== 1) {
    // Removed meanwhile (NOT_FOUND), or rotated by someone else first.
    await findTenantClient(deps, actor, clientId)
    throw new AppError('CONFLICT')
  }
  return { client: toClientView({ ...client, secretRotatedAt: now }), clientSecret: secret }
}

/**
 * Removes an app: it gets no more tokens, and every grant it holds ends now (its refresh tokens
 * fail, its access tokens fail at userinfo). Apps listening are told by back-channel logout.
 * Returns the app as it was, for the page that names it.
 */
export async function removeClient(
  deps: Deps,
  actor: Actor,
  clientId: string,
  meta: RequestMeta,
): Promise<ClientView> {
  await assertMayManageApps(deps, actor, meta, { action: 'apps.remove' })
  const client = await findTenantClient(deps, actor, clientId)
  const now = deps.clock.now()
  const { db } = deps.database
  const { removed } = await writeSteps(deps.database, [
    named('removed', markClientRemoved(db, client, now)),
    ...endAppGrants(deps, { clientId: client.id }, 'app_removed'),
    auditStatement(
      deps,
      meta,
      {
        tenantId: actor.tenantId,
        event: 'app_removed',
        actor,
        outcome: 'success',
        reason: 'APP_REMOVED',
        details: { clientId: client.id },
      },
      clientRemovedAt(client.id, now),
    ),
  ])
  if (removed !== 1) throw new AppError('NOT_FOUND')
  return toClientView(client)
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
