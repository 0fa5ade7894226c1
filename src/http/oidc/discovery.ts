import type { OidcProvider } from '../../core/oidc/signing-keys.ts'
import { supportedScopes } from '../../core/oidc/scopes.ts'
import { OIDC_ALGORITHM } from '../../core/oidc/signing-keys.ts'

/** Where each endpoint of the provider lives, under the issuer. */
export const OIDC_PATHS = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/.well-known/jwks.json',
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  revocation: '/oauth/revoke',
  endSession: '/oauth/end-session',
} as const

/**
 * The discovery document (OpenID Connect Discovery 1.0): everything an app needs, from the issuer
 * alone. It says only what is true here: the code flow with PKCE S256, ES256, RFC 9207's `iss`.
 */
export function discoveryDocument(provider: OidcProvider) {
  const url = (path: string) => `${provider.issuer}${path}`
  const clientAuth = ['client_secret_basic', 'client_secret_post', 'none']
  return {
    issuer: provider.issuer,
    authorization_endpoint: url(OIDC_PATHS.authorization),
    token_endpoint: url(OIDC_PATHS.token),
    userinfo_endpoint: url(OIDC_PATHS.userinfo),
    jwks_uri: url(OIDC_PATHS.jwks),
    revocation_endpoint: url(OIDC_PATHS.revocation),
    end_session_endpoint: url(OIDC_PATHS.endSession),
    scopes_supported: [...supportedScopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [OIDC_ALGORITHM],
    token_endpoint_auth_methods_supported: clientAuth,
    revocation_endpoint_auth_methods_supported: clientAuth,
    code_challenge_methods_supported: ['S256'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'amr',
      'sid',
      'tid',
      'email',
      'email_verified',
      'name',
    ],
    prompt_values_supported: ['none', 'login'],
    authorization_response_iss_parameter_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  }
}
