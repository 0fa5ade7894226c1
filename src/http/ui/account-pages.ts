import { type Context, Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { describePolicy } from '../../core/password-policy.ts'
import { signOutEverywhere } from '../../services/browser-sessions.ts'
import { changeOwnPassword } from '../../services/password-change.ts'
import { AccountPage } from '../../ui/pages/account.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { ChangeOwnPasswordBody } from '../schemas.ts'
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

  app.post('/sign-out-everywhere', formGuards, async (c) => {
    await signOutEverywhere(c.var.deps, c.var.actor, requestMeta(c))
    sessionCookie.clear(c)
    return seeOther(c, '/sign-in')
  })

  return app
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
