import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import {
  confirmTotpEnrollment,
  disableTotp,
  hasTotpEnrolled,
  showPendingEnrollment,
  startTotpEnrollment,
  verifyStepUp,
} from '../../services/mfa.ts'
import { TwoStepPage, type TwoStepState } from '../../ui/pages/two-step.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { DisableTotpBody, MfaCodeBody, StartTotpBody } from '../schemas.ts'
import { refusalText } from './failure.ts'
import { attempt, readForm } from './forms.ts'
import { formGuards, signedIn } from './guards.ts'
import {
  type Ctx,
  markSecret,
  pageCopy,
  type PageStatus,
  refusalStatus,
  render,
  seeOther,
} from './render.ts'

/** Account → Two-step verification: set up, confirm, step up, turn off. */
export function twoStepPages() {
  return new Hono<AppEnv>()
    .use('*', signedIn)
    .get('/', (c) => renderCurrentTwoStep(c))
    .post('/start', formGuards, submitStart)
    .post('/confirm', formGuards, submitConfirm)
    .post('/verify', formGuards, submitStepUp)
    .post('/disable', formGuards, submitDisable)
}

const TWO_STEP = '/account/two-step'

/** Set up: the current password first, as the API asks for it. */
async function submitStart(c: Ctx) {
  const parsed = StartTotpBody.safeParse({ currentPassword: (await readForm(c)).currentPassword })
  if (!parsed.success) return showRefusal(c, new AppError('VALIDATION_FAILED'))
  const outcome = await attempt(
    () => startTotpEnrollment(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['MFA_ALREADY_ENROLLED', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS'],
  )
  if (outcome.ok) return renderTwoStep(c, { kind: 'setup', ...outcome.value })
  if (outcome.error.code === 'MFA_ALREADY_ENROLLED') return seeOther(c, TWO_STEP)
  return showRefusal(c, outcome.error)
}

async function submitConfirm(c: Ctx) {
  const parsed = MfaCodeBody.safeParse({ code: ((await readForm(c)).code ?? '').trim() })
  if (!parsed.success) return showRefusal(c, new AppError('INVALID_MFA_CODE'))
  const outcome = await attempt(
    () => confirmTotpEnrollment(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['INVALID_MFA_CODE', 'MFA_ENROLLMENT_NOT_PENDING', 'MFA_ALREADY_ENROLLED'],
  )
  if (outcome.ok) return renderTwoStep(c, { kind: 'codes', ...outcome.value })
  if (outcome.error.code === 'MFA_ALREADY_ENROLLED') return seeOther(c, TWO_STEP)
  return showRefusal(c, outcome.error)
}

/** Step-up: a fresh code before an admin action that asks for one. */
async function submitStepUp(c: Ctx) {
  const parsed = MfaCodeBody.safeParse({ code: ((await readForm(c)).code ?? '').trim() })
  if (!parsed.success) return showRefusal(c, new AppError('INVALID_MFA_CODE'))
  const outcome = await attempt(
    () => verifyStepUp(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['INVALID_MFA_CODE', 'TOO_MANY_ATTEMPTS', 'MFA_NOT_ENROLLED'],
  )
  if (outcome.ok) return renderTwoStep(c, { kind: 'on' }, { success: pageCopy(c).verified })
  if (outcome.error.code === 'MFA_NOT_ENROLLED') return seeOther(c, TWO_STEP)
  return showRefusal(c, outcome.error)
}

async function submitDisable(c: Ctx) {
  const form = await readForm(c)
  const parsed = DisableTotpBody.safeParse({
    currentPassword: form.currentPassword ?? '',
    code: (form.code ?? '').trim(),
  })
  if (!parsed.success) return showRefusal(c, new AppError('VALIDATION_FAILED'))
  const outcome = await attempt(
    () => disableTotp(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['INVALID_CURRENT_PASSWORD', 'INVALID_MFA_CODE', 'TOO_MANY_ATTEMPTS', 'MFA_NOT_ENROLLED'],
  )
  if (outcome.ok || outcome.error.code === 'MFA_NOT_ENROLLED') return seeOther(c, TWO_STEP)
  return showRefusal(c, outcome.error)
}

/** The two-step page as it stands, with the refusal that brought the user back to it. */
function showRefusal(c: Ctx, error: AppError) {
  const t = pageCopy(c)
  // Here the email is not in question: only the password typed again can be wrong.
  const message = error.code === 'INVALID_CREDENTIALS' ? t.wrongCurrent : refusalText(t, error)
  return renderCurrentTwoStep(c, message, refusalStatus(c, error))
}

/** The two-step page as it stands: on, off, or a setup still waiting for its first code. */
async function renderCurrentTwoStep(c: Ctx, error?: string, status?: PageStatus) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  if (await hasTotpEnrolled(deps, actor.id)) {
    return renderTwoStep(c, { kind: 'on' }, { error }, status)
  }
  const pending = await showPendingEnrollment(deps, actor)
  const state: TwoStepState = pending ? { kind: 'setup', ...pending } : { kind: 'off' }
  return renderTwoStep(c, state, { error }, status)
}

function renderTwoStep(
  c: Ctx,
  state: TwoStepState,
  notice: { error?: string; success?: string } = {},
  status?: PageStatus,
) {
  // A setup shows the TOTP key, and the codes page the recovery codes: secrets, kept by no one.
  if (state.kind === 'setup' || state.kind === 'codes') markSecret(c)
  return render(c, TwoStepPage, { state, ...notice }, status)
}
