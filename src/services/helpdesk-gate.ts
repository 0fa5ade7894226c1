import { AppError } from '../core/errors.ts'
import type { HelpdeskAction } from '../core/mail.ts'
import type { UserRow } from '../db/users.ts'
import {
  type ApprovalPending,
  type ApprovedRun,
  approvalNeeded,
  approvedRunWrite,
  requestApproval,
  type ResetParameters,
} from './approvals.ts'
import { coverCaller, type HelpdeskWrite } from './caller-verification.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

/** A reset (password or MFA) as the helpdesk's guards see it. */
export interface GateAsk {
  action: HelpdeskAction
  /** The admin's reason to go ahead without a verified caller, where one is required. */
  overrideReason?: string
  /** The password reset as asked, fixed with an approval request; null for an MFA reset. */
  parameters: ResetParameters | null
  /** An admin-chosen password cannot wait for approval: it would have to be stored meanwhile. */
  customPassword: boolean
  /** An approved request running: its approval is its cover. */
  approved?: ApprovedRun
}

export type GateOutcome = { proceed: HelpdeskWrite | null } | { pending: ApprovalPending }

/**
 * The helpdesk's two guards, in the order a reset meets them, after the role matrix allowed it:
 * the caller's identity (a verification, used up by this reset; or, where required, an override
 * with a reason; else `VERIFICATION_REQUIRED`), then, for a reset of an admin where approvals are
 * required, a request to a second global admin instead of the reset. Both off: nothing to do.
 */
export async function passResetGate(
  deps: Deps,
  actor: Actor,
  target: UserRow,
  ask: GateAsk,
  meta: RequestMeta,
): Promise<GateOutcome> {
  if (ask.approved) return { proceed: approvedRunWrite(deps, ask.approved, meta) }
  const viaApproval = approvalNeeded(deps, target)
  if (viaApproval && ask.customPassword) throw new AppError('GENERATED_PASSWORD_REQUIRED')
  const cover = await coverCaller(
    deps,
    actor,
    target,
    { action: ask.action, viaApproval, overrideReason: ask.overrideReason },
    meta,
  )
  if (!viaApproval) return { proceed: cover }
  const pending = await requestApproval(
    deps,
    actor,
    target,
    { action: ask.action, parameters: ask.parameters, cover },
    meta,
  )
  return { pending }
}
