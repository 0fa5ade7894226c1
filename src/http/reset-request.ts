import type { z } from '@hono/zod-openapi'
import type { ApprovalPending } from '../services/approvals.ts'
import {
  type LinkResetResult,
  type ResetResult,
  resetPassword,
  resetPasswordWithLink,
} from '../services/password-reset.ts'
import type { Context } from 'hono'
import type { AppEnv } from './env.ts'
import { requestMeta } from './request-meta.ts'
import type { ResetBody } from './schemas.ts'

/**
 * A reset as either surface asks for it (the API's body, or the reset pane's form read into that
 * same body), run by the one use case that decides, audits and performs it. Where a second admin
 * must approve it, the answer is the request waiting for them.
 */
export function requestReset(
  c: Context<AppEnv>,
  userId: string,
  body: z.infer<typeof ResetBody>,
  idempotencyKey: string | undefined,
): Promise<ResetResult | LinkResetResult | ApprovalPending> {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const { requireChange = true, delivery, overrideReason, ...request } = body
  const input = { userId, request, requireChange, idempotencyKey, overrideReason }
  if (delivery?.method !== 'link') return resetPassword(deps, actor, input, requestMeta(c))
  const link = {
    method: 'link' as const,
    recipients: delivery.recipients,
    publicUrl: deps.publicUrl,
  }
  return resetPasswordWithLink(deps, actor, { ...input, delivery: link }, requestMeta(c))
}
