import { Hono } from 'hono'
import {
  openPendingAuthorization,
  type PendingAuthorization,
  sealPendingAuthorization,
} from '../../core/oidc/pending-request.ts'
import {
  type AuthorizationStep,
  cancelAuthorization,
  continueAuthorization,
  PENDING_AUTHORIZATION_MS,
  readAuthorization,
} from '../../services/authorization.ts'
import { ContinuePage, InvalidAuthorizationPage, RESUME_PATH } from '../../ui/pages/authorize.tsx'
import { SignInPage } from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { authorizationCookie } from './cookies.ts'
import { formGuards, currentActor } from './guards.ts'
import { type Ctx, markSecret, render, seeOther } from './render.ts'

/**
 * The authorization endpoint, as pages (OpenID Connect Core §3.1.2): an app sends the browser
 * here; it signs in on the usual pages (two-step and the forced change included) and goes back to
 * the app with a code. The request waits in a cookie of this browser while it signs in.
 */
export function authorizePages() {
  return new Hono<AppEnv>()
    .get('/oauth/authorize', startAuthorization)
    .get(RESUME_PATH, resumeAuthorization)
    .post('/oauth/authorize/cancel', formGuards, cancelPendingAuthorization)
}

async function startAuthorization(c: Ctx) {
  const step = await readAuthorization(c.get('deps'), new URL(c.req.url).searchParams)
  if (step.kind !== 'sign_in') return answer(c, step)
  await keepPending(c, step.pending)
  // One same-site step, so that the session cookie (SameSite=Strict) comes along.
  return render(c, ContinuePage, {})
}

/** Goes on with the request this browser holds, for whoever is signed in to it now. */
export async function resumeAuthorization(c: Ctx) {
  const pending = await readPending(c)
  if (!pending) return seeOther(c, '/')
  const actor = await currentActor(c)
  const step = await continueAuthorization(c.get('deps'), pending, actor, requestMeta(c))
  if (step.kind !== 'sign_in') return answer(c, step)
  if (!actor) return seeOther(c, '/sign-in')
  // Signed in, but not recently enough for this app (prompt=login, max_age): sign in again.
  c.set('pending', pending)
  return render(c, SignInPage, { email: actor.email, again: true })
}

async function cancelPendingAuthorization(c: Ctx) {
  const pending = await readPending(c)
  if (!pending) return seeOther(c, '/sign-in')
  return answer(c, cancelAuthorization(c.get('deps'), pending))
}

/** The request waiting in this browser, if any and still intact. */
export async function readPending(c: Ctx): Promise<PendingAuthorization | undefined> {
  const token = authorizationCookie.read(c)
  if (!token) return undefined
  const { tokens, clock } = c.get('deps')
  const pending = await openPendingAuthorization(tokens, token, clock.now())
  return pending ?? undefined
}

async function keepPending(c: Ctx, pending: PendingAuthorization) {
  const seconds = PENDING_AUTHORIZATION_MS / 1000
  // Kept a day, valid half an hour: a late sign-in still goes back to the app with an error.
  const token = await sealPendingAuthorization(c.get('deps').tokens, pending, 86_400)
  authorizationCookie.write(c, token, Math.max(seconds, 86_400))
}

function answer(c: Ctx, step: Exclude<AuthorizationStep, { kind: 'sign_in' }>) {
  if (step.kind === 'refused') {
    markSecret(c)
    return render(c, InvalidAuthorizationPage, { reason: step.reason }, 400)
  }
  authorizationCookie.clear(c)
  // The code is a credential in a URL by design (RFC 6749 §4.1.2): no cache keeps this answer,
  // and no referrer carries it on.
  markSecret(c)
  return c.redirect(step.location, 303)
}
