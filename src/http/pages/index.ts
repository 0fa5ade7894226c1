import { Hono, type MiddlewareHandler } from 'hono'
import { isAdminRole } from '../../core/roles.ts'
import { APP_CSS, APP_JS, REVEAL_JS } from '../../ui/assets.ts'
import { copyFor, isLanguage } from '../../ui/copy.ts'
import { renderPage } from '../../ui/page-context.ts'
import { RevealPage } from '../../ui/pages/reveal.tsx'
import type { AppEnv } from '../env.ts'
import { accountPages } from './account.ts'
import { adminListPages } from './admin-lists.ts'
import { appPages } from './apps.ts'
import { approvalPages } from './approvals.ts'
import { authorizePages } from './authorize.ts'
import { languageCookie } from './cookies.ts'
import { endSessionPages } from './end-session.ts'
import { renderFailure } from './failure.ts'
import { forgotPasswordPages } from './forgot-password.ts'
import { currentActor, signedIn } from './guards.ts'
import { headerActions } from './header-actions.ts'
import { type Ctx, markSecret, pageContext, render, seeOther } from './render.ts'
import { resetPages } from './reset.ts'
import { signInPages } from './sign-in.ts'
import { twoStepPages } from './two-step.ts'
import { userActionPages } from './user-actions.ts'
import { userPages } from './users.ts'
import { verificationPages } from './verifications.ts'

export { renderNotFound } from './failure.ts'

// Scripts and styles from this origin only, never inline; forms post only here; no framing.
export const PAGE_CSP = pagePolicy("'self'")

/**
 * The pages' policy, with the places their forms may lead. Browsers hold a form's redirects to
 * `form-action` too, so while an app's sign-in is pending, its steps allow that app's redirect
 * origin as well (see `formTargets`).
 */
function pagePolicy(formAction: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ')
}

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
 * use cases. Its headers, CSRF checks and cookie sessions are its own; the API's JSON-only guards
 * and deny-all policy stay under `/api/v1`.
 */
export function createPages() {
  // Only signed in: which admin may do what is decided (and refusals audited) by the use cases.
  const admin = new Hono<AppEnv>()
    .use('*', signedIn)
    .route('/', userPages())
    .route('/', resetPages())
    .route('/', userActionPages())
    .route('/', adminListPages())
    .route('/', appPages())
    .route('/', verificationPages())
    .route('/', approvalPages())
  return new Hono<AppEnv>()
    .use('*', onPagesOnly(pageHeaders))
    .get('/assets/app.js', (c) => asset(c, APP_JS, 'text/javascript; charset=utf-8'))
    .get('/assets/app.css', (c) => asset(c, APP_CSS, 'text/css; charset=utf-8'))
    .get('/assets/reveal.js', (c) => asset(c, REVEAL_JS, 'text/javascript; charset=utf-8'))
    .get('/reveal/:id', showReveal)
    .get('/', sendHome)
    .route('/', signInPages())
    .route('/', authorizePages())
    .route('/', endSessionPages())
    .route('/', forgotPasswordPages())
    .route('/', headerActions())
    .route('/account', accountPages())
    .route('/account/two-step', twoStepPages())
    .route('/admin', admin)
    .onError((error, c) => renderFailure(c, error))
}

/** Home is where the caller works: admins on Users, everyone else on their Account. */
async function sendHome(c: Ctx) {
  const actor = await currentActor(c)
  if (!actor) return seeOther(c, '/sign-in')
  return seeOther(c, isAdminRole(actor.role) ? '/admin/users' : '/account')
}

/**
 * Reads nothing: a mail scanner or link preview that follows the link burns nothing. Its language
 * switch is links (`?lang=`), as its policy allows no form; the choice is kept as the switch's.
 */
async function showReveal(c: Ctx) {
  markSecret(c)
  const props = { revealId: c.req.param('id') ?? '' }
  const lang = c.req.query('lang')
  if (!isLanguage(lang)) return render(c, RevealPage, props)
  languageCookie.write(c, lang)
  const page = { ...pageContext(c), t: copyFor(lang), lang }
  return c.html(renderPage(page, RevealPage, props))
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
  c.res.headers.set('Content-Security-Policy', policyFor(c))
  if (!c.req.path.startsWith('/assets/')) {
    // Pages carry per-user data; none of them may be kept by any cache.
    c.res.headers.set('Cache-Control', 'no-store')
    c.res.headers.set('Vary', 'Cookie, Accept-Language')
  }
}

function policyFor(c: Ctx): string {
  if (c.req.path.startsWith('/reveal/')) return REVEAL_CSP
  const pending = c.get('pending')
  return pending ? pagePolicy(formTargets(pending.request.redirectUri)) : PAGE_CSP
}

/**
 * Where the forms of an app's sign-in may lead: here, and the origin of the redirect URI the app
 * asked for, where a step that finishes (or cancels) the sign-in redirects. Only `https` and
 * loopback `http` URIs are ever registered, and a URL's origin carries no `;` or quote.
 */
function formTargets(redirectUri: string): string {
  return `'self' ${new URL(redirectUri).origin}`
}

function asset(c: Ctx, body: string, type: string): Response {
  c.header('Content-Type', type)
  c.header('Cache-Control', 'public, max-age=3600')
  return c.body(body)
}
