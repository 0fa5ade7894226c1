import { isAdminRole } from '../../core/roles.ts'
import { countRequestsToDecide } from '../../services/approvals.ts'
import type { PageContext } from '../../ui/page-context.ts'
import type { Ctx } from './render.ts'

/**
 * With approvals on, an admin's pages offer Approvals in the nav, with the number of requests
 * waiting for this viewer's decision (none for a password admin, who decides none).
 */
export async function withApprovalsNav(c: Ctx, page: PageContext): Promise<PageContext> {
  const deps = c.get('deps')
  const actor = c.get('actor')
  if (!actor || !isAdminRole(actor.role) || !deps.settings.requireApprovalForAdminResets) {
    return page
  }
  return { ...page, approvals: { toDecide: await countRequestsToDecide(deps, actor) } }
}
