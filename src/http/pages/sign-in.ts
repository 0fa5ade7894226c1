import { Hono, type MiddlewareHandler } from 'hono'
import { describePolicy } from '../../core/password-policy.ts'
import { completeMfaSignIn } from '../../services/mfa-sign-in.ts'
import { completePasswordChange } from '../../services/password-change.ts'
import type { SignedIn } from '../../services/sessions.ts'
import { type MfaRequired, type PasswordChangeRequired, signIn } from '../../services/sign-in.ts'
import type { ViolationProps } from '../../ui/pages/auth.tsx'
import { ForcedChangePage, MfaStepPage, SignInPage } from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { MfaBody, PasswordChangeBody, SignInBody } from '../schemas.ts'
import { RESUME_PATH } from '../../ui/pages/authorize.tsx'
import { readPending } from './authorize.ts'
import { challengeCookie, flashCookie, mfaCookie, sessionCookie } from './cookies.ts'
import { refusalText } from './failure.ts'
import { attempt, lengthViolation, readForm, violationsOf } from './forms.ts'
import { currentActor, formGuards } from './guards.ts'
import { type Ctx, pageCopy, type PageStatus, refusalStatus, render, seeOther } from './render.ts'

/** Sign-in, step by step: the password, then the second factor, then the forced change. */
export function signInPages() {
  return new Hono<AppEnv>()
    .get('/sign-in', withPending, showSignIn)
    .post('/sign-in', formGuards, withPending, submitSignIn)
    .get('/verify', withPending, showMfaStep)
    .post('/verify', formGuards, withPending, submitMfaStep)
    .get('/change-password', withPending, showForcedChange)
    .post('/change-password', formGuards, withPending, submitForcedChange)
}

/** The app this browser is signing in for, if one sent it: named on each step, resumed after. */
const withPending: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('pending', await readPending(c))
  return next()
}

type SignInStep = SignedIn | PasswordChangeRequired | MfaRequired

/**
 * Where a step leads: the next step's page, or signed in. The step's token is a bearer secret:
 * it travels in an HttpOnly cookie, never in the URL or the page.
 */
function continueSignIn(c: Ctx, step: SignInStep): Response {
  switch (step.status) {
    case 'mfa_required':
      mfaCookie.write(c, step.mfaToken, step.expiresAt)
      return seeOther(c, '/verify')
    case 'password_change_required':
      mfaCookie.clear(c)
      challengeCookie.write(c, step.challengeToken, step.expiresAt)
      return seeOther(c, '/change-password')
    case 'signed_in':
      mfaCookie.clear(c)
      challengeCookie.clear(c)
      sessionCookie.write(c, step.refreshToken)
      // An app is waiting: back to it, with a code, now that the sign-in is complete.
      return seeOther(c, c.get('pending') ? RESUME_PATH : '/')
  }
}

async function showSignIn(c: Ctx) {
  const pending = c.get('pending')
  if (await currentActor(c)) return seeOther(c, pending ? RESUME_PATH : '/')
  // An app's `login_hint` fills in the email.
  return render(c, SignInPage, { email: pending?.request.loginHint })
}

async function submitSignIn(c: Ctx) {
  const form = await readForm(c)
  const t = pageCopy(c)
  const email = form.email ?? ''
  const parsed = SignInBody.safeParse({ email, password: form.password ?? '' })
  if (!parsed.success) return render(c, SignInPage, { email, error: t.invalidCredentials }, 400)
  const outcome = await attempt(
    () => signIn(c.get('deps'), parsed.data, requestMeta(c)),
    ['INVALID_CREDENTIALS', 'TEMPORARY_PASSWORD_EXPIRED', 'TOO_MANY_ATTEMPTS', 'SIGN_IN_BLOCKED'],
  )
  if (outcome.ok) return continueSignIn(c, outcome.value)
  const error = refusalText(t, outcome.error)
  return render(c, SignInPage, { email, error }, refusalStatus(c, outcome.error))
}

function showMfaStep(c: Ctx) {
  if (!mfaCookie.read(c)) return seeOther(c, '/sign-in')
  return render(c, MfaStepPage, {})
}

async function submitMfaStep(c: Ctx) {
  const mfaToken = mfaCookie.read(c)
  const t = pageCopy(c)
  if (!mfaToken) return render(c, SignInPage, { error: t.mfaExpired }, 401)
  const code = ((await readForm(c)).code ?? '').trim()
  // Six digits are a code from the app; anything longer is taken as a recovery code.
  const parsed = MfaBody.safeParse(
    /^\d{6}$/.test(code) ? { mfaToken, code } : { mfaToken, recoveryCode: code || '-' },
  )
  if (!parsed.success) return render(c, MfaStepPage, { error: t.invalidCode }, 400)
  const outcome = await attempt(
    () => completeMfaSignIn(c.get('deps'), parsed.data, requestMeta(c)),
    ['INVALID_MFA_CODE', 'TOO_MANY_ATTEMPTS', 'INVALID_MFA_TOKEN', 'SIGN_IN_BLOCKED'],
  )
  if (outcome.ok) return continueSignIn(c, outcome.value)
  const error = refusalText(t, outcome.error)
  const status = refusalStatus(c, outcome.error)
  const restart = ['INVALID_MFA_TOKEN', 'SIGN_IN_BLOCKED'].includes(outcome.error.code)
  if (!restart) return render(c, MfaStepPage, { error }, status)
  // The step itself lapsed, was replaced by a newer sign-in or sign-in was blocked: start again.
  mfaCookie.clear(c)
  return render(c, SignInPage, { error }, status)
}

function showForcedChange(c: Ctx) {
  if (!challengeCookie.read(c)) return seeOther(c, '/sign-in')
  return renderForcedChange(c)
}

async function submitForcedChange(c: Ctx) {
  const challengeToken = challengeCookie.read(c)
  const t = pageCopy(c)
  if (!challengeToken) return render(c, SignInPage, { error: t.challengeExpired }, 401)
  const newPassword = (await readForm(c)).newPassword ?? ''
  const parsed = PasswordChangeBody.safeParse({ challengeToken, newPassword })
  if (!parsed.success) {
    return renderForcedChange(c, { violations: lengthViolation(newPassword) }, 422)
  }
  const outcome = await attempt(
    () => completePasswordChange(c.get('deps'), parsed.data, requestMeta(c)),
    ['PASSWORD_POLICY', 'TOO_MANY_ATTEMPTS', 'INVALID_CHALLENGE', 'SIGN_IN_BLOCKED'],
  )
  if (outcome.ok) {
    // The page the sign-in ends on says the new password took (an app waiting says nothing).
    if (!c.get('pending')) flashCookie.write(c, 'password-set')
    return continueSignIn(c, outcome.value)
  }
  const { error } = outcome
  const status = refusalStatus(c, error)
  if (error.code === 'PASSWORD_POLICY') {
    return renderForcedChange(c, { violations: violationsOf(error) }, status)
  }
  if (error.code === 'TOO_MANY_ATTEMPTS') {
    return renderForcedChange(c, { error: refusalText(t, error) }, status)
  }
  // The challenge lapsed, a newer sign-in replaced it or sign-in was blocked: sign in again.
  challengeCookie.clear(c)
  const message = error.code === 'SIGN_IN_BLOCKED' ? refusalText(t, error) : t.challengeExpired
  return render(c, SignInPage, { error: message }, status)
}

function renderForcedChange(
  c: Ctx,
  problem: { violations?: ViolationProps[]; error?: string } = {},
  status?: PageStatus,
) {
  const policy = describePolicy(c.get('deps').settings.passwordPolicy)
  const { violations = [], error } = problem
  return render(c, ForcedChangePage, { policy, violations, error }, status)
}
