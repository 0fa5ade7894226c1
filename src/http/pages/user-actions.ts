import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { randomToken } from '../../core/random.ts'
import { prepareMfaReset, resetMfa } from '../../services/mfa.ts'
import { getResetStatus, prepareResetPane } from '../../services/password-reset.ts'
import {
  blockSignIn,
  prepareUserAction,
  signOutUser,
  unblockSignIn,
} from '../../services/user-access.ts'
import type { UserView } from '../../services/users.ts'
import { ConfirmActionPage, type UserAction, userActions } from '../../ui/pages/user-actions.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, render, seeOther } from './render.ts'
import { resetGuards } from './verifications.ts'

/**
 * The user page's actions: each one's confirmation page, and its post, which does it and goes
 * back to the user's page saying what it did. The use cases decide and audit every refusal.
 */
export function userActionPages() {
  return new Hono<AppEnv>()
    .get('/users/:id/confirm/:action', showConfirmation)
    .post('/users/:id/mfa-reset', formGuards, resetTwoStep)
    .post('/users/:id/sign-out', formGuards, (c) =>
      act(c, 'sign-out', (id) => signOutUser(c.get('deps'), c.get('actor'), id, requestMeta(c))),
    )
    .post('/users/:id/block', formGuards, (c) =>
      act(c, 'block', (id) => blockSignIn(c.get('deps'), c.get('actor'), id, requestMeta(c))),
    )
    .post('/users/:id/unblock', formGuards, (c) =>
      act(c, 'unblock', (id) => unblockSignIn(c.get('deps'), c.get('actor'), id, requestMeta(c))),
    )
}

/**
 * Resets two-step verification, with the override's reason when the caller's identity was not
 * checked; an admin's reset waiting for a second admin goes to its approval request instead.
 */
async function resetTwoStep(c: Ctx) {
  const form = await readForm(c)
  const overrideReason = typeof form.overrideReason === 'string' ? form.overrideReason.trim() : ''
  const userId = c.req.param('id') ?? ''
  const pending = await resetMfa(c.get('deps'), c.get('actor'), userId, requestMeta(c), {
    ...(overrideReason ? { overrideReason } : {}),
  })
  if (pending) return seeOther(c, `/admin/approvals/${encodeURIComponent(pending.approvalId)}`)
  return backToUser(c, userId, 'mfa-reset', undefined)
}

/** Does the action, then shows the user's page with what it did (a sign-out says how many). */
async function act(
  c: Ctx,
  action: UserAction,
  run: (userId: string) => Promise<void | { sessionsRevoked: number }>,
) {
  const userId = c.req.param('id') ?? ''
  return backToUser(c, userId, action, await run(userId))
}

function backToUser(
  c: Ctx,
  userId: string,
  action: UserAction,
  outcome: void | { sessionsRevoked: number },
) {
  const query = new URLSearchParams({ done: action })
  if (outcome) query.set('n', String(outcome.sessionsRevoked))
  return seeOther(c, `/admin/users/${encodeURIComponent(userId)}?${query}`)
}

/**
 * Offered only where the action would be allowed: refused, and audited, by the use case of the
 * post it confirms; "Send a new link" only after a reset by link, with a mail transport.
 */
async function showConfirmation(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const action = [...userActions, 'new-link' as const].find((a) => a === c.req.param('action'))
  if (!action) throw new AppError('NOT_FOUND')
  const meta = requestMeta(c)
  const user = await prepareConfirmation(c, action, c.req.param('id') ?? '')
  const guards =
    action === 'new-link' || action === 'mfa-reset' ? await resetGuards(c, user) : undefined
  if (action !== 'new-link') return render(c, ConfirmActionPage, { user, action, guards })
  const { delivery } = await getResetStatus(deps, actor, user.id, meta)
  if (!deps.mailer || delivery?.method !== 'link') throw new AppError('NOT_FOUND')
  const newLink = { formToken: randomToken(deps.random), recipients: delivery.recipients }
  return render(c, ConfirmActionPage, { user, action, newLink, guards })
}

/** The user to confirm for, as the use case behind the post decides (a new link is a reset). */
function prepareConfirmation(
  c: Ctx,
  action: UserAction | 'new-link',
  userId: string,
): Promise<UserView> {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const meta = requestMeta(c)
  if (action === 'new-link') return prepareResetPane(deps, actor, userId, meta)
  if (action === 'mfa-reset') return prepareMfaReset(deps, actor, userId, meta)
  return prepareUserAction(deps, actor, userId, meta, action)
}
