/**
 * Every expected failure oncepass reports, by stable code. The HTTP layer turns these into
 * problem+json (RFC 9457); the code is the contract, the title is for people.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, title: 'The Idempotency-Key header is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email or password is incorrect' },
  TEMPORARY_PASSWORD_EXPIRED: { status: 401, title: 'The temporary password has expired' },
  INVALID_CHALLENGE: { status: 401, title: 'The password-change challenge is not valid' },
  INVALID_REFRESH_TOKEN: { status: 401, title: 'The refresh token is not valid' },
  INVALID_MFA_TOKEN: { status: 401, title: 'The two-step sign-in is not valid; sign in again' },
  INVALID_MFA_CODE: { status: 401, title: 'The verification code is not valid' },
  INVALID_CURRENT_PASSWORD: { status: 403, title: 'The current password is incorrect' },
  FORBIDDEN: { status: 403, title: 'You are not allowed to do this' },
  FORBIDDEN_ROLE: { status: 403, title: 'Your role does not allow this action on this user' },
  CANNOT_RESET_SELF: {
    status: 403,
    title: 'Use the self-service password change for your own account',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    title: 'Set a new password first: this token only completes the password change',
  },
  MFA_ENROLLMENT_REQUIRED: {
    status: 403,
    title: 'Set up two-step verification on your account before doing this',
  },
  STEP_UP_REQUIRED: {
    status: 403,
    title: 'Verify with your authenticator app again before doing this',
  },
  VERIFICATION_REQUIRED: {
    status: 403,
    title: "Verify the caller's identity first, or give a reason to go ahead without it",
  },
  APPROVER_NOT_ELIGIBLE: {
    status: 403,
    title: 'Only another global admin, neither the requester nor the user, may decide this',
  },
  CANNOT_MANAGE_SELF: {
    status: 403,
    title: 'Admins cannot do this to their own account',
  },
  SIGN_IN_BLOCKED: { status: 403, title: 'Sign-in is blocked for this account' },
  CROSS_SITE_REQUEST: { status: 403, title: 'Cross-site requests are not allowed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  RESET_ALREADY_ISSUED: {
    status: 409,
    title: 'A password reset was already issued for this Idempotency-Key',
  },
  ALREADY_SET_UP: { status: 409, title: 'This deployment is already set up' },
  EMAIL_TAKEN: { status: 409, title: 'A user with this email already exists' },
  MFA_ALREADY_ENROLLED: { status: 409, title: 'Two-step verification is already set up' },
  MFA_NOT_ENROLLED: { status: 409, title: 'Two-step verification is not set up' },
  MFA_ENROLLMENT_NOT_PENDING: {
    status: 409,
    title: 'No two-step enrollment is waiting for confirmation; start again',
  },
  CONFLICT: { status: 409, title: 'The resource changed concurrently; retry the request' },
  NO_APPROVER: {
    status: 409,
    title: 'No other global admin can approve this reset; use the command line to reset',
  },
  APPROVAL_NOT_PENDING: { status: 409, title: 'This request was already decided or cancelled' },
  REVEAL_GONE: {
    status: 410,
    title: 'This link was already used, has expired or was replaced by a newer reset',
  },
  VERIFICATION_GONE: {
    status: 410,
    title: 'This verification has expired, had too many wrong codes or was replaced; start again',
  },
  APPROVAL_GONE: { status: 410, title: 'This request has expired' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  PASSWORD_POLICY: { status: 422, title: 'The password does not meet the password policy' },
  PERMANENT_PASSWORD_NOT_ALLOWED: {
    status: 422,
    title: 'This deployment does not allow permanent admin-set passwords',
  },
  REVEAL_KEY_MISMATCH: {
    status: 422,
    title: 'This link is incomplete or damaged: its key does not match; nothing was revealed',
  },
  MAIL_NOT_CONFIGURED: {
    status: 422,
    title: 'No mail transport is configured: the password cannot be sent as a link',
  },
  LINK_REQUIRES_CHANGE: {
    status: 422,
    title: 'A password sent as a link is temporary: requireChange must be true',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'The Idempotency-Key was already used with a different request',
  },
  VERIFICATION_FAILED: { status: 422, title: 'The code is not right' },
  GENERATED_PASSWORD_REQUIRED: {
    status: 422,
    title: 'A reset that waits for approval generates its password: use mode "generate"',
  },
  TOO_MANY_ATTEMPTS: { status: 429, title: 'Too many attempts; try again later' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; try again later' },
  INTERNAL_ERROR: { status: 500, title: 'Something went wrong' },
  SERVICE_BUSY: { status: 503, title: 'The service is busy; try again shortly' },
  MAIL_SEND_FAILED: {
    status: 503,
    title: 'The mail could not be sent, so no code is on its way; try again shortly',
  },
  DATABASE_BUSY: {
    status: 503,
    title: 'The database is locked by another writer; try again shortly',
  },
  STORAGE_FULL: {
    status: 503,
    title: 'The database cannot grow: storage is full; nothing changed',
  },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof errorCodes

/**
 * An expected failure with a stable code. Services throw it; one translator at the edge turns it
 * into a response. Anything else that is thrown is a bug and becomes a generic 500.
 *
 * @example
 * throw new AppError('NOT_FOUND')
 * throw new AppError('PASSWORD_POLICY', { extra: { violations } })
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly extra: Record<string, unknown> | undefined
  readonly headers: Record<string, string> | undefined

  constructor(
    code: ErrorCode,
    options: {
      detail?: string
      extra?: Record<string, unknown>
      headers?: Record<string, string>
    } = {},
  ) {
    super(options.detail ?? errorCodes[code].title)
    this.name = 'AppError'
    this.code = code
    this.status = errorCodes[code].status
    this.extra = options.extra
    this.headers = options.headers
  }
}
