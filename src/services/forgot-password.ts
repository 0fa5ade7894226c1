import { clientNetwork } from '../core/client-network.ts'
import { normalizeEmail } from '../core/email.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { randomId } from '../core/random.ts'
import { allOf, named, never, type Step, writeSteps } from '../db/database.ts'
import { countHit, findLiveHits, hitsAtMost, pruneRateLimits } from '../db/rate-limits.ts'
import {
  insertResetRequest,
  listOpenResetRequests,
  noOpenResetRequest,
  resetRequestExists,
} from '../db/reset-requests.ts'
import { toIsoTime } from '../db/time.ts'
import { findUserByEmail, type UserRow } from '../db/users.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { adminsNoticeStatement } from './outbox.ts'
import { assertAdmin } from './users.ts'

/**
 * A user asks for help signing in. The answer is always the same (202), whether or not the email
 * exists, and so is the work: the same reads and the same write either way. Requests are limited
 * per client IP and per email in a window before anything is written, and de-duplicated: a known
 * user gets at most one open request in the admins' queue (closed by the next reset), an unknown
 * email at most one audit row per window. Past a limit, nothing is written at all.
 */
export async function requestPasswordReset(
  deps: Deps,
  email: string,
  meta: RequestMeta,
): Promise<void> {
  const limit = deps.settings.forgotPasswordLimit
  const normalized = normalizeEmail(email)
  const keys = limitKeys(deps, normalized, meta)
  const [user, hits] = await Promise.all([
    findUserByEmail(deps.database.db, normalized),
    findLiveHits(deps.database.db, [keys.ip, keys.email], deps.clock.now()),
  ])
  if ((hits.get(keys.ip) ?? 0) >= limit.perIp || (hits.get(keys.email) ?? 0) >= limit.perEmail) {
    return
  }
  const { created } = await writeSteps(
    deps.database,
    requestStatements(deps, { user, email: normalized, keys }, meta),
  )
  if (created === 1) {
    deps.logger.info('password_reset_requested', { requestId: meta.requestId, created: true })
  }
}

/** The rate-limit keys of a request: digests of the email and of the client's network. */
function limitKeys(deps: Deps, normalizedEmail: string, meta: RequestMeta) {
  const digest = (text: string) => keyedDigest(deps.tokens.signingKey, 'forgot-password', text)
  return {
    email: `forgot-password:email:${digest(normalizedEmail)}`,
    // Requests without a known client IP share one bucket rather than escaping the limit.
    ip: `forgot-password:ip:${digest(clientNetwork(meta.ip ?? ''))}`,
  }
}

/**
 * The request's one write: both hits counted, the request queued (a known user's first open one),
 * its audit row and the admins' notices, all held to the limits at write time.
 */
function requestStatements(
  deps: Deps,
  asked: { user: UserRow | undefined; email: string; keys: { email: string; ip: string } },
  meta: RequestMeta,
): Step<'created'>[] {
  const { user, keys } = asked
  const limit = deps.settings.forgotPasswordLimit
  const windowMs = limit.windowSeconds * 1000
  // Checked again inside the write, after counting: parallel requests all read the same counts.
  const now = deps.clock.now()
  const ipAllows = hitsAtMost(keys.ip, now, limit.perIp)
  const withinLimits = allOf(ipAllows, hitsAtMost(keys.email, now, limit.perEmail))
  const request = {
    id: randomId(deps.random),
    tenantId: user?.tenantId ?? '',
    userId: user?.id ?? '',
    createdAt: deps.clock.now(),
    ip: meta.ip,
  }
  const queued = user ? allOf(noOpenResetRequest(request.userId), withinLimits) : never
  const inserted = resetRequestExists(request.id)
  return [
    pruneRateLimits(now),
    countHit(keys.ip, now, windowMs),
    countHit(keys.email, now, windowMs, ipAllows),
    named('created', insertResetRequest(request, queued)),
    auditStatement(
      deps,
      meta,
      requestAudit(user),
      // An unknown email is recorded once per window (its first request), as at sign-in.
      user ? inserted : allOf(withinLimits, hitsAtMost(keys.email, now, 1)),
    ),
    // The tenant's admins are told of each new request (a de-duplicated one tells nobody).
    adminsNoticeStatement(deps, request.tenantId, asked.email, user ? inserted : never),
  ]
}

function requestAudit(user: UserRow | undefined): AuditInput {
  return user
    ? {
        tenantId: user.tenantId,
        event: 'password_reset_requested',
        actor: { id: user.id, role: user.role },
        targetId: user.id,
        outcome: 'success',
      }
    : {
        tenantId: null,
        event: 'password_reset_requested',
        outcome: 'failure',
        reason: 'UNKNOWN_ACCOUNT',
      }
}

/** The tenant's open forgot-password requests, oldest first. */
export async function listResetRequests(deps: Deps, actor: Actor) {
  assertAdmin(actor)
  const rows = await listOpenResetRequests(deps.database.db, actor.tenantId)
  return {
    items: rows.map((row) => ({ ...row, createdAt: toIsoTime(row.createdAt) })),
  }
}
