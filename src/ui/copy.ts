// Every word the pages and mails show. One file per language under ./copy/, each checked against
// English key for key, so a missing word fails the type-check instead of showing English.
// English is the contract (outside tests find controls by these names).

import {
  isAuditEventName,
  isAuditOutcome,
  isAuditReasonCode,
  isErrorCode,
  isMailSendCode,
  httpStatusOf,
  smtpReplyOf,
} from '../core/audit-codes.ts'
import type { ErrorCode } from '../core/errors.ts'
import { isLanguage, type Language } from '../core/languages.ts'
import { da } from './copy/da.ts'
import { en } from './copy/en.ts'
import { nl } from './copy/nl.ts'
import { sv } from './copy/sv.ts'

export { isLanguage, type Language, languages } from '../core/languages.ts'

export type Copy = typeof en

const dictionaries: Record<Language, Copy> = { en, nl, da, sv }

export function copyFor(language: Language): Copy {
  return dictionaries[language]
}

/** An error code as a sentence for people. */
export function describeError(t: Copy, code: ErrorCode): string {
  return t.errors[code]
}

/**
 * An audit event's name in words. The row holds whatever was stored: an event this version does
 * not know (a newer one, after a rollback) gets a generic label, never the raw name.
 */
export function describeAuditEvent(t: Copy, event: string): string {
  return isAuditEventName(event) ? t.audit.events[event] : t.audit.otherEvent
}

/**
 * What happened, as a sentence naming who did it and to whom: `actor` and `target` are put into
 * words by the caller (an email, the command line); null stands for someone unknown, or an email
 * with no account. An event this version does not know gets the generic label.
 *
 * @example
 * describeAuditSentence(copyFor('sv'), 'password_reset_issued', { actor: 'a@x', target: 'b@x' })
 * // 'a@x återställde lösenordet för b@x'
 */
export function describeAuditSentence(
  t: Copy,
  event: string,
  people: { actor: string | null; target: string | null },
): string {
  if (!isAuditEventName(event)) return t.audit.otherEvent
  const actor = people.actor ?? t.audit.someone
  const sentence = t.audit.sentences[event](actor, people.target ?? t.audit.unknownAccount)
  // A sentence may start with a word ("someone", "the system administrator"), never an email.
  return /^\S*@/.test(sentence) ? sentence : sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

export function describeAuditOutcome(t: Copy, outcome: string): string {
  return isAuditOutcome(outcome) ? t.audit.outcomes[outcome] : t.audit.otherOutcome
}

/**
 * An audit reason in words: an error code as its sentence, a mail server's refusal with its reply
 * code, anything else this version does not know as a generic phrase.
 *
 * @example
 * describeReason(copyFor('nl'), 'RESET_ALREADY_ISSUED')
 */
export function describeReason(t: Copy, reason: string): string {
  if (isErrorCode(reason)) return t.errors[reason]
  if (isAuditReasonCode(reason) || isMailSendCode(reason)) return t.audit.reasons[reason]
  const reply = smtpReplyOf(reason)
  if (reply !== null) return t.audit.smtpReply(reply)
  const status = httpStatusOf(reason)
  return status === null ? t.audit.otherReason : t.audit.httpReply(status)
}

/** What an outbox notice is about, in words; an unknown kind gets a generic label. */
export function describeNoticeKind(t: Copy, kind: string): string {
  const kinds: Record<string, string> = t.outbox.kinds
  return Object.hasOwn(kinds, kind) ? kinds[kind]! : t.outbox.otherKind
}

/**
 * The page language: the switch's choice (a cookie) first, else the best `Accept-Language`
 * match by quality, else English.
 *
 * @example
 * chooseLanguage('da-DK,da;q=0.9,en;q=0.5', undefined) // 'da'
 */
export function chooseLanguage(acceptLanguage: string | undefined, chosen: string | undefined) {
  if (isLanguage(chosen)) return chosen
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { base: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index }
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  // Norwegian readers get Danish, the closest written language on offer.
  const aliases: Record<string, Language> = { nb: 'da', no: 'da' }
  for (const entry of ranked) {
    const base = entry.base ?? ''
    if (isLanguage(base)) return base
    const alias = aliases[base]
    if (alias) return alias
  }
  return 'en' as Language
}
