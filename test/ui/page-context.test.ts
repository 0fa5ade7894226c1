import { describe, expect, it } from 'vitest'
import { copyFor, type Language } from '../../src/ui/copy.ts'
import { type FC, jsx } from '../../src/ui/jsx-runtime.ts'
import { type PageContext, renderPage, usePage } from '../../src/ui/page-context.ts'
import { AccountPage } from '../../src/ui/pages/account.tsx'
import { MfaStepPage } from '../../src/ui/pages/auth.tsx'

const page = (lang: Language, path = '/account'): PageContext => ({
  t: copyFor(lang),
  lang,
  path,
  viewer: { email: 'ann@acme.example', isAdmin: false },
})

const policy = { minLength: 12, maxLength: 128, historySize: 0 }

describe('views read the page context', () => {
  it('reaches the layout and every nested component: language, copy, path and viewer', async () => {
    const html = await renderPage(page('nl', '/account'), AccountPage, {
      displayName: 'Ann',
      role: 'Gebruiker',
      policy,
      violations: [],
    })
    const nl = copyFor('nl')
    expect(html.startsWith('<!doctype html><html lang="nl">')).toBe(true)
    expect(html).toContain(`<title>${nl.accountTitle} · ${nl.appName}</title>`)
    // The language switch returns here; the menu marks the page; the header names the viewer.
    expect(html).toContain('<input type="hidden" name="next" value="/account"/>')
    expect(html).toContain('<a href="/account" aria-current="page">')
    expect(html).toContain('ann@acme.example')
    // The new-password field, two components down, words its policy in Dutch too.
    expect(html).toContain(`<p>${nl.policyHeading}</p>`)
  })

  it('keeps two renders at once in their own languages', async () => {
    const [da, sv] = await Promise.all([
      renderPage(page('da', '/verify'), MfaStepPage, {}),
      renderPage(page('sv', '/verify'), MfaStepPage, {}),
    ])
    expect(da).toContain(`<label for="code">${copyFor('da').verificationCode}</label>`)
    expect(sv).toContain(`<label for="code">${copyFor('sv').verificationCode}</label>`)
  })

  it('refuses an async view, whose parts would render after the page context is gone', () => {
    async function Late() {
      return jsx('p', { children: 'late' })
    }
    expect(() => renderPage(page('en'), Late as unknown as FC, {})).toThrow(/must not be async/)
    // The page context is cleared even though the render failed.
    expect(() => usePage()).toThrow(/outside a page/)
  })

  it('refuses a view rendered outside a page, instead of guessing its language', () => {
    expect(() => String(MfaStepPage({}))).toThrow(/outside a page/)
  })
})
