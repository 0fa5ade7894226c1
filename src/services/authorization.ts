import {
  type AuthorizationError,
  authorizationResponseUrl,
  readParameters,
  trustedParameter,
  validateAuthorizationRequest,
} from '../core/oidc/authorization-request.ts'
import type { PendingAuthorization } from '../core/oidc/pending-request.ts'
import { matchesRegisteredUri } from '../core/oidc/redirect-uris.ts'
import { scopeText } from '../core/oidc/scopes.ts'
import { randomToken } from '../core/random.ts'
import { hashToken } from '../core/tokens.ts'
import { deleteExpiredCodes, insertAuthorizationCode } from '../db/authorization-codes.ts'
import { findClient } from '../db/clients.ts'
import { findSessionSignIn } from '../db/sessions.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { recordRefusal } from './repeated-refusals.ts'

/** A code lives this long (RFC 6749 §4.1.2: short; ten minutes at most). */
export const CODE_TTL_MS = 60_000
/** A request waiting for its sign-in may be resumed this long after the app asked. */
export const PENDING_AUTHORIZATION_MS = 30 * 60_000

/** Back to the app: with a code, or with an error it must handle. */
export interface AuthorizationAnswer {
  kind: 'redirect'
  location: string
}

/** Where an authorization request goes next. */
export type AuthorizationStep =
  /** No trustworthy way back to the app (unknown app, unregistered redirect URI): a page only. */
  | { kind: 'refused'; reason: 'unknown_client' | 'unregistered_redirect_uri' }
  | AuthorizationAnswer
  /** The user must sign in first; the request waits in the browser. */
  | { kind: 'sign_in'; pending: PendingAuthorization }

/**
 * Reads an authorization request (OpenID Connect Core §3.1.2.1). The app and its redirect URI are
 * checked first: until both are known to be good, nothing may redirect anywhere (an open redirect
 * otherwise). After that every problem goes back to the app, with `state` and `iss`.
 */
export async function readAuthorization(
  deps: Deps,
  params: URLSearchParams,
): Promise<AuthorizationStep> {
  const read = readParameters(params)
  const clientId = trustedParameter(read, 'client_id')
  const client = clientId ? await findClient(deps.database.db, clientId) : undefined
  if (!client) return { kind: 'refused', reason: 'unknown_client' }
  const redirectUri = trustedParameter(read, 'redirect_uri')
  if (!redirectUri || !matchesRegisteredUri(client.redirectUris, redirectUri)) {
    return { kind: 'refused', reason: 'unregistered_redirect_uri' }
  }
  const state = trustedParameter(read, 'state')
  const back = (error: AuthorizationError) => redirectTo(deps, redirectUri, error, state)
  if (client.removedAt !== null) {
    return back({ error: 'unauthorized_client', description: 'This application was removed' })
  }
  const validated = validateAuthorizationRequest(read, { clientId: client.id, redirectUri })
  if (!validated.ok) return back(validated.error)
  const pending = {
    request: validated.request,
    requestedAt: deps.clock.now(),
    appName: client.name,
  }
  return { kind: 'sign_in', pending }
}

/**
 * Answers a valid request for whoever is signed in to this browser now: a code when their sign-in
 * is good enough (a live session of the app's tenant, recent enough for `max_age`, made after the
 * request when `prompt=login`), else the sign-in page, or `login_required` when the app asked for
 * no page at all (`prompt=none`). A user of another tenant is `access_denied`.
 */
export async function continueAuthorization(
  deps: Deps,
  pending: PendingAuthorization,
  actor: Actor | undefined,
  meta: RequestMeta,
): Promise<AuthorizationStep> {
  const { request } = pending
  const back = (error: AuthorizationError) =>
    redirectTo(deps, request.redirectUri, error, request.state)
  const client = await findClient(deps.database.db, request.clientId)
  if (!client || client.removedAt !== null) {
    return back({ error: 'unauthorized_client', description: 'This application was removed' })
  }
  const now = deps.clock.now()
  if (now - pending.requestedAt > PENDING_AUTHORIZATION_MS) {
    return back({ error: 'login_required', description: 'The sign-in took too long; start again' })
  }
  const signIn = actor ? await findSessionSignIn(deps.database.db, actor.sessionId) : undefined
  if (!actor || !signIn || needsFreshSignIn(pending, signIn.createdAt, now)) {
    if (request.prompt === 'none') {
      return back({ error: 'login_required', description: 'The user must sign in' })
    }
    return { kind: 'sign_in', pending }
  }
  if (actor.tenantId !== client.tenantId) {
    await recordRefusal(deps, meta, {
      tenantId: actor.tenantId,
      event: 'app_sign_in',
      actor,
      targetId: actor.id,
      outcome: 'denied',
      reason: 'OTHER_TENANT',
      details: { clientId: client.id },
    })
    return back({ error: 'access_denied', description: 'This account cannot use this application' })
  }
  const code = await issueCode(deps, pending, actor, signIn, meta)
  return redirectTo(deps, request.redirectUri, { code }, request.state)
}

/** The user cancelled the sign-in: the app is told `access_denied`. */
export function cancelAuthorization(
  deps: Deps,
  pending: PendingAuthorization,
): AuthorizationAnswer {
  const { request } = pending
  const error = { error: 'access_denied' as const, description: 'The user cancelled the sign-in' }
  return redirectTo(deps, request.redirectUri, error, request.state)
}

function needsFreshSignIn(pending: PendingAuthorization, authTime: number, now: number): boolean {
  const { prompt, maxAge } = pending.request
  // A sign-in made after the app asked satisfies both: it is as fresh as it can be.
  if (authTime >= pending.requestedAt) return false
  if (prompt === 'login') return true
  return maxAge !== undefined && now - authTime > maxAge * 1000
}

/**
 * A one-time code for this user and app, bound to the redirect URI and PKCE challenge of the
 * request, stored as a digest for 60 seconds; the sign-in through the app is audited.
 */
async function issueCode(
  deps: Deps,
  pending: PendingAuthorization,
  actor: Actor,
  signIn: { createdAt: number; mfaVerifiedAt: number | null },
  meta: RequestMeta,
): Promise<string> {
  const { request } = pending
  const now = deps.clock.now()
  const code = randomToken(deps.random, 32)
  await deps.database.writeAtomically([
    deleteExpiredCodes({ before: now - CODE_TTL_MS }),
    insertAuthorizationCode({
      codeHash: hashToken(code),
      clientId: request.clientId,
      tenantId: actor.tenantId,
      userId: actor.id,
      browserSessionId: actor.sessionId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: scopeText(request.scopes),
      nonce: request.nonce ?? null,
      authTime: signIn.createdAt,
      mfa: signIn.mfaVerifiedAt !== null,
      createdAt: now,
      expiresAt: now + CODE_TTL_MS,
    }),
    auditStatement(deps, meta, {
      tenantId: actor.tenantId,
      event: 'app_sign_in',
      actor,
      targetId: actor.id,
      outcome: 'success',
      details: { clientId: request.clientId },
    }),
  ])
  return code
}

function redirectTo(
  deps: Deps,
  redirectUri: string,
  answer: { code: string } | AuthorizationError,
  state: string | undefined,
): AuthorizationAnswer {
  const issuer = deps.oidc?.issuer ?? ''
  return {
    kind: 'redirect',
    location: authorizationResponseUrl(redirectUri, issuer, answer, state),
  }
}
