import type { Context } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type { Actor } from '../../services/caller.ts'
import { isAdminRole } from '../../core/roles.ts'
import { copyFor } from '../../ui/copy.ts'
import type { PageContext } from '../../ui/layout.tsx'
import type { AppEnv } from '../env.ts'
import { requestLanguage } from '../request-meta.ts'

/** The language, copy and viewer a page renders with. */
export function pageContext(c: Context<AppEnv>, actor?: Actor): PageContext {
  const lang = requestLanguage(c)
  return {
    t: copyFor(lang),
    lang,
    path: c.req.path,
    viewer: actor ? { email: actor.email, isAdmin: isAdminRole(actor.role) } : undefined,
  }
}

/** An HTML page; `status` lets a refused form come back with its reason (401, 422, 429…). */
export async function renderPage(
  c: Context<AppEnv>,
  page: JSX.Element,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 = 200,
): Promise<Response> {
  const html = `<!doctype html>${await page.toString()}`
  return c.html(html, status)
}

/** Headers of a page that shows a secret: never stored, never indexed, no referrer. */
export function markSecret(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Robots-Tag', 'noindex')
}

/** A redirect after a form post (303: the browser follows with GET). */
export function seeOther(c: Context<AppEnv>, path: string): Response {
  return c.redirect(path, 303)
}

/** A form's text field, or '' (a missing or repeated field is not a string we accept). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value : ''
}

/** Minutes or seconds to wait, from a Retry-After value in seconds. */
export function waitText(t: PageContext['t'], retryAfter: string | undefined): string {
  const seconds = Math.max(1, Number(retryAfter ?? '60') || 60)
  return seconds >= 90 ? t.minutes(Math.ceil(seconds / 60)) : t.seconds(seconds)
}
