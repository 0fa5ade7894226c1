import { authenticationMethods, userClaims } from '../core/oidc/claims.ts'
import { OAuthError } from '../core/oidc/errors.ts'
import { verifiesChallenge } from '../core/oidc/pkce.ts'
import { parseScopeText } from '../core/oidc/scopes.ts'
import type { OidcProvider } from '../core/oidc/signing-keys.ts'
import { signAppAccessToken, signIdToken, verifyAppAccessToken } from '../core/oidc/tokens.ts'
import { randomId, randomToken } from '../core/random.ts'
import { hashToken } from '../core/tokens.ts'
import {
  findAppGrant,
  findAppRefreshToken,
  type GrantState,
  grantIsLive,
  insertExchangedGrant,
  insertExchangedRefreshToken,
  insertSuccessorRefreshToken,
  revokeAppGrants,
  rotateAppRefreshToken,
} from '../db/app-grants.ts'
import { findAuthorizationCode, markCodeUsed } from '../db/authorization-codes.ts'
import type { Client } from '../db/clients.ts'
import { named, writeSteps } from '../db/database.ts'
import { findUserInTenant } from '../db/users.ts'
import { auditStatement } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

/** The token endpoint's answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  id_token: string
  scope: string
  refresh_token?: string
}

function provider(deps: Deps): OidcProvider {
  if (!deps.oidc) throw new OAuthError('temporarily_unavailable', 'The provider has no keys')
  return deps.oidc
}

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)

/**
 * Exchanges a one-time code for tokens (RFC 6749 §4.1.3 with RFC 7636): the code must be this
 * app's, unexpired, for this redirect URI, and the verifier must be the one its challenge was made
 * from. A code presented a second time is refused and ends what its first exchange issued
 * (RFC 6749 §4.1.2). The grant is written in the same atomic write that takes the code, and only
 * while the user's credential is the one they signed in with.
 */
export async function exchangeCode(
  deps: Deps,
  client: Client,
  input: { code: string; redirectUri: string; codeVerifier: string },
  meta: RequestMeta,
): Promise<TokenResponse> {
  const now = deps.clock.now()
  const codeHash = hashToken(input.code)
  const code = await findAuthorizationCode(deps.database.db, codeHash)
  if (!code || code.clientId !== client.id) throw invalidGrant('The code is not valid')
  if (code.usedAt !== null) return refuseReplayedCode(deps, codeHash, meta)
  if (code.expiresAt <= now) throw invalidGrant('The code has expired')
  if (code.redirectUri !== input.redirectUri) throw invalidGrant('redirect_uri does not match')
  if (!verifiesChallenge(input.codeVerifier, code.codeChallenge)) {
    throw invalidGrant('code_verifier does not match the challenge')
  }
  const user = await findUserInTenant(deps.database.db, code.tenantId, code.userId)
  if (!user) throw invalidGrant('The user no longer exists')
  const scopes = parseScopeText(code.scope)
  const grant = {
    id: randomId(deps.random),
    tenantId: code.tenantId,
    clientId: client.id,
    userId: user.id,
    browserSessionId: code.browserSessionId,
    scope: code.scope,
    authTime: code.authTime,
    mfa: code.mfa,
    credentialVersion: user.credentialVersion,
    createdAt: now,
    expiresAt: now + deps.settings.sessionAbsoluteSeconds * 1000,
  }
  // Written only while the code is taken by this exchange and the user's password is the one
  // they signed in with: a reset between the sign-in and the exchange leaves nothing behind.
  const heldTo = { codeHash, credentialId: user.credentialId }
  const refreshToken = scopes.includes('offline_access') ? randomToken(deps.random) : undefined
  const { taken, granted } = await writeSteps(deps.database, [
    named('taken', markCodeUsed({ codeHash, grantId: grant.id, now })),
    named('granted', insertExchangedGrant({ ...grant, ...heldTo })),
    ...(refreshToken
      ? [
          insertExchangedRefreshToken({
            ...refreshTokenRow(deps, grant, refreshToken, now),
            ...heldTo,
            userId: user.id,
          }),
        ]
      : []),
  ])
  if (taken !== 1) return refuseReplayedCode(deps, codeHash, meta)
  if (granted !== 1) throw invalidGrant('The user signed in with a password that has changed')
  return issueTokens(deps, client, { ...grant, nonce: code.nonce }, user, refreshToken)
}

/**
 * A code used twice: refused, and the grant its first exchange made is ended and the replay
 * audited, once. The code is read again: a concurrent exchange may just have taken it.
 */
async function refuseReplayedCode(deps: Deps, codeHash: string, meta: RequestMeta): Promise<never> {
  const now = deps.clock.now()
  const code = await findAuthorizationCode(deps.database.db, codeHash)
  const grantId = code?.grantId
  if (code && grantId) {
    await deps.database.writeAtomically([
      auditStatement(
        deps,
        meta,
        {
          tenantId: code.tenantId,
          event: 'authn_token_reuse',
          // The app acted, for the user: named in the details.
          actor: null,
          targetId: code.userId,
          outcome: 'denied',
          reason: 'CODE_REPLAYED',
          details: { clientId: code.clientId, grantId },
        },
        grantIsLive(grantId, now),
      ),
      revokeAppGrants(deps.database.db, { grantId }, now, 'code_replayed'),
    ])
  }
  throw invalidGrant('The code was already used')
}

/**
 * New tokens for a refresh token (RFC 6749 §6), which is rotated: the one presented stops, its
 * successor is returned. A rotated token presented again is a reuse: the whole grant ends (its
 * every token), as RFC 9700 §4.14 asks, and the reuse is audited once.
 */
export async function refreshAppTokens(
  deps: Deps,
  client: Client,
  refreshToken: string,
  meta: RequestMeta,
): Promise<TokenResponse> {
  const now = deps.clock.now()
  const tokenHash = hashToken(refreshToken)
  const row = await findAppRefreshToken(deps.database.db, tokenHash)
  if (!row || row.clientId !== client.id) throw invalidGrant('The refresh token is not valid')
  if (row.rotatedAt !== null) return refuseReusedRefreshToken(deps, row, meta)
  if (!isLive(row, now) || row.tokenExpiresAt <= now) {
    throw invalidGrant('The refresh token is not valid')
  }
  const next = randomToken(deps.random)
  const grant = toGrant(row)
  const successor = refreshTokenRow(deps, grant, next, now)
  const { rotated, stored } = await writeSteps(deps.database, [
    named('rotated', rotateAppRefreshToken({ tokenHash, replacedBy: successor.tokenHash, now })),
    named('stored', insertSuccessorRefreshToken({ ...successor, replaces: tokenHash })),
  ])
  // Another request rotated it first: two uses of one token are a reuse.
  if (rotated !== 1) return refuseReusedRefreshToken(deps, row, meta)
  if (stored !== 1) throw invalidGrant('The refresh token is not valid')
  return issueTokens(deps, client, { ...grant, nonce: null }, toUser(row), next)
}

async function refuseReusedRefreshToken(
  deps: Deps,
  row: GrantState,
  meta: RequestMeta,
): Promise<never> {
  const now = deps.clock.now()
  await deps.database.writeAtomically([
    // Once per grant: a reuse repeated after the grant ended writes nothing.
    auditStatement(
      deps,
      meta,
      {
        tenantId: row.tenantId,
        event: 'authn_token_reuse',
        // The app acted, for the user: named in the details.
        actor: null,
        targetId: row.userId,
        outcome: 'denied',
        reason: 'REFRESH_TOKEN_REUSE',
        details: { clientId: row.clientId, grantId: row.grantId },
      },
      grantIsLive(row.grantId, now),
    ),
    revokeAppGrants(deps.database.db, { grantId: row.grantId }, now, 'refresh_token_reuse'),
  ])
  throw invalidGrant('The refresh token was already used')
}

/**
 * The claims userinfo answers with (OpenID Connect Core §5.3) for an access token of ours whose
 * grant is still live: a token from a grant that ended (a reset, a sign-out, a removed app) is
 * refused at once, however long it has left.
 */
export async function describeTokenUser(deps: Deps, accessToken: string) {
  const oidc = provider(deps)
  const now = deps.clock.now()
  const invalid = () => new OAuthError('invalid_token', 'The access token is not valid')
  const claims = await verifyAppAccessToken(await oidc.keys(), oidc.issuer, accessToken, now)
  if (!claims) throw invalid()
  const grant = await findAppGrant(deps.database.db, claims.gid)
  if (!grant || grant.userId !== claims.sub || !isLive(grant, now)) throw invalid()
  return userClaims(
    {
      id: grant.userId,
      tenantId: grant.tenantId,
      email: grant.email,
      displayName: grant.displayName,
    },
    parseScopeText(claims.scope),
  )
}

/**
 * Revokes a token (RFC 7009): a refresh token or an access token of this app ends its grant. The
 * answer is the same whether or not the token was known (§2.2), so nothing is learned from it.
 */
export async function revokeAppToken(
  deps: Deps,
  client: Client,
  token: string,
  meta: RequestMeta,
): Promise<void> {
  const grantId = await grantOfToken(deps, client, token)
  if (!grantId) return
  const grant = await findAppGrant(deps.database.db, grantId)
  if (!grant) return
  const now = deps.clock.now()
  await deps.database.writeAtomically([
    auditStatement(
      deps,
      meta,
      {
        tenantId: grant.tenantId,
        event: 'authn_token_revoked',
        // The app acted, for the user: named in the details.
        actor: null,
        targetId: grant.userId,
        outcome: 'success',
        reason: 'APP_TOKEN_REVOKED',
        details: { clientId: client.id, grantId },
      },
      grantIsLive(grantId, now),
    ),
    revokeAppGrants(deps.database.db, { grantId }, now, 'revoked_by_app'),
  ])
}

async function grantOfToken(deps: Deps, client: Client, token: string): Promise<string | null> {
  const refresh = await findAppRefreshToken(deps.database.db, hashToken(token))
  if (refresh) return refresh.clientId === client.id ? refresh.grantId : null
  const oidc = provider(deps)
  const claims = await verifyAppAccessToken(await oidc.keys(), oidc.issuer, token, deps.clock.now())
  return claims && claims.clientId === client.id ? claims.gid : null
}

/** A grant still stands: not revoked or expired, its app not removed, the password unchanged. */
function isLive(grant: GrantState, now: number): boolean {
  return (
    grant.revokedAt === null &&
    grant.grantExpiresAt > now &&
    grant.clientRemovedAt === null &&
    grant.grantVersion === grant.userVersion
  )
}

interface GrantFacts {
  id: string
  tenantId: string
  userId: string
  browserSessionId: string
  scope: string
  authTime: number
  mfa: boolean
  expiresAt: number
}

function toGrant(row: GrantState): GrantFacts {
  return {
    id: row.grantId,
    tenantId: row.tenantId,
    userId: row.userId,
    browserSessionId: row.browserSessionId,
    scope: row.scope,
    authTime: row.authTime,
    mfa: row.mfa,
    expiresAt: row.grantExpiresAt,
  }
}

function toUser(row: GrantState) {
  return { id: row.userId, tenantId: row.tenantId, email: row.email, displayName: row.displayName }
}

/** A refresh token row of the grant (its SHA-256 only): idle-limited, never past the grant's end. */
function refreshTokenRow(deps: Deps, grant: GrantFacts, token: string, now: number) {
  const idle = now + deps.settings.refreshIdleSeconds * 1000
  return {
    tokenHash: hashToken(token),
    grantId: grant.id,
    issuedAt: now,
    expiresAt: Math.min(idle, grant.expiresAt),
  }
}

/** The ID token and access token of a grant, signed now; the refresh token when there is one. */
async function issueTokens(
  deps: Deps,
  client: Client,
  grant: GrantFacts & { nonce: string | null },
  user: { id: string; tenantId: string; email: string; displayName: string },
  refreshToken: string | undefined,
): Promise<TokenResponse> {
  const oidc = provider(deps)
  const keys = await oidc.keys()
  const now = deps.clock.now()
  const ttl = deps.settings.accessTokenTtlSeconds
  const scopes = parseScopeText(grant.scope)
  const [accessToken, idToken] = await Promise.all([
    signAppAccessToken(
      keys,
      {
        issuer: oidc.issuer,
        clientId: client.id,
        sub: user.id,
        tid: user.tenantId,
        scope: grant.scope,
        sid: grant.browserSessionId,
        gid: grant.id,
        jti: randomId(deps.random),
      },
      now,
      ttl,
    ),
    signIdToken(
      keys,
      {
        issuer: oidc.issuer,
        clientId: client.id,
        user: userClaims(user, scopes),
        authTime: grant.authTime,
        amr: authenticationMethods(grant.mfa),
        sid: grant.browserSessionId,
        ...(grant.nonce === null ? {} : { nonce: grant.nonce }),
      },
      now,
      ttl,
    ),
  ])
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ttl,
    id_token: idToken,
    scope: grant.scope,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  }
}
