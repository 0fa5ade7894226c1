import { Hono } from 'hono'
import { describePolicy } from '../../core/password-policy.ts'
import { signOutEverywhere } from '../../services/browser-sessions.ts'
import { changeOwnPassword } from '../../services/password-change.ts'
import { AccountPage } from '../../ui/pages/account.tsx'
import type { ViolationProps } from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { ChangeOwnPasswordBody } from '../schemas.ts'
import { sessionCookie } from './cookies.ts'
import { refusalText } from './failure.ts'
import { attempt, readForm, violationsOf } from './forms.ts'
import { formGuards, signedIn } from './guards.ts'
import { type Ctx, pageCopy, type PageStatus, refusalStatus, render, seeOther } from './render.ts'

/** Every signed-in user's own page: change my password, sign out everywhere. */
export function accountPages() {
  return new Hono<AppEnv>()
    .use('*', signedIn)
    .get('/', (c) => renderAccount(c, {}))
    .post('/password', formGuards, submitPasswordChange)
    .post('/sign-out-everywhere', formGuards, submitSignOutEverywhere)
}

async function submitPasswordChange(c: Ctx) {
  const form = await readForm(c)
  const t = pageCopy(c)
  const parsed = ChangeOwnPasswordBody.safeParse({
    currentPassword: form.currentPassword ?? '',
    newPassword: form.newPassword ?? '',
  })
  if (!parsed.success) return renderAccount(c, { error: t.invalidForm }, 400)
  const outcome = await attempt(
    () => changeOwnPassword(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['INVALID_CURRENT_PASSWORD', 'PASSWORD_POLICY', 'TOO_MANY_ATTEMPTS'],
  )
  if (outcome.ok) return renderAccount(c, { success: t.passwordChanged })
  const { error } = outcome
  const state =
    error.code === 'PASSWORD_POLICY'
      ? { violations: violationsOf(error) }
      : { error: refusalText(t, error) }
  return renderAccount(c, state, refusalStatus(c, error))
}

async function submitSignOutEverywhere(c: Ctx) {
  await signOutEverywhere(c.get('deps'), c.get('actor'), requestMeta(c))
  sessionCookie.clear(c)
  return seeOther(c, '/sign-in')
}

function renderAccount(
  c: Ctx,
  state: { error?: string; success?: string; violations?: ViolationProps[] },
  status?: PageStatus,
) {
  const actor = c.get('actor')
  const props = {
    displayName: actor.displayName,
    role: pageCopy(c).roles[actor.role],
    policy: describePolicy(c.get('deps').settings.passwordPolicy),
    violations: state.violations ?? [],
    error: state.error,
    success: state.success,
  }
  return render(c, AccountPage, props, status)
}
