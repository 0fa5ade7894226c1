import { Hono } from 'hono'
import { z } from '@hono/zod-openapi'
import { AppError } from '../../core/errors.ts'
import { decidePasswordReset } from '../../core/roles.ts'
import { approvalNeeded, type ResetCoverView } from '../../services/approvals.ts'
import type { Actor } from '../../services/caller.ts'
import {
  checkVerificationCode,
  getCallerVerificationState,
  getVerification,
  startVerification,
} from '../../services/caller-verification.ts'
import { getUser, type UserView } from '../../services/users.ts'
import type { Copy } from '../../ui/copy.ts'
import { MessagePage } from '../../ui/pages/auth.tsx'
import type { ResetGuardsProps } from '../../ui/pages/reset-guards.tsx'
import type { CoverProps, VerificationProps } from '../../ui/pages/user-verification.tsx'
import { VerifyCodePage } from '../../ui/pages/user-verification.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { refusalText, waitText } from './failure.ts'
import { attempt, readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, pageCopy, refusalStatus, render, seeOther } from './render.ts'
import { describeUser, type UserNames } from './view-models.ts'

/** Verify identity: start a check from the user page or the reset pane, then type the code. */
export function verificationPages() {
  return new Hono<AppEnv>()
    .post('/users/:id/verifications', formGuards, submitStart)
    .get('/verifications/:verificationId', showCodePage)
    .post('/verifications/:verificationId', formGuards, submitCode)
}

const StartForm = z.object({ method: z.enum(['totp', 'email']), next: z.string().default('') })
const CodeForm = z.object({ code: z.string().max(64).default(''), next: z.string().default('') })

async function submitStart(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const userId = c.req.param('id') ?? ''
  const form = StartForm.safeParse(await readForm(c))
  if (!form.success) throw new AppError('VALIDATION_FAILED')
  const next = returnPath(userId, form.data.next)
  const outcome = await attempt(
    () => startVerification(deps, actor, { userId, method: form.data.method }, requestMeta(c)),
    ['MFA_NOT_ENROLLED', 'MAIL_NOT_CONFIGURED', 'MAIL_SEND_FAILED', 'RATE_LIMITED'],
  )
  const user = await getUser(deps, actor, userId, requestMeta(c))
  if (!outcome.ok) {
    const t = pageCopy(c)
    const link = { href: next, label: t.helpdesk.backToUser }
    const status = refusalStatus(c, outcome.error)
    const message = refusalText(t, outcome.error)
    return render(c, MessagePage, { title: t.helpdesk.title, message, link }, status)
  }
  const { verificationId: id, method, expiresAt } = outcome.value
  return render(c, VerifyCodePage, { user, verification: { id, method, expiresAt }, next })
}

async function showCodePage(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const found = await getVerification(
    deps,
    actor,
    c.req.param('verificationId') ?? '',
    requestMeta(c),
  )
  const user = await getUser(deps, actor, found.userId, requestMeta(c))
  const verification = {
    id: found.verificationId,
    method: found.method,
    expiresAt: found.expiresAt,
  }
  const next = returnPath(user.id, c.req.query('next') ?? '')
  return render(c, VerifyCodePage, { user, verification, next, gone: !found.open })
}

async function submitCode(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const verificationId = c.req.param('verificationId') ?? ''
  const form = CodeForm.safeParse(await readForm(c))
  if (!form.success) throw new AppError('VALIDATION_FAILED')
  const found = await getVerification(deps, actor, verificationId, requestMeta(c))
  const next = returnPath(found.userId, form.data.next)
  const outcome = await attempt(
    () =>
      checkVerificationCode(deps, actor, { verificationId, code: form.data.code }, requestMeta(c)),
    ['VERIFICATION_FAILED', 'VERIFICATION_GONE', 'TOO_MANY_ATTEMPTS'],
  )
  if (outcome.ok) return seeOther(c, `${next}#verify-identity`)
  const { error } = outcome
  const t = pageCopy(c)
  const user = await getUser(deps, actor, found.userId, requestMeta(c))
  const verification = {
    id: found.verificationId,
    method: found.method,
    expiresAt: found.expiresAt,
  }
  const props = { user, verification, next, ...codeProblem(t, error) }
  return render(c, VerifyCodePage, props, refusalStatus(c, error))
}

function codeProblem(t: Copy, error: AppError): { error?: string; gone?: boolean } {
  if (error.code === 'VERIFICATION_GONE') return { gone: true }
  if (error.code === 'VERIFICATION_FAILED') {
    return { error: t.helpdesk.wrongCode(Number(error.extra?.attemptsLeft ?? 0)) }
  }
  return { error: t.tooManyAttempts(waitText(t, error.headers?.['Retry-After'])) }
}

/** Only back to this user's page or reset pane: a form field is no place to redirect from. */
function returnPath(userId: string, next: string): string {
  const user = `/admin/users/${encodeURIComponent(userId)}`
  return next === `${user}/reset` ? next : user
}

/**
 * The viewer's check of this user's caller, as the user page and the reset pane show it, with
 * the whole minutes it has left at this request's time.
 */
export async function verificationProps(
  c: Ctx,
  userId: string,
  next: string,
): Promise<VerificationProps> {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const state = await getCallerVerificationState(deps, actor, userId, requestMeta(c))
  const now = deps.clock.now()
  const live = state.live
    ? {
        method: state.live.method,
        verifiedAt: state.live.verifiedAt,
        minutesLeft: Math.max(1, Math.ceil((Date.parse(state.live.validUntil) - now) / 60_000)),
      }
    : null
  return { userId, live, methods: state.methods, required: state.required, next }
}

/** The reset pane's guards: the viewer's check of the caller, and whether it waits for approval. */
export async function resetGuards(c: Ctx, user: UserView): Promise<ResetGuardsProps> {
  return {
    verification: await verificationProps(c, user.id, `/admin/users/${user.id}/reset`),
    needsApproval: approvalNeeded(c.get('deps'), user),
  }
}

/** The user page's Verify identity, for a viewer the role matrix lets reset this user. */
export async function userPageVerification(
  c: Ctx,
  user: Pick<UserView, 'id' | 'role'>,
): Promise<VerificationProps | undefined> {
  if (decidePasswordReset(c.get('actor'), user) !== 'allowed') return undefined
  return verificationProps(c, user.id, `/admin/users/${user.id}`)
}

/** The ids a reset's cover mentions, to name them with the page's other users. */
export function coverIds(cover: ResetCoverView): (string | null)[] {
  return [
    cover.verification?.verifiedBy ?? null,
    cover.override?.by ?? null,
    cover.approval?.approvedBy ?? null,
  ]
}

/** A reset's cover with its admins named ("you", an email). */
export function toCoverProps(
  t: Copy,
  actor: Actor,
  cover: ResetCoverView,
  names: UserNames,
): CoverProps {
  const name = (id: string) => describeUser(t, actor, id, names)
  const { verification, override, approval } = cover
  return {
    verification: verification
      ? {
          method: verification.method,
          at: verification.verifiedAt,
          by: name(verification.verifiedBy),
        }
      : null,
    override: override ? { reason: override.reason, by: name(override.by) } : null,
    approval: approval
      ? { by: approval.approvedBy ? name(approval.approvedBy) : null, at: approval.approvedAt }
      : null,
  }
}
