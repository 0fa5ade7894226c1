import { describe, expect, it } from 'vitest'
import {
  auditEventNames,
  auditOutcomes,
  auditReasonCodes,
  auditReasons,
  mailSendCodes,
} from '../../src/core/audit-codes.ts'
import { errorCodes, type ErrorCode } from '../../src/core/errors.ts'
import type { Notice } from '../../src/core/mail.ts'
import {
  copyFor,
  describeAuditEvent,
  describeAuditSentence,
  describeAuditOutcome,
  describeError,
  describeNoticeKind,
  describeReason,
  languages,
  type Copy,
  type Language,
} from '../../src/ui/copy.ts'
import { escapeHtml } from '../../src/ui/jsx-runtime.ts'
import { type PageContext, renderPage } from '../../src/ui/page-context.ts'
import { AuditPage, type AuditRowProps } from '../../src/ui/pages/audit.tsx'
import { OutboxPage } from '../../src/ui/pages/outbox.tsx'
import { UserDetailPage } from '../../src/ui/pages/user-detail.tsx'

// Spelled out (and checked complete by the type) so that a new kind must be added here too.
const noticeKinds = Object.keys({
  reveal_link: true,
  password_reset_by_admin: true,
  password_changed: true,
  forgot_password_request: true,
  mfa_enrolled: true,
  mfa_disabled: true,
  mfa_code_replayed: true,
  mfa_reset_by_admin: true,
  caller_verification_code: true,
  caller_verification_started: true,
  caller_verification_succeeded: true,
  caller_verification_overridden: true,
  approval_requested: true,
  approval_decided: true,
  signed_out_by_admin: true,
  sign_in_blocked: true,
  sign_in_unblocked: true,
} satisfies Record<Notice['kind'], true>)
const errorCodeList = Object.keys(errorCodes) as ErrorCode[]
const others = languages.filter((language) => language !== 'en')

/** Every key path of a copy dictionary, with whether it holds text, a function or a record. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}()`]
  if (typeof value === 'string') return [path]
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([key, inner]) => shape(inner, path ? `${path}.${key}` : key))
    .sort()
}

/** Every text of a dictionary; functions are called with sample arguments. */
function texts(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'function') {
    return [[path, String((value as (...args: unknown[]) => unknown)(2, 2))]]
  }
  if (typeof value === 'string') return [[path, value]]
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    texts(inner, path ? `${path}.${key}` : key),
  )
}

describe('the copy dictionaries', () => {
  it.each(others)('%s has exactly the keys of English, recursively, and no empty text', (lang) => {
    expect(shape(copyFor(lang))).toEqual(shape(copyFor('en')))
    for (const [path, text] of texts(copyFor(lang))) {
      expect(text.trim(), path).not.toBe('')
    }
  })

  it.each(languages)('%s puts every code into words: errors, audit and notices', (lang) => {
    const t = copyFor(lang)
    const en = copyFor('en')
    const words: [string, string, string][] = [
      ...errorCodeList.map((code): [string, string, string] => [
        code,
        describeError(t, code),
        describeError(en, code),
      ]),
      ...auditEventNames.map((event): [string, string, string] => [
        event,
        describeAuditEvent(t, event),
        describeAuditEvent(en, event),
      ]),
      ...auditOutcomes.map((outcome): [string, string, string] => [
        outcome,
        describeAuditOutcome(t, outcome),
        describeAuditOutcome(en, outcome),
      ]),
      ...auditReasons.map((reason): [string, string, string] => [
        reason,
        describeReason(t, reason),
        describeReason(en, reason),
      ]),
      ...noticeKinds.map((kind): [string, string, string] => [
        kind,
        describeNoticeKind(t, kind),
        describeNoticeKind(en, kind),
      ]),
    ]
    for (const [code, text, english] of words) {
      expect(text.trim(), code).not.toBe('')
      expect(text, code).not.toContain(code)
      // Not a generic fallback: each known code has words of its own.
      expect([
        t.audit.otherEvent,
        t.audit.otherOutcome,
        t.audit.otherReason,
        t.outbox.otherKind,
      ]).not.toContain(text)
      if (lang !== 'en') expect(text, `${code} is still English`).not.toBe(english)
    }
  })

  it.each(languages)(
    '%s has a generic phrase, never the raw code, for codes it does not know',
    (lang) => {
      const t = copyFor(lang)
      expect(describeAuditEvent(t, 'future_event')).toBe(t.audit.otherEvent)
      expect(describeAuditOutcome(t, 'postponed')).toBe(t.audit.otherOutcome)
      expect(describeReason(t, 'FUTURE_REASON')).toBe(t.audit.otherReason)
      expect(describeReason(t, 'TypeError')).toBe(t.audit.otherReason)
      expect(describeNoticeKind(t, 'future_notice')).toBe(t.outbox.otherKind)
      // A mail server's refusal keeps its reply code, in words.
      expect(describeReason(t, 'SMTP_550')).toContain('550')
      expect(describeReason(t, 'SMTP_550')).not.toContain('SMTP_')
    },
  )

  it('the reason list covers every error code, every other reason and every mail send code', () => {
    expect(new Set(auditReasons)).toEqual(
      new Set([...errorCodeList, ...auditReasonCodes, ...mailSendCodes]),
    )
  })
})

describe('the audit sentences', () => {
  it.each(languages)('%s names the actor and the user wherever English does', (lang) => {
    const t = copyFor(lang)
    const en = copyFor('en')
    for (const event of auditEventNames) {
      const words = t.audit.sentences[event]('ACTOR', 'USER')
      const english = en.audit.sentences[event]('ACTOR', 'USER')
      for (const who of ['ACTOR', 'USER']) {
        expect(words.includes(who), `${lang} ${event} ${who}`).toBe(english.includes(who))
      }
      if (lang !== 'en') expect(words, `${event} is still English`).not.toBe(english)
    }
  })

  it('starts with a capital unless it starts with an email', () => {
    const t = copyFor('en')
    const operator = { actor: t.byOperator, target: 'ann@acme.example' }
    expect(describeAuditSentence(t, 'password_reset_issued', operator)).toMatch(/^The system/)
    const admin = { actor: 'grace@acme.example', target: 'ann@acme.example' }
    expect(describeAuditSentence(t, 'password_reset_issued', admin)).toMatch(/^grace@/)
    expect(describeAuditSentence(t, 'authn_login_fail', { actor: null, target: null })).toBe(
      'A sign-in as an email with no account failed',
    )
  })
})

describe('house rules of each language', () => {
  const all = (lang: Language) => texts(copyFor(lang))

  it('Dutch addresses the reader as "u", never "je" or "jij"', () => {
    for (const [path, text] of all('nl')) {
      expect(text, path).not.toMatch(/\b(je|jij|jou|jouw)\b/i)
    }
  })

  it('Danish says "Log på" and "Log af", never "Log ind" or "Log ud"', () => {
    for (const [path, text] of all('da')) {
      expect(text, path).not.toMatch(/\blog\w*( \w+)? (ind|ud)\b/i)
    }
  })

  it('each language spells e-mail one way: nl and da "e-mail", sv "e-post"', () => {
    for (const lang of ['nl', 'da'] as const) {
      for (const [path, text] of all(lang)) expect(text, path).not.toMatch(/(?<!e-)\bmail/i)
    }
    for (const [path, text] of all('sv')) expect(text, path).not.toMatch(/mejl|mail/i)
  })

  it.each(languages)(
    '%s names the command-line reset for what it is, not "the operator"',
    (lang) => {
      expect(copyFor(lang).byOperator).not.toMatch(/operat/i)
    },
  )

  it.each(languages)(
    '%s lists the service-name rule with its verb, like the rules beside it',
    (lang) => {
      const verb = { en: '', nl: ' zijn', da: 'være ', sv: 'vara ' }[lang]
      const rule = copyFor(lang).policyService
      expect(lang === 'nl' ? rule.endsWith(verb) : rule.includes(verb)).toBe(true)
    },
  )
})

describe.each(languages)('the audit and outbox pages in %s', (lang) => {
  const t: Copy = copyFor(lang)
  const page = (path: string): PageContext => ({
    t,
    lang,
    path,
    viewer: { email: 'grace@acme.example', isAdmin: true },
  })
  const at = '2026-11-30T09:15:00.000Z'
  const row = (event: string, outcome: string, reason: string | null): AuditRowProps => ({
    at,
    event,
    actor: 'grace@acme.example',
    target: 'ann@acme.example',
    outcome,
    reason,
    ip: '192.0.2.1',
  })
  // Every event, every outcome and every reason, plus codes this version does not know.
  const events: AuditRowProps[] = [
    ...auditEventNames.map((event, i) => row(event, auditOutcomes[i % 3]!, null)),
    ...[...auditReasons, 'SMTP_550', 'FUTURE_REASON', 'TypeError'].map((reason) =>
      row('password_reset_denied', 'denied', reason),
    ),
    row('future_event', 'postponed', 'FUTURE_REASON'),
  ]
  const codes = [
    ...auditEventNames,
    ...auditOutcomes,
    ...auditReasons,
    ...noticeKinds,
    'future_event',
    'future_notice',
    'FUTURE_REASON',
    'SMTP_550',
    'TypeError',
    'postponed',
  ]

  function expectNoRawCode(page: string) {
    // A filter's option values are codes by design: sent back with the form, never shown.
    const html = page.replace(/ value="[^"]*"/g, '')
    const visible = html.replace(/<[^>]*>/g, ' ')
    expect(html).not.toMatch(/\b[a-z]+(_[a-z0-9]+)+\b/)
    expect(html).not.toMatch(/\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b/)
    for (const code of codes) expect(visible).not.toMatch(new RegExp(`\\b${code}\\b`))
  }

  it('the audit log tells each event as a sentence, with its outcome and reason in words', async () => {
    const html = await renderPage(page('/admin/audit'), AuditPage, {
      filters: { email: '', event: '', from: '', to: '' },
      events,
      nextCursor: null,
      isFirstPage: true,
    })
    expectNoRawCode(html)
    const people = { actor: 'grace@acme.example', target: 'ann@acme.example' }
    for (const event of auditEventNames) {
      expect(html).toContain(escapeHtml(describeAuditSentence(t, event, people)))
    }
    expect(html).toContain(`>${t.audit.outcomes.denied}</span>`)
    expect(html).toContain(`<div class="muted">${escapeHtml(t.errors.RESET_ALREADY_ISSUED)}</div>`)
    expect(html).toContain(
      `<div class="muted">${escapeHtml(t.audit.reasons.UNKNOWN_ACCOUNT)}</div>`,
    )
    expect(html).toContain(`>${t.audit.otherEvent}<`)
    // Every event can be chosen in the filter, by its name in words.
    for (const event of auditEventNames)
      expect(html).toContain(`>${t.audit.events[event]}</option>`)
  })

  it("the user page's audit trail does too", async () => {
    const html = await renderPage(page('/admin/users/u1'), UserDetailPage, {
      user: {
        id: 'u1',
        email: 'ann@acme.example',
        displayName: 'Ann',
        role: 'password_admin',
        passwordState: {
          mustChange: true,
          temporaryExpiresAt: at,
          lastResetAt: at,
          lastResetBy: null,
        },
        canReset: true,
      },
      reset: {
        status: 'pending',
        issuedAt: at,
        issuedBy: null,
        expiresAt: at,
        usedAt: null,
        delivery: null,
      },
      events,
    })
    expectNoRawCode(html)
    expect(html).toContain(escapeHtml(t.byOperator))
    expect(html).toContain(
      escapeHtml(
        describeAuditSentence(t, 'password_reset_issued', {
          actor: 'grace@acme.example',
          target: 'ann@acme.example',
        }),
      ),
    )
  })

  it('the outbox shows what each notice is about, and why a send failed, in words', async () => {
    const failures = [null, 'SMTP_550', 'ECONNREFUSED', 'FUTURE_REASON']
    const html = await renderPage(page('/admin/outbox'), OutboxPage, {
      mailConfigured: false,
      items: [...noticeKinds, 'future_notice'].map((kind, i) => ({
        id: `n${i}`,
        kind,
        recipient: 'ann@acme.example',
        createdAt: at,
        sentAt: i % 2 ? at : null,
        attempts: i,
        lastError: i % 2 ? null : failures[(i / 2) % failures.length]!,
      })),
    })
    expectNoRawCode(html)
    expect(html).toContain(`">${escapeHtml(t.outbox.kinds.forgot_password_request)}</td>`)
    expect(html).toContain(`">${escapeHtml(t.outbox.otherKind)}</td>`)
    for (const reason of ['SMTP_550', 'ECONNREFUSED', 'FUTURE_REASON']) {
      const words = t.outbox.lastError(describeReason(t, reason))
      expect(html).toContain(`<div class="muted">${escapeHtml(words)}</div>`)
    }
  })
})
