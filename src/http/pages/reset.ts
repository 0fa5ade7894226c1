import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { describePolicy } from '../../core/password-policy.ts'
import { randomToken } from '../../core/random.ts'
import type { ApprovalPending } from '../../services/approvals.ts'
import {
  type LinkResetResult,
  prepareResetPane,
  type ResetResult,
} from '../../services/password-reset.ts'
import { getUser, type UserView } from '../../services/users.ts'
import type { Copy } from '../../ui/copy.ts'
import { ApprovalRequestedPage } from '../../ui/pages/approvals.tsx'
import { LinksSentPage, PasswordShownPage } from '../../ui/pages/confirmations.tsx'
import { ResetPanePage } from '../../ui/pages/reset-pane.tsx'
import type { ViolationProps } from '../../ui/pages/auth.tsx'
import { MessagePage } from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { requestReset } from '../reset-request.ts'
import { refusalText } from './failure.ts'
import { attempt, lengthViolation, readForm, violationsOf } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, markSecret, pageCopy, type PageStatus, refusalStatus, render } from './render.ts'
import { ResetForm, type ResetFormValues, toResetBody } from './reset-form.ts'
import { resetGuards } from './verifications.ts'
import { usersBackQuery } from './view-models.ts'

/** The reset pane and its answer: the confirmation, which is the only page showing the password. */
export function resetPages() {
  return new Hono<AppEnv>()
    .get('/users/:id/reset', showResetPane)
    .post('/users/:id/reset', formGuards, submitReset)
}

async function showResetPane(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  // Offered only where the reset would be allowed: refused, and audited, as posting it would be.
  const user = await prepareResetPane(deps, actor, c.req.param('id') ?? '', requestMeta(c))
  const formToken = randomToken(deps.random)
  const back = usersBackQuery(c.req.query('back'))
  return renderResetPane(c, user, { formToken, mode: 'generate', delivery: 'display', back })
}

async function submitReset(c: Ctx) {
  const userId = c.req.param('id') ?? ''
  const fields = await readForm(c)
  const form = ResetForm.safeParse(fields)
  if (!form.success) throw new AppError('VALIDATION_FAILED')
  const back = usersBackQuery(fields.back)
  const asked = toResetBody(form.data, c.get('deps').settings.allowPermanentAdminPasswords)
  if (!asked.success) {
    const t = pageCopy(c)
    const problem =
      asked.field === 'password'
        ? { violations: lengthViolation(form.data.newPassword) }
        : { error: fieldError(t, asked.field) }
    return showPaneAgain(c, userId, { ...form.data, back }, problem, 422)
  }
  // The form's one-time token is the reset's Idempotency-Key: a resubmitted form (Back, then send
  // again) finds it used and is told so; it never resets twice or shows a password again.
  const outcome = await attempt(
    () => requestReset(c, userId, asked.body, form.data.formToken),
    [
      'PASSWORD_POLICY',
      'RATE_LIMITED',
      'MAIL_NOT_CONFIGURED',
      'LINK_REQUIRES_CHANGE',
      'PERMANENT_PASSWORD_NOT_ALLOWED',
      'RESET_ALREADY_ISSUED',
      'IDEMPOTENCY_KEY_REUSED',
      'VERIFICATION_REQUIRED',
      'NO_APPROVER',
      'GENERATED_PASSWORD_REQUIRED',
    ],
  )
  if (outcome.ok) return showConfirmation(c, userId, outcome.value, back)
  const { error } = outcome
  if (error.code === 'RESET_ALREADY_ISSUED' || error.code === 'IDEMPOTENCY_KEY_REUSED') {
    return showAlreadyReset(c, userId)
  }
  const problem =
    error.code === 'PASSWORD_POLICY'
      ? { violations: violationsOf(error) }
      : { error: refusalText(pageCopy(c), error) }
  return showPaneAgain(c, userId, { ...form.data, back }, problem, refusalStatus(c, error))
}

function fieldError(t: Copy, field: 'recipients' | 'overrideReason' | 'form') {
  if (field === 'recipients') return t.recipientsInvalid
  return field === 'overrideReason' ? t.helpdesk.overrideHint : t.invalidForm
}

/** The password shown once, where the links went (never the password), or where it waits. */
async function showConfirmation(
  c: Ctx,
  userId: string,
  result: ResetResult | LinkResetResult | ApprovalPending,
  back: string | undefined,
) {
  if ('approvalId' in result) {
    const user = await getUser(c.get('deps'), c.get('actor'), userId, requestMeta(c))
    return render(c, ApprovalRequestedPage, { ...result, email: user.email })
  }
  const user = await getUser(c.get('deps'), c.get('actor'), result.userId, requestMeta(c))
  if ('delivery' in result) {
    const { delivery } = result
    return render(c, LinksSentPage, {
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      back,
      recipients: delivery.recipients,
      failed: delivery.failed ?? [],
      expiresAt: delivery.linkExpiresAt,
      sessionsRevoked: result.sessionsRevoked,
    })
  }
  markSecret(c)
  return render(c, PasswordShownPage, {
    title: pageCopy(c).resetDoneTitle,
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    back,
    password: result.temporaryPassword,
    expiresAt: result.expiresAt,
    requireChange: result.requireChange,
    sessionsRevoked: result.sessionsRevoked,
  })
}

function showAlreadyReset(c: Ctx, userId: string) {
  const t = pageCopy(c)
  const link = { href: `/admin/users/${userId}`, label: t.viewStatus }
  return render(c, MessagePage, { title: t.alreadyResetTitle, message: t.alreadyReset, link }, 409)
}

type PaneProblem = { error?: string; violations?: ViolationProps[] }

/** The pane again, as it was filled in, with what to fix. */
async function showPaneAgain(
  c: Ctx,
  userId: string,
  form: ResetFormValues & { back?: string },
  problem: PaneProblem,
  status: PageStatus,
) {
  const user = await getUser(c.get('deps'), c.get('actor'), userId, requestMeta(c))
  return renderResetPane(c, user, { ...form, ...problem }, status)
}

async function renderResetPane(
  c: Ctx,
  user: UserView,
  form: Pick<ResetFormValues, 'formToken' | 'mode' | 'delivery'> & {
    recipients?: string
    overrideReason?: string
    back?: string
  } & PaneProblem,
  status?: PageStatus,
) {
  const deps = c.get('deps')
  const props = {
    user,
    formToken: form.formToken,
    mode: form.mode,
    delivery: form.delivery,
    recipients: form.recipients || undefined,
    back: form.back,
    violations: form.violations ?? [],
    error: form.error,
    mailConfigured: deps.mailer !== undefined && deps.publicUrl !== undefined,
    allowPermanent: deps.settings.allowPermanentAdminPasswords,
    policy: describePolicy(deps.settings.passwordPolicy),
    guards: await resetGuards(c, user),
    overrideReason: form.overrideReason || undefined,
  }
  return render(c, ResetPanePage, props, status)
}
