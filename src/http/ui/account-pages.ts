import { type Context, Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { describePolicy } from '../../core/password-policy.ts'
import { signOutEverywhere } from '../../services/browser-sessions.ts'
import { changeOwnPassword } from '../../services/password-change.ts'
import {
  confirmTotpEnrollment,
  disableTotp,
  hasTotpEnrolled,
  showPendingEnrollment,
  startTotpEnrollment,
  verifyStepUp,
} from '../../services/mfa.ts'
import { AccountPage } from '../../ui/pages/account.tsx'
import { TwoStepPage, type TwoStepState } from '../../ui/pages/two-step.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { ChangeOwnPasswordBody, DisableTotpBody, MfaCodeBody } from '../schemas.ts'
import { sessionCookie } from './cookies.ts'
import { formGuards, signedIn } from './guards.ts'
import { field, pageContext, renderPage, seeOther, waitText } from './render.ts'

/** Every signed-in user's own page: change my password, sign out everywhere. */
export function accountPages() {
  const app = new Hono<AppEnv>()
  app.use('*', signedIn)

  app.get('/', (c) => renderPage(c, account(c, {})))

  app.post('/password', formGuards, async (c) => {
    const form = await c.req.parseBody()
    const { t } = pageContext(c)
    const parsed = ChangeOwnPasswordBody.safeParse({
      currentPassword: field(form, 'currentPassword'),
      newPassword: field(form, 'newPassword'),
    })
    if (!parsed.success) return renderPage(c, account(c, { error: t.invalidForm }), 400)
    try {
      await changeOwnPassword(c.var.deps, c.var.actor, parsed.data, requestMeta(c))
      return renderPage(c, account(c, { success: t.passwordChanged }))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'INVALID_CURRENT_PASSWORD') {
        return renderPage(c, account(c, { error: t.wrongCurrent }), 403)
      }
      if (error.code === 'PASSWORD_POLICY') {
        const violations = (error.extra?.violations ?? []) as { code: string; message: string }[]
        return renderPage(c, account(c, { violations }), 422)
      }
      if (error.code === 'TOO_MANY_ATTEMPTS') {
        const error429 = t.tooManyAttempts(waitText(t, error.headers?.['Retry-After']))
        return renderPage(c, account(c, { error: error429 }), 429)
      }
      throw error
    }
  })

  app.get('/two-step', async (c) => renderPage(c, await twoStep(c)))

  app.post('/two-step/start', formGuards, async (c) => {
    try {
      const started = await startTotpEnrollment(c.var.deps, c.var.actor, requestMeta(c))
      return renderPage(c, twoStepPage(c, { kind: 'setup', ...started }))
    } catch (error) {
      if (error instanceof AppError && error.code === 'MFA_ALREADY_ENROLLED') {
        return seeOther(c, '/account/two-step')
      }
      throw error
    }
  })

  app.post('/two-step/confirm', formGuards, async (c) => {
    const { t } = pageContext(c)
    const parsed = MfaCodeBody.safeParse({ code: field(await c.req.parseBody(), 'code').trim() })
    try {
      if (!parsed.success) throw new AppError('INVALID_MFA_CODE')
      const confirmed = await confirmTotpEnrollment(
        c.var.deps,
        c.var.actor,
        parsed.data,
        requestMeta(c),
      )
      return renderPage(c, twoStepPage(c, { kind: 'codes', ...confirmed }))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'INVALID_MFA_CODE') {
        return renderPage(c, await twoStep(c, t.invalidCode), 401)
      }
      if (error.code === 'MFA_ENROLLMENT_NOT_PENDING') {
        return renderPage(c, await twoStep(c, t.setupLapsed), 409)
      }
      if (error.code === 'MFA_ALREADY_ENROLLED') return seeOther(c, '/account/two-step')
      throw error
    }
  })

  // Step-up: a fresh code before an admin action that asks for one.
  app.post('/two-step/verify', formGuards, async (c) => {
    const { t } = pageContext(c)
    const parsed = MfaCodeBody.safeParse({ code: field(await c.req.parseBody(), 'code').trim() })
    try {
      if (!parsed.success) throw new AppError('INVALID_MFA_CODE')
      await verifyStepUp(c.var.deps, c.var.actor, parsed.data, requestMeta(c))
      return renderPage(c, twoStepPage(c, { kind: 'on' }, undefined, t.verified))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'INVALID_MFA_CODE')
        return renderPage(c, await twoStep(c, t.invalidCode), 401)
      if (error.code === 'TOO_MANY_ATTEMPTS') {
        const message = t.tooManyAttempts(waitText(t, error.headers?.['Retry-After']))
        return renderPage(c, await twoStep(c, message), 429)
      }
      if (error.code === 'MFA_NOT_ENROLLED') return seeOther(c, '/account/two-step')
      throw error
    }
  })

  app.post('/two-step/disable', formGuards, async (c) => {
    const form = await c.req.parseBody()
    const { t } = pageContext(c)
    const parsed = DisableTotpBody.safeParse({
      currentPassword: field(form, 'currentPassword'),
      code: field(form, 'code').trim(),
    })
    if (!parsed.success) return renderPage(c, await twoStep(c, t.invalidForm), 400)
    try {
      await disableTotp(c.var.deps, c.var.actor, parsed.data, requestMeta(c))
      return seeOther(c, '/account/two-step')
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      const message: Record<string, [string, number]> = {
        INVALID_CURRENT_PASSWORD: [t.wrongCurrent, 403],
        INVALID_MFA_CODE: [t.invalidCode, 401],
        TOO_MANY_ATTEMPTS: [t.tooManyAttempts(waitText(t, error.headers?.['Retry-After'])), 429],
      }
      const known = message[error.code]
      if (known) return renderPage(c, await twoStep(c, known[0]), known[1] as 401 | 403 | 429)
      if (error.code === 'MFA_NOT_ENROLLED') return seeOther(c, '/account/two-step')
      throw error
    }
  })

  app.post('/sign-out-everywhere', formGuards, async (c) => {
    await signOutEverywhere(c.var.deps, c.var.actor, requestMeta(c))
    sessionCookie.clear(c)
    return seeOther(c, '/sign-in')
  })

  return app
}

/** The two-step page as it stands: on, off, or a setup still waiting for its first code. */
async function twoStep(c: Context<AppEnv>, error?: string) {
  const { deps, actor } = c.var
  if (await hasTotpEnrolled(deps, actor.id)) return twoStepPage(c, { kind: 'on' }, error)
  const pending = await showPendingEnrollment(deps, actor)
  return twoStepPage(c, pending ? { kind: 'setup', ...pending } : { kind: 'off' }, error)
}

function twoStepPage(c: Context<AppEnv>, state: TwoStepState, error?: string, success?: string) {
  return TwoStepPage({ page: pageContext(c, c.var.actor), state, error, success })
}

function account(
  c: Context<AppEnv>,
  state: { error?: string; success?: string; violations?: { code: string; message: string }[] },
) {
  const actor = c.var.actor
  const page = pageContext(c, actor)
  return AccountPage({
    page,
    displayName: actor.displayName,
    role: page.t.roles[actor.role],
    policy: describePolicy(c.var.deps.settings.passwordPolicy),
    violations: state.violations ?? [],
    error: state.error,
    success: state.success,
  })
}
