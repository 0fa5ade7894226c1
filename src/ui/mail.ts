import type { MailMessage, Notice } from '../core/mail.ts'
import { type Copy, copyFor, isLanguage } from './copy.ts'

type Rendered = Omit<MailMessage, 'to'>

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  )

/** UTC, to the minute: one reading for every recipient whatever their time zone. */
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

/** Paragraphs as text (blank-line separated) and as simple HTML; a link becomes an anchor. */
function compose(subject: string, paragraphs: Array<string | { link: string }>): Rendered {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : p.link)).join('\n\n')
  const body = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p)}</p>`
        : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`,
    )
    .join('\n')
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${body}\n</body></html>\n`
  return { subject, text: `${text}\n`, html }
}

/**
 * A notice as a mail in its language (English when unknown): plain text and simple HTML from
 * the same copy dictionary as the pages.
 *
 * @example
 * renderNotice({ kind: 'password_changed', to, language: 'nl', at: Date.now() })
 */
export function renderNotice(notice: Notice): Rendered {
  const copy = copyFor(isLanguage(notice.language) ? notice.language : 'en').mail
  // A change to the account itself ends with whom to tell if it was not them.
  const accountChanged = (subject: string, body: string) => compose(subject, [body, copy.notMe])
  switch (notice.kind) {
    case 'reveal_link':
      return compose(copy.revealSubject, [
        copy.revealIntro(notice.accountEmail),
        { link: notice.link },
        copy.revealHow,
        copy.revealExpires(utc(notice.expiresAt)),
        copy.revealIgnore,
      ])
    case 'forgot_password_request':
      return compose(copy.requestSubject, [copy.requestBody(notice.accountEmail, utc(notice.at))])
    case 'password_reset_by_admin':
      return accountChanged(copy.resetSubject, copy.resetBody(notice.adminName, utc(notice.at)))
    case 'password_changed':
      return accountChanged(copy.changedSubject, copy.changedBody(utc(notice.at)))
    case 'mfa_enrolled':
      return accountChanged(copy.mfaEnrolledSubject, copy.mfaEnrolledBody(utc(notice.at)))
    case 'mfa_disabled':
      return accountChanged(copy.mfaDisabledSubject, copy.mfaDisabledBody(utc(notice.at)))
    case 'mfa_reset_by_admin':
      return accountChanged(
        copy.mfaResetSubject,
        copy.mfaResetBody(notice.adminName, utc(notice.at)),
      )
    case 'mfa_code_replayed':
      return accountChanged(copy.mfaReplayedSubject, copy.mfaReplayedBody(utc(notice.at)))
    case 'caller_verification_code':
      return compose(copy.verifyCodeSubject, [
        copy.verifyCodeBody(notice.adminName),
        notice.code,
        copy.verifyCodeExpires(utc(notice.expiresAt)),
        copy.verifyCodeWarning,
      ])
    case 'caller_verification_started':
      return accountChanged(
        copy.verifyStartedSubject,
        copy.verifyStartedBody(notice.adminName, utc(notice.at)),
      )
    case 'caller_verification_succeeded':
      return accountChanged(
        copy.verifySucceededSubject,
        copy.verifySucceededBody(notice.adminName, copy.methodNames[notice.method], utc(notice.at)),
      )
    case 'caller_verification_overridden':
      return compose(copy.overrideSubject, [
        copy.overrideBody(
          notice.adminName,
          copy.actionNames[notice.action],
          notice.accountEmail,
          utc(notice.at),
        ),
        copy.overrideReason(notice.reason),
      ])
    case 'approval_requested':
      return compose(copy.approvalRequestedSubject, [
        copy.approvalRequestedBody(
          notice.adminName,
          copy.actionNames[notice.action],
          notice.accountEmail,
          utc(notice.expiresAt),
        ),
      ])
    case 'approval_decided':
      return renderDecision(copy, notice)
  }
}

/** How a request for approval was decided, for the admin who asked. */
function renderDecision(
  copy: Copy['mail'],
  notice: Extract<Notice, { kind: 'approval_decided' }>,
): Rendered {
  const action = copy.actionNames[notice.action]
  if (notice.decision === 'denied') {
    return compose(copy.deniedSubject, [
      copy.deniedBody(notice.adminName, action, notice.accountEmail),
      ...(notice.reason ? [copy.deniedReason(notice.reason)] : []),
    ])
  }
  return compose(copy.approvedSubject, [
    copy.approvedBody(notice.adminName, action, notice.accountEmail),
    notice.showUntil ? copy.approvedShow(utc(notice.showUntil)) : copy.approvedDone,
  ])
}
