import { type GrantSelection, queueBackchannelLogouts, revokeAppGrants } from '../db/app-grants.ts'
import { always, type Guard, type Statement } from '../db/database.ts'
import type { Deps } from './deps.ts'

/**
 * Ends the selected app grants with whatever else this write ends (sessions, a password, an app):
 * apps with a back-channel logout URI are told through the outbox, queued before the grants end
 * (the notices are chosen from the grants still live), and every token the grants back stops.
 *
 * @example
 * statements.push(...endAppGrants(deps, { userId }, 'password_reset', credential.guard))
 */
export function endAppGrants(
  deps: Deps,
  selection: GrantSelection,
  reason: string,
  guard: Guard = always,
): Statement[] {
  const now = deps.clock.now()
  return [
    queueBackchannelLogouts(selection, now, guard),
    revokeAppGrants(deps.database.db, selection, now, reason, guard),
  ]
}
