import { errorCodes, type ErrorCode } from './errors.ts'

/**
 * Every event the audit log records, as stored in `audit_events.event`. A pure list, so that the
 * pages can put each one into words without importing the services that write them.
 */
export const auditEventNames = [
  'tenant_created',
  'user_created',
  'password_reset_issued',
  'password_reset_denied',
  'password_reset_expired_use',
  'authn_login_success',
  'authn_login_fail',
  'authn_login_lock',
  'authn_password_change_required',
  'authn_password_change',
  'authn_token_revoked',
  'authn_token_reuse',
  'access_denied',
  'password_reset_requested',
  'reveal_opened',
  'reveal_denied',
  'reveal_mail_failed',
  'mfa_enrollment_started',
  'mfa_enrolled',
  'mfa_disabled',
  'mfa_reset',
  'mfa_reset_denied',
  'authn_mfa_required',
  'authn_mfa_fail',
  'authn_mfa_step_up',
  'caller_verification_started',
  'caller_verification_failed',
  'caller_verification_verified',
  'caller_verification_expired',
  'caller_verification_used',
  'caller_verification_overridden',
  'approval_requested',
  'approval_approved',
  'approval_denied',
  'approval_cancelled',
  'approval_expired',
  'approval_executed',
  'approval_decision_refused',
  'app_registered',
  'app_removed',
  'app_secret_rotated',
  'app_sign_in',
  'user_blocked',
  'user_unblocked',
  'user_block_denied',
  'user_unblock_denied',
  'user_sign_out_denied',
  'password_reset_request_dismissed',
  'password_reset_request_dismiss_denied',
] as const

export type AuditEventName = (typeof auditEventNames)[number]

/** How an audited attempt ended. */
export const auditOutcomes = ['success', 'denied', 'failure'] as const

export type AuditOutcome = (typeof auditOutcomes)[number]

/**
 * The reasons audit rows carry besides an `ErrorCode`: why sessions ended, how a password was
 * set, what an MFA reset removed, and refusals that have no error code of their own.
 */
export const auditReasonCodes = [
  'UNKNOWN_ACCOUNT',
  'WRONG_EMAIL',
  'SIGN_OUT',
  'SIGN_OUT_EVERYWHERE',
  'PASSWORD_RESET',
  'PASSWORD_CHANGE',
  'MFA_RESET',
  'REFRESH_TOKEN_REUSE',
  'FORCED_CHANGE',
  'SELF_SERVICE',
  'TEMPORARY',
  'PERMANENT',
  'SAME_AS_TEMPORARY',
  'RECENTLY_USED',
  'MFA_CODE_REPLAYED',
  'FACTOR_REMOVED',
  'NO_FACTOR',
  'TOTP_CODE',
  'EMAIL_CODE',
  'CODE_ATTEMPTS',
  'CODE_EXPIRED',
  'EMAIL_CHANGED',
  'FOR_PASSWORD_RESET',
  'FOR_MFA_RESET',
  'REASON_GIVEN',
  'APP_REMOVED',
  'APP_SIGN_OUT',
  'APP_TOKEN_REVOKED',
  'CODE_REPLAYED',
  'OTHER_TENANT',
  'ADMIN_SIGN_OUT',
] as const

export type AuditReasonCode = (typeof auditReasonCodes)[number]

/**
 * The reason of a failed mail send (`reveal_mail_failed`, the outbox's last error): the mailer's
 * error code (nodemailer's, or a socket's), `SMTP_<reply>` for a refusal by the server, or
 * `SEND_FAILED`. Any other error name may appear too; the copy calls those "another reason".
 */
export const mailSendCodes = [
  'SEND_FAILED',
  'ECONNECTION',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EAUTH',
  'ENOAUTH',
  'EENVELOPE',
  'EMESSAGE',
  'EPROTOCOL',
] as const

export type MailSendCode = (typeof mailSendCodes)[number]

/** A mail server's refusal, by its SMTP reply code, e.g. `SMTP_550`. */
export type SmtpReplyCode = `SMTP_${number}`

/** Every reason an audit row may carry. */
export type AuditReason = ErrorCode | AuditReasonCode | MailSendCode | SmtpReplyCode

/** The reasons with a fixed spelling (every one but `SMTP_<reply>`). */
export const auditReasons: readonly (ErrorCode | AuditReasonCode | MailSendCode)[] = [
  ...(Object.keys(errorCodes) as ErrorCode[]),
  ...auditReasonCodes,
  ...mailSendCodes,
]

/** Whether a stored string is one of the codes below (a row may hold one this version lacks). */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value)
}

export function isAuditEventName(value: string): value is AuditEventName {
  return (auditEventNames as readonly string[]).includes(value)
}

export function isAuditOutcome(value: string): value is AuditOutcome {
  return (auditOutcomes as readonly string[]).includes(value)
}

export function isAuditReasonCode(value: string): value is AuditReasonCode {
  return (auditReasonCodes as readonly string[]).includes(value)
}

export function isMailSendCode(value: string): value is MailSendCode {
  return (mailSendCodes as readonly string[]).includes(value)
}

/** The status of an `HTTP_<status>` reason (an app refused a back-channel logout), or null. */
export function httpStatusOf(reason: string): number | null {
  const match = /^HTTP_(\d{3})$/.exec(reason)
  return match ? Number(match[1]) : null
}

/** The reply code of an `SMTP_<reply>` reason, or null for any other reason. */
export function smtpReplyOf(reason: string): number | null {
  const match = /^SMTP_(\d{3})$/.exec(reason)
  return match ? Number(match[1]) : null
}
