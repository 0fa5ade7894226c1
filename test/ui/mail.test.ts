import { describe, expect, it } from 'vitest'
import type { Notice, OutboxNotice } from '../../src/core/mail.ts'
import { copyFor, languages } from '../../src/ui/copy.ts'
import { formatTime } from '../../src/ui/layout.tsx'
import { renderNotice } from '../../src/ui/mail.ts'

const at = Date.UTC(2026, 10, 30, 9, 15)
const base = { to: 'ann@acme.example', at }
const notices: OutboxNotice[] = [
  { ...base, language: 'en', kind: 'password_reset_by_admin', adminName: 'Grace Admin' },
  { ...base, language: 'en', kind: 'password_changed' },
  { ...base, language: 'en', kind: 'forgot_password_request', accountEmail: 'bob@acme.example' },
  { ...base, language: 'en', kind: 'mfa_enrolled' },
  { ...base, language: 'en', kind: 'mfa_disabled' },
  { ...base, language: 'en', kind: 'mfa_code_replayed' },
  { ...base, language: 'en', kind: 'mfa_reset_by_admin', adminName: 'Grace Admin' },
  { ...base, language: 'en', kind: 'signed_out_by_admin', adminName: 'Grace Admin' },
  { ...base, language: 'en', kind: 'sign_in_blocked', adminName: 'Grace Admin' },
  { ...base, language: 'en', kind: 'sign_in_unblocked', adminName: 'Grace Admin' },
]
/** Notices of what an admin did to the account: the user did nothing there to deny. */
const byAdminOnly = new Set(['signed_out_by_admin', 'sign_in_blocked', 'sign_in_unblocked'])

describe('notice mails', () => {
  it.each(languages)(
    'in %s: every kind has its own subject, says when as the pages do and who, and escapes the HTML',
    (language) => {
      const rendered = notices.map((notice) => renderNotice({ ...notice, language }))
      expect(new Set(rendered.map((mail) => mail.subject)).size).toBe(notices.length)
      for (const [i, mail] of rendered.entries()) {
        expect(mail.text).toContain(formatTime(language, new Date(at).toISOString()))
        expect(mail.text).not.toContain('(UTC)')
        if ('adminName' in notices[i]!) expect(mail.text).toContain('Grace Admin')
        // Every change to the account itself ends with whom to tell if it was not them.
        const kind = notices[i]!.kind
        if (kind !== 'forgot_password_request' && !byAdminOnly.has(kind)) {
          expect(mail.text).toContain(copyFor(language).mail.notMe)
        }
      }
      const hostile = renderNotice({
        ...notices[6]!,
        language,
        adminName: '<b>x</b>',
      } as OutboxNotice)
      expect(hostile.html).not.toContain('<b>x</b>')
      expect(hostile.html).toContain('&lt;b&gt;x&lt;/b&gt;')
    },
  )

  it.each(languages)(
    'in %s: the mails name menus and buttons exactly as the pages do',
    (language) => {
      const t = copyFor(language)
      const text = (notice: Notice) => renderNotice(notice).text
      const request = notices.find((notice) => notice.kind === 'forgot_password_request')!
      const mfaReset = notices.find((notice) => notice.kind === 'mfa_reset_by_admin')!
      expect(text({ ...request, language })).toContain(` ${t.navRequests}.`)
      expect(text({ ...mfaReset, language })).toContain(` ${t.navAccount}.`)
      const reveal = text({
        kind: 'reveal_link',
        to: 'ann@acme.example',
        language,
        link: 'https://id.acme.example/reveal/r1#key',
        accountEmail: 'ann@acme.example',
        expiresAt: at,
      })
      expect(reveal).toContain(` ${t.showPassword}.`)
    },
  )

  it('an unknown language falls back to English', () => {
    const mail = renderNotice({ ...base, language: 'fr', kind: 'mfa_code_replayed' })
    expect(mail.subject).toBe('One of your verification codes was used twice')
  })
})

describe('helpdesk mails', () => {
  const helpdesk: Notice[] = [
    {
      ...base,
      language: 'en',
      kind: 'caller_verification_started',
      adminName: 'Grace Admin',
      method: 'totp',
    },
    {
      ...base,
      language: 'en',
      kind: 'caller_verification_succeeded',
      adminName: 'Grace Admin',
      method: 'email',
    },
    {
      ...base,
      language: 'en',
      kind: 'caller_verification_overridden',
      adminName: 'Grace Admin',
      accountEmail: 'bob@acme.example',
      action: 'mfa_reset',
      reason: 'manager confirmed on the phone',
    },
    {
      ...base,
      language: 'en',
      kind: 'approval_requested',
      adminName: 'Grace Admin',
      accountEmail: 'bob@acme.example',
      action: 'password_reset',
      expiresAt: at,
    },
    {
      ...base,
      language: 'en',
      kind: 'approval_decided',
      adminName: 'Grace Admin',
      accountEmail: 'bob@acme.example',
      action: 'password_reset',
      decision: 'approved',
      reason: null,
      showUntil: at,
    },
    {
      ...base,
      language: 'en',
      kind: 'approval_decided',
      adminName: 'Grace Admin',
      accountEmail: 'bob@acme.example',
      action: 'password_reset',
      decision: 'denied',
      reason: 'Bob is on holiday',
      showUntil: null,
    },
    {
      kind: 'caller_verification_code',
      to: 'ann@acme.example',
      language: 'en',
      code: '048213',
      adminName: 'Grace Admin',
      expiresAt: at,
    },
  ]

  it.each(languages)(
    'in %s: each has its own subject, names the admin and the time, and says what to do',
    (language) => {
      const t = copyFor(language)
      const rendered = helpdesk.map((notice) => renderNotice({ ...notice, language }))
      expect(new Set(rendered.map((mail) => mail.subject)).size).toBe(helpdesk.length)
      const [started, succeeded, overridden, requested, approved, denied, code] = rendered
      for (const mail of rendered) expect(mail.text).toContain('Grace Admin')
      // When it happened, or until when to act (a denial asks nothing more).
      for (const mail of rendered.filter((mail) => mail !== denied)) {
        expect(mail.text).toContain(formatTime(language, new Date(at).toISOString()))
      }
      // The user's own account: whom to tell if it was not them.
      for (const mail of [started!, succeeded!]) expect(mail.text).toContain(t.mail.notMe)
      expect(overridden!.text).toContain('manager confirmed on the phone')
      expect(requested!.text).toContain(` ${t.approvals.nav} `)
      expect(approved!.text).toContain(` ${t.approvals.showPassword} `)
      expect(denied!.text).toContain('Bob is on holiday')
      // The code stands on a line of its own, with the warning for someone not on the phone.
      expect(code!.text).toMatch(/^048213$/m)
      expect(code!.text).toContain(t.mail.verifyCodeWarning)
    },
  )
})

describe('a reset at the command line', () => {
  it.each(languages)('%s names the system administrator, never "the operator"', (language) => {
    const mail = renderNotice({ ...notices[0]!, language, adminName: null } as OutboxNotice)
    const t = copyFor(language)
    expect(mail.text).toContain(t.byOperator.slice(1))
    expect(mail.text).not.toMatch(/operator/i)
  })
})
