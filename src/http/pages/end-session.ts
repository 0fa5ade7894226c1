import { Hono } from 'hono'
import {
  afterSignOut,
  type EndSessionRequest,
  hintMatches,
  readEndSession,
} from '../../services/end-session.ts'
import { signOut } from '../../services/sessions.ts'
import {
  END_SESSION_PATH,
  InvalidEndSessionPage,
  SignedOutPage,
  SignOutConfirmPage,
  StepOnPage,
} from '../../ui/pages/authorize.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { sessionCookie } from './cookies.ts'
import { readForm } from './forms.ts'
import { currentActor, formGuards } from './guards.ts'
import { type Ctx, render } from './render.ts'

const CONFIRM_PATH = `${END_SESSION_PATH}/confirm`

/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0): an app sends the browser here
 * to sign out. With a hint naming this browser's user the session ends at once; without one the
 * user confirms. Either way the browser goes back only to a URI the app registered.
 */
export function endSessionPages() {
  return new Hono<AppEnv>()
    .get(END_SESSION_PATH, stepOnToConfirm)
    .get(CONFIRM_PATH, confirmOrSignOut)
    .post(END_SESSION_PATH, formGuards, submitSignOut)
}

/** As for sign-in: one same-site step, so that this site's strict session cookie comes along. */
async function stepOnToConfirm(c: Ctx) {
  const request = await readEndSession(c.get('deps'), new URL(c.req.url).searchParams)
  if (request === 'invalid') return render(c, InvalidEndSessionPage, {}, 400)
  const query = new URLSearchParams(request.fields).toString()
  return render(c, StepOnPage, { to: `${CONFIRM_PATH}${query ? `?${query}` : ''}` })
}

async function confirmOrSignOut(c: Ctx) {
  const request = await readEndSession(c.get('deps'), new URL(c.req.url).searchParams)
  if (request === 'invalid') return render(c, InvalidEndSessionPage, {}, 400)
  const actor = await currentActor(c)
  if (!actor || hintMatches(request, actor)) return endAndLeave(c, request)
  return render(c, SignOutConfirmPage, {
    appName: request.appName,
    fields: request.fields,
    unknownReturn: request.unknownReturn,
  })
}

async function submitSignOut(c: Ctx) {
  const request = await readEndSession(c.get('deps'), new URLSearchParams(await readForm(c)))
  if (request === 'invalid') return render(c, InvalidEndSessionPage, {}, 400)
  return endAndLeave(c, request)
}

/** Ends this browser's session (its apps are told) and goes where the app asked, if it may. */
async function endAndLeave(c: Ctx, request: EndSessionRequest) {
  const actor = await currentActor(c)
  if (actor) await signOut(c.get('deps'), actor, undefined, requestMeta(c))
  sessionCookie.clear(c)
  const location = afterSignOut(request)
  if (location) return c.redirect(location, 303)
  return render(c, SignedOutPage, { unknownReturn: request.unknownReturn })
}
