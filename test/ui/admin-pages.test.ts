import { describe, expect, it } from 'vitest'
import { copyFor, type Language, languages } from '../../src/ui/copy.ts'
import { formatTime } from '../../src/ui/layout.tsx'
import { type PageContext, renderPage } from '../../src/ui/page-context.ts'
import type { UserRowProps } from '../../src/ui/pages/admin-parts.tsx'
import { PasswordShownPage } from '../../src/ui/pages/confirmations.tsx'
import { type ResetStatusProps, UserDetailPage } from '../../src/ui/pages/user-detail.tsx'

const at = '2026-11-30T09:15:00.000Z'
const page = (lang: Language, path: string): PageContext => ({
  t: copyFor(lang),
  lang,
  path,
  viewer: { email: 'grace@acme.example', isAdmin: true },
})
const user: UserRowProps = {
  id: 'u1',
  email: 'ann@acme.example',
  displayName: 'Ann',
  role: 'user',
  passwordState: { mustChange: true, temporaryExpiresAt: at, lastResetAt: at, lastResetBy: null },
  canReset: true,
}
const reset: ResetStatusProps = {
  status: 'pending',
  issuedAt: at,
  issuedBy: null,
  expiresAt: at,
  usedAt: null,
  delivery: null,
}

describe("the user page's reset status", () => {
  it.each(languages)('%s heads the expiry time with a label of its own', async (lang) => {
    const t = copyFor(lang)
    const html = await renderPage(page(lang, '/admin/users/u1'), UserDetailPage, {
      user,
      reset,
      events: [],
    })
    expect(html).toContain(`<dt>${t.expiresLabel}</dt>`)
  })

  it('says "Verloopt op" in Dutch, in the label and in the sentence of the confirmation', async () => {
    const detail = await renderPage(page('nl', '/admin/users/u1'), UserDetailPage, {
      user,
      reset,
      events: [],
    })
    expect(detail).toContain('<dt>Verloopt op</dt>')
    const shown = await renderPage(page('nl', '/admin/users/u1/reset'), PasswordShownPage, {
      title: 'Wachtwoord hersteld',
      userId: 'u1',
      email: 'ann@acme.example',
      password: 'correct-horse-battery',
      expiresAt: at,
      requireChange: true,
    })
    expect(shown).toContain(`<p>Verloopt op ${formatTime('nl', at)}.</p>`)
  })
})
