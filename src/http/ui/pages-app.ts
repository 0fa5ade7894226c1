import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError } from '../../core/errors.ts'
import { isAdminRole } from '../../core/roles.ts'
import { APP_CSS, APP_JS, REVEAL_JS } from '../../ui/assets.ts'
import { MessagePage } from '../../ui/pages/auth.tsx'
import { RevealPage } from '../../ui/pages/reveal.tsx'
import type { AppEnv } from '../env.ts'
import { accountPages } from './account-pages.ts'
import { adminPages } from './admin-pages.ts'
import { authPages } from './auth-pages.ts'
import { sessionCookie } from './cookies.ts'
import { currentActor } from './guards.ts'
import { markSecret, pageContext, renderPage, seeOther } from './render.ts'

// Scripts and styles from this origin only, never inline; forms post only here; no framing.
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ')

// The reveal page also fetches its ciphertext from this origin, and posts no form anywhere.
export const REVEAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ')

/**
 * The browser surface, mounted at `/` after the JSON API: server-rendered pages over the same
 * services. Its headers, CSRF checks and cookie sessions are its own; the API's JSON-only guards
 * and deny-all policy stay under `/api/v1`.
 */
export function createPages() {
  const pages = new Hono<AppEnv>()
  pages.use('*', onPagesOnly(pageHeaders))
  pages.get('/assets/app.js', (c) => asset(c, APP_JS, 'text/javascript; charset=utf-8'))
  pages.get('/assets/app.css', (c) => asset(c, APP_CSS, 'text/css; charset=utf-8'))
  pages.get('/assets/reveal.js', (c) => asset(c, REVEAL_JS, 'text/javascript; charset=utf-8'))
  // Reads nothing: a mail scanner or link preview that follows the link burns nothing.
  pages.get('/reveal/:id', (c) => {
    markSecret(c)
    return renderPage(c, RevealPage({ page: pageContext(c), revealId: c.req.param('id') }))
  })
  pages.get('/', async (c) => {
    const actor = await currentActor(c)
    if (!actor) return seeOther(c, '/sign-in')
    return seeOther(c, isAdminRole(actor.role) ? '/admin/users' : '/account')
  })
  pages.route('/', authPages())
  pages.route('/account', accountPages())
  pages.route('/admin', adminPages())
  pages.onError((error, c) => renderFailure(c, error))
  return pages
}

// Mounted at the root, the pages' catch-all middleware would also see API paths the API did not
// answer (its 404s): those keep the API's own headers.
function onPagesOnly(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (isApiPath(c.req.path) ? next() : middleware(c, next))
}

export function isApiPath(path: string): boolean {
  return path === '/api/v1' || path.startsWith('/api/')
}

const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  c.res.headers.set(
    'Content-Security-Policy',
    c.req.path.startsWith('/reveal/') ? REVEAL_CSP : PAGE_CSP,
  )
  if (!c.req.path.startsWith('/assets/')) {
    // Pages carry per-user data; none of them may be kept by any cache.
    c.res.headers.set('Cache-Control', 'no-store')
    c.res.headers.set('Vary', 'Cookie, Accept-Language')
  }
}

function asset(c: Context<AppEnv>, body: string, type: string): Response {
  c.header('Content-Type', type)
  c.header('Cache-Control', 'public, max-age=3600')
  return c.body(body)
}

/** A readable page for anything that went wrong; details stay in the server log. */
export async function renderFailure(c: Context<AppEnv>, error: unknown): Promise<Response> {
  const page = pageContext(c, c.var.actor)
  const { t } = page
  const home = { href: '/', label: t.home }
  const show = (title: string, message: string, status: Parameters<typeof renderPage>[2]) =>
    renderPage(c, MessagePage({ page, title, message, link: home }), status)
  if (error instanceof HTTPException && error.status === 403) {
    return show(t.forbiddenTitle, t.crossSite, 403)
  }
  if (error instanceof AppError) {
    switch (error.code) {
      case 'UNAUTHENTICATED':
        sessionCookie.clear(c)
        return seeOther(c, '/sign-in')
      case 'CROSS_SITE_REQUEST':
        return show(t.forbiddenTitle, t.crossSite, 403)
      case 'FORBIDDEN':
      case 'FORBIDDEN_ROLE':
        return show(t.forbiddenTitle, t.forbidden, 403)
      case 'MFA_ENROLLMENT_REQUIRED':
      case 'STEP_UP_REQUIRED': {
        const message =
          error.code === 'STEP_UP_REQUIRED' ? t.stepUpRequired : t.mfaEnrollmentRequired
        const link = { href: '/account/two-step', label: t.twoStepTitle }
        return renderPage(c, MessagePage({ page, title: t.forbiddenTitle, message, link }), 403)
      }
      case 'CANNOT_RESET_SELF':
        return show(t.forbiddenTitle, t.cannotResetSelf, 403)
      case 'NOT_FOUND':
        return show(t.notFoundTitle, t.notFound, 404)
      case 'PAYLOAD_TOO_LARGE':
        return show(t.errorTitle, t.invalidForm, 413)
      case 'UNSUPPORTED_MEDIA_TYPE':
        return show(t.errorTitle, t.invalidForm, 415)
      case 'VALIDATION_FAILED':
        return show(t.errorTitle, t.invalidForm, 400)
      default:
        break
    }
  }
  c.var.deps.logger.error('unhandled_error', {
    requestId: c.var.requestId,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  })
  return show(t.errorTitle, t.error, 500)
}

/** The HTML 404 for a path outside the API. */
export function renderNotFound(c: Context<AppEnv>): Promise<Response> {
  const page = pageContext(c)
  return renderPage(
    c,
    MessagePage({
      page,
      title: page.t.notFoundTitle,
      message: page.t.notFound,
      link: { href: '/', label: page.t.home },
    }),
    404,
  )
}
