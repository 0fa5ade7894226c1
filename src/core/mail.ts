/** A rendered mail: one recipient, plain text and a simple HTML twin. The sender is the adapter's. */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

/**
 * The mail port: SMTP on Node (nodemailer), the Email Service binding on Workers. A send that
 * fails rejects; the caller decides whether to report it or retry.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>
}

/** A one-time reveal link: carries the key in its fragment, so it is only ever sent, never stored. */
export interface RevealLinkNotice {
  kind: 'reveal_link'
  to: string
  language: string
  link: string
  accountEmail: string
  expiresAt: number
}

/**
 * A caller-verification code, mailed at once to the user's own address on file. It holds the
 * code, so, like a reveal link, it is only ever sent, never stored.
 */
export interface VerificationCodeNotice {
  kind: 'caller_verification_code'
  to: string
  language: string
  code: string
  adminName: string
  expiresAt: number
}

/** What a helpdesk approval is about. */
export type HelpdeskAction = 'password_reset' | 'mfa_reset'

/** Notices with no secret: these wait in the outbox until sent. */
export type OutboxNotice =
  | {
      kind: 'password_reset_by_admin'
      to: string
      language: string
      at: number
      /** Null for a reset at the command line. */
      adminName: string | null
    }
  | { kind: 'password_changed'; to: string; language: string; at: number }
  | {
      kind: 'forgot_password_request'
      to: string
      language: string
      /** When the first request of the digest came. */
      at: number
      accountEmail: string
      /** Every account that asked while the digest gathered (the first one included). */
      accountEmails?: string[]
    }
  | {
      kind: 'mfa_enrolled' | 'mfa_disabled' | 'mfa_code_replayed'
      to: string
      language: string
      at: number
    }
  | {
      kind: 'mfa_reset_by_admin' | 'signed_out_by_admin' | 'sign_in_blocked' | 'sign_in_unblocked'
      to: string
      language: string
      at: number
      adminName: string
    }
  | {
      kind: 'caller_verification_started' | 'caller_verification_succeeded'
      to: string
      language: string
      at: number
      adminName: string
      method: 'totp' | 'email'
    }
  | {
      kind: 'caller_verification_overridden'
      to: string
      language: string
      at: number
      adminName: string
      accountEmail: string
      action: HelpdeskAction
      reason: string
    }
  | {
      kind: 'approval_requested'
      to: string
      language: string
      at: number
      adminName: string
      accountEmail: string
      action: HelpdeskAction
      expiresAt: number
    }
  | {
      kind: 'approval_decided'
      to: string
      language: string
      at: number
      adminName: string
      accountEmail: string
      action: HelpdeskAction
      decision: 'approved' | 'denied'
      /** The approver's reason for a denial. */
      reason: string | null
      /** An approved on-screen reset: the requester can show the password until then. */
      showUntil: number | null
    }

export type Notice = RevealLinkNotice | VerificationCodeNotice | OutboxNotice

/**
 * A back-channel logout for an app (OpenID Connect Back-Channel Logout 1.0): not a mail, but it
 * waits in the same outbox and is retried the same way. `to` is the app's logout URI; the signed
 * `logout_token` is made when it is sent, never stored.
 */
export interface BackchannelLogoutNotice {
  kind: 'backchannel_logout'
  to: string
  clientId: string
  sub: string
  sid: string
  at: number
}

/** Everything the outbox holds. */
export type QueuedNotice = OutboxNotice | BackchannelLogoutNotice

/** What use cases send through: a notice, rendered in its language by the templates. */
export interface NoticeMailer {
  send(notice: Notice): Promise<void>
}

/**
 * The mailer the use cases see: each notice rendered by `render` and sent through `mailer`.
 *
 * @example
 * const noticeMailer = withTemplates(smtpMailer, renderNotice)
 */
export function withTemplates(
  mailer: Mailer,
  render: (notice: Notice) => Omit<MailMessage, 'to'>,
): NoticeMailer {
  return { send: (notice) => mailer.send({ to: notice.to, ...render(notice) }) }
}
