/** Errors of the token, userinfo and revocation endpoints (RFC 6749 §5.2, RFC 6750 §3.1). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'temporarily_unavailable'

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  temporarily_unavailable: 503,
}

/**
 * An expected refusal of a protocol endpoint, with its RFC code. The HTTP layer answers it as
 * `{ error, error_description }` (or a `WWW-Authenticate` challenge for `invalid_token`).
 *
 * @example
 * throw new OAuthError('invalid_grant', 'The code was already used')
 */
export class OAuthError extends Error {
  readonly status: number
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description)
    this.name = 'OAuthError'
    this.status = STATUS[error]
  }
}
