import type { Context } from 'hono'
import type { FC } from '../../ui/jsx-runtime.ts'
import type { AppError } from '../../core/errors.ts'
import { canManageApps, isAdminRole } from '../../core/roles.ts'
import type { Actor } from '../../services/caller.ts'
import { countOpenRequests } from '../../services/forgot-password.ts'
import { type Copy, copyFor } from '../../ui/copy.ts'
import { type PageContext, renderPage } from '../../ui/page-context.ts'
import type { AppEnv } from '../env.ts'
import { requestLanguage } from '../request-meta.ts'
import { withApprovalsNav } from './approvals-nav.ts'
import { type Flash, flashCookie } from './cookies.ts'

export type Ctx = Context<AppEnv>

/** The statuses a page is sent with: a refused form comes back with its reason's status. */
export type PageStatus = 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503

/** The language, copy and viewer a page renders with (the signed-in caller, when there is one). */
export function pageContext(c: Ctx, actor: Actor | undefined = c.get('actor')): PageContext {
  const lang = requestLanguage(c)
  return {
    t: copyFor(lang),
    lang,
    path: c.req.path,
    viewer: actor
      ? {
          email: actor.email,
          isAdmin: isAdminRole(actor.role),
          canManageApps: canManageApps(actor.role),
        }
      : undefined,
    signingInTo: c.get('pending')?.appName,
  }
}

/** The copy in the request's language, for a handler that words a message itself. */
export function pageCopy(c: Ctx): Copy {
  return copyFor(requestLanguage(c))
}

/**
 * A view rendered with `props` in this request's page context, sent with `status`.
 *
 * @example
 * return render(c, SignInPage, { email, error }, 401)
 */
export async function render<P extends object>(
  c: Ctx,
  View: FC<P>,
  props: NoInfer<P>,
  status: PageStatus = 200,
) {
  const page = await withApprovalsNav(c, pageContext(c))
  page.flash = takeFlash(c, page.t)
  // A failure page (the database busy, say) asks the database for nothing more.
  if (page.viewer?.isAdmin && c.get('actor') && status < 500) {
    page.viewer.openRequests = await countOpenRequests(c.get('deps'), c.get('actor'))
  }
  return c.html(renderPage(page, View, props), status)
}

/** The message of the form before the redirect that led here, in words: shown once, then gone. */
function takeFlash(c: Ctx, t: Copy): string | undefined {
  const flash = flashCookie.read(c)
  if (!flash) return undefined
  flashCookie.clear(c)
  const words: Record<Flash, string> = {
    'password-set': t.passwordSetFlash,
    'request-dismissed': t.requestDismissed,
  }
  return words[flash]
}

/** The status a refusal is shown with, and its `Retry-After` passed on when it has one. */
export function refusalStatus(c: Ctx, error: AppError): PageStatus {
  const retryAfter = error.headers?.['Retry-After']
  if (retryAfter) c.header('Retry-After', retryAfter)
  return error.status as PageStatus
}

/**
 * Headers of a page that shows a secret (a temporary password, a TOTP key, recovery codes): never
 * stored, never indexed, and no referrer for a link followed from it.
 */
export function markSecret(c: Ctx): void {
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Robots-Tag', 'noindex')
}

/** A redirect after a form post (303: the browser follows with GET). */
export function seeOther(c: Ctx, path: string): Response {
  return c.redirect(path, 303)
}
