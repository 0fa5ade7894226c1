import { readParameters, trustedParameter } from '../core/oidc/authorization-request.ts'
import { verifyIdTokenHint } from '../core/oidc/tokens.ts'
import { findClient } from '../db/clients.ts'
import type { Actor } from './caller.ts'
import type { Deps } from './deps.ts'

/** A sign-out an app asked for (OpenID Connect RP-Initiated Logout 1.0), as checked. */
export interface EndSessionRequest {
  /** Who the app says signed in, from a valid `id_token_hint`. */
  hint: { sub: string; clientId: string; sid: string } | null
  appName: string | null
  /** Where to go afterwards: only a URI the app registered, exactly. */
  returnTo: string | null
  /** The app asked to go somewhere it never registered: the user stays on our page. */
  unknownReturn: boolean
  state: string | undefined
  /** The parameters again, for the confirmation form to post back. */
  fields: Record<string, string>
}

/**
 * Reads an end-session request. Anything that cannot be trusted (a hint we did not sign, a client
 * that does not match it, a parameter sent twice) is `invalid`: a page, never a redirect.
 */
export async function readEndSession(
  deps: Deps,
  params: URLSearchParams,
): Promise<EndSessionRequest | 'invalid'> {
  const read = readParameters(params)
  const names = ['id_token_hint', 'post_logout_redirect_uri', 'client_id', 'state']
  if (names.some((name) => read.repeated.has(name) || read.oversized.has(name))) return 'invalid'
  const hintText = trustedParameter(read, 'id_token_hint')
  const oidc = deps.oidc
  const hint =
    hintText && oidc ? await verifyIdTokenHint(await oidc.keys(), oidc.issuer, hintText) : null
  if (hintText && !hint) return 'invalid'
  const clientIdParam = trustedParameter(read, 'client_id')
  if (hint && clientIdParam && hint.clientId !== clientIdParam) return 'invalid'
  const clientId = hint?.clientId ?? clientIdParam
  const client = clientId ? await findClient(deps.database.db, clientId) : undefined
  const asked = trustedParameter(read, 'post_logout_redirect_uri')
  const registered = asked !== undefined && (client?.postLogoutRedirectUris ?? []).includes(asked)
  const state = trustedParameter(read, 'state')
  return {
    hint,
    appName: client && client.removedAt === null ? client.name : null,
    returnTo: registered ? asked : null,
    unknownReturn: asked !== undefined && !registered,
    state,
    fields: Object.fromEntries(
      names.flatMap((name) => {
        const value = trustedParameter(read, name)
        return value === undefined ? [] : [[name, value]]
      }),
    ),
  }
}

/** Whether the hint names this browser's sign-in, so that signing out needs no confirmation. */
export function hintMatches(request: EndSessionRequest, actor: Actor): boolean {
  return request.hint !== null && request.hint.sub === actor.id
}

/** Where the browser goes once signed out: the registered URI with `state`, or our own page. */
export function afterSignOut(request: EndSessionRequest): string | null {
  if (!request.returnTo) return null
  const url = new URL(request.returnTo)
  if (request.state !== undefined) url.searchParams.set('state', request.state)
  return url.href
}
