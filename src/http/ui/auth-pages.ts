import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { describePolicy } from '../../core/password-policy.ts'
import { requestPasswordReset } from '../../services/forgot-password.ts'
import { completeMfaSignIn } from '../../services/mfa-sign-in.ts'
import { completePasswordChange } from '../../services/password-change.ts'
import { signOut } from '../../services/sessions.ts'
import { signIn } from '../../services/sign-in.ts'
import { isLanguage } from '../../ui/copy.ts'
import {
  ForcedChangePage,
  ForgotPasswordPage,
  MfaStepPage,
  SignInPage,
} from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { ForgotPasswordBody, MfaBody, PasswordChangeBody, SignInBody } from '../schemas.ts'
import { challengeCookie, languageCookie, mfaCookie, sessionCookie } from './cookies.ts'
import { currentActor, formGuards } from './guards.ts'
import { field, pageContext, renderPage, seeOther, waitText } from './render.ts'

/** Sign-in, the forced change, "Forgot password?", sign-out and the language switch. */
export function authPages() {
  const app = new Hono<AppEnv>()

  app.get('/sign-in', async (c) => {
    if (await currentActor(c)) return seeOther(c, '/')
    return renderPage(c, SignInPage({ page: pageContext(c) }))
  })

  app.post('/sign-in', formGuards, async (c) => {
    const form = await c.req.parseBody()
    const page = pageContext(c)
    const { t } = page
    const email = field(form, 'email')
    const parsed = SignInBody.safeParse({ email, password: field(form, 'password') })
    if (!parsed.success) {
      return renderPage(c, SignInPage({ page, email, error: t.invalidCredentials }), 400)
    }
    try {
      const result = await signIn(c.var.deps, parsed.data, requestMeta(c))
      if (result.status === 'mfa_required') {
        mfaCookie.write(c, result.mfaToken, result.expiresAt)
        return seeOther(c, '/verify')
      }
      if (result.status === 'password_change_required') {
        // A bearer secret: kept in an HttpOnly cookie, never in the URL or the page.
        challengeCookie.write(c, result.challengeToken, result.expiresAt)
        return seeOther(c, '/change-password')
      }
      challengeCookie.clear(c)
      sessionCookie.write(c, result.refreshToken)
      return seeOther(c, '/')
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'TOO_MANY_ATTEMPTS') {
        const retryAfter = error.headers?.['Retry-After']
        if (retryAfter) c.header('Retry-After', retryAfter)
        const message = t.tooManyAttempts(waitText(t, retryAfter))
        return renderPage(c, SignInPage({ page, email, error: message }), 429)
      }
      if (error.code === 'TEMPORARY_PASSWORD_EXPIRED') {
        return renderPage(c, SignInPage({ page, email, error: t.temporaryExpired }), 401)
      }
      if (error.code === 'INVALID_CREDENTIALS') {
        return renderPage(c, SignInPage({ page, email, error: t.invalidCredentials }), 401)
      }
      throw error
    }
  })

  app.get('/verify', (c) => {
    if (!mfaCookie.read(c)) return seeOther(c, '/sign-in')
    return renderPage(c, MfaStepPage({ page: pageContext(c) }))
  })

  app.post('/verify', formGuards, async (c) => {
    const mfaToken = mfaCookie.read(c)
    const page = pageContext(c)
    const { t } = page
    if (!mfaToken) return renderPage(c, SignInPage({ page, error: t.mfaExpired }), 401)
    const code = field(await c.req.parseBody(), 'code').trim()
    // Six digits are a code from the app; anything longer is taken as a recovery code.
    const parsed = MfaBody.safeParse(
      /^\d{6}$/.test(code) ? { mfaToken, code } : { mfaToken, recoveryCode: code || '-' },
    )
    if (!parsed.success) return renderPage(c, MfaStepPage({ page, error: t.invalidCode }), 400)
    try {
      const result = await completeMfaSignIn(c.var.deps, parsed.data, requestMeta(c))
      mfaCookie.clear(c)
      if (result.status === 'password_change_required') {
        challengeCookie.write(c, result.challengeToken, result.expiresAt)
        return seeOther(c, '/change-password')
      }
      sessionCookie.write(c, result.refreshToken)
      return seeOther(c, '/')
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'INVALID_MFA_CODE') {
        return renderPage(c, MfaStepPage({ page, error: t.invalidCode }), 401)
      }
      if (error.code === 'TOO_MANY_ATTEMPTS') {
        const retryAfter = error.headers?.['Retry-After']
        if (retryAfter) c.header('Retry-After', retryAfter)
        const message = t.tooManyAttempts(waitText(t, retryAfter))
        return renderPage(c, MfaStepPage({ page, error: message }), 429)
      }
      if (error.code === 'INVALID_MFA_TOKEN') {
        mfaCookie.clear(c)
        return renderPage(c, SignInPage({ page, error: t.mfaExpired }), 401)
      }
      throw error
    }
  })

  app.get('/change-password', (c) => {
    if (!challengeCookie.read(c)) return seeOther(c, '/sign-in')
    return renderPage(c, forcedChange(c, []))
  })

  app.post('/change-password', formGuards, async (c) => {
    const challengeToken = challengeCookie.read(c)
    const page = pageContext(c)
    if (!challengeToken) {
      return renderPage(c, SignInPage({ page, error: page.t.challengeExpired }), 401)
    }
    const form = await c.req.parseBody()
    const parsed = PasswordChangeBody.safeParse({
      challengeToken,
      newPassword: field(form, 'newPassword'),
    })
    if (!parsed.success) {
      const tooShort = [{ code: 'TOO_SHORT', message: '' }]
      return renderPage(c, forcedChange(c, tooShort), 422)
    }
    try {
      const result = await completePasswordChange(c.var.deps, parsed.data, requestMeta(c))
      challengeCookie.clear(c)
      sessionCookie.write(c, result.refreshToken)
      return seeOther(c, '/')
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'PASSWORD_POLICY') {
        const violations = (error.extra?.violations ?? []) as { code: string; message: string }[]
        return renderPage(c, forcedChange(c, violations), 422)
      }
      if (error.code === 'TOO_MANY_ATTEMPTS') {
        const message = page.t.tooManyAttempts(waitText(page.t, error.headers?.['Retry-After']))
        return renderPage(c, forcedChange(c, [], message), 429)
      }
      if (error.code === 'INVALID_CHALLENGE') {
        challengeCookie.clear(c)
        return renderPage(c, SignInPage({ page, error: page.t.challengeExpired }), 401)
      }
      throw error
    }
  })

  app.get('/forgot-password', (c) =>
    renderPage(c, ForgotPasswordPage({ page: pageContext(c), done: false })),
  )

  app.post('/forgot-password', formGuards, async (c) => {
    const form = await c.req.parseBody()
    const parsed = ForgotPasswordBody.safeParse({ email: field(form, 'email') })
    // The same answer whatever was typed: nobody learns from it whether an account exists.
    if (parsed.success) {
      await requestPasswordReset(c.var.deps, parsed.data.email, requestMeta(c))
    }
    return renderPage(c, ForgotPasswordPage({ page: pageContext(c), done: true }))
  })

  app.post('/sign-out', formGuards, async (c) => {
    const actor = await currentActor(c)
    if (actor) await signOut(c.var.deps, actor, undefined, requestMeta(c))
    sessionCookie.clear(c)
    return seeOther(c, '/sign-in')
  })

  app.post('/language', formGuards, async (c) => {
    const form = await c.req.parseBody()
    const lang = field(form, 'lang')
    if (isLanguage(lang)) languageCookie.write(c, lang)
    return seeOther(c, localPath(field(form, 'next')))
  })

  return app
}

function forcedChange(
  c: Parameters<typeof pageContext>[0],
  violations: { code: string; message: string }[],
  error?: string,
) {
  const policy = describePolicy(c.var.deps.settings.passwordPolicy)
  return ForcedChangePage({ page: pageContext(c), policy, violations, error })
}

/** Only a path of this site: never `//host`, a backslash trick, or a control character. */
function localPath(next: string): string {
  return /^\/(?![/\\])[^\s\\\p{Cc}]*$/u.test(next) ? next : '/'
}
