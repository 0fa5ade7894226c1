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

describe('a reset at the command line', () => {
  it.each(languages)('%s names the system administrator, never "the operator"', (language) => {
    const mail = renderNotice({ ...notices[0]!, language, adminName: null } as OutboxNotice)
    const t = copyFor(language)
    expect(mail.text).toContain(t.byOperator.slice(1))
    expect(mail.text).not.toMatch(/operator/i)
  })
})
