import type { MailMessage, Notice } from '../core/mail.ts'
import { type Copy, copyFor, isLanguage } from './copy.ts'
import { formatTime } from './dates.ts'
import { escapeHtml } from './jsx-runtime.ts'

type Rendered = Omit<MailMessage, 'to'>

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
  const language = isLanguage(notice.language) ? notice.language : 'en'
  const t = copyFor(language)
  const copy = t.mail
  // As the pages show dates, in the reader's language, with the time zone spelled out.
  const utc = (ms: number) => formatTime(language, new Date(ms).toISOString())
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
    case 'forgot_password_request': {
      const emails = notice.accountEmails ?? [notice.accountEmail]
      return emails.length > 1
        ? compose(copy.requestsSubject, [
            copy.requestsBody(emails.length, emails.join(', '), utc(notice.at)),
            copy.requestsPace,
          ])
        : compose(copy.requestSubject, [
            copy.requestBody(notice.accountEmail, utc(notice.at)),
            copy.requestsPace,
          ])
    }
    case 'password_reset_by_admin':
      return accountChanged(
        copy.resetSubject,
        copy.resetBody(notice.adminName ?? upperFirst(t.byOperator), utc(notice.at)),
      )
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
      return renderDecision(copy, notice, utc)
    case 'signed_out_by_admin':
      return compose(copy.signedOutSubject, [copy.signedOutBody(notice.adminName, utc(notice.at))])
    case 'sign_in_blocked':
      return compose(copy.blockedSubject, [copy.blockedBody(notice.adminName, utc(notice.at))])
    case 'sign_in_unblocked':
      return compose(copy.unblockedSubject, [copy.unblockedBody(notice.adminName, utc(notice.at))])
  }
}

/** How a request for approval was decided, for the admin who asked. */
function renderDecision(
  copy: Copy['mail'],
  notice: Extract<Notice, { kind: 'approval_decided' }>,
  utc: (ms: number) => string,
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

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
