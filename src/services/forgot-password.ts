import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { normalizeEmail } from '../core/email.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { randomId } from '../core/random.ts'
import { decideUserAction, isAdminRole } from '../core/roles.ts'
import { allOf, named, never, type Step, writeSteps } from '../db/database.ts'
import { countHit, findLiveHits, hitsAtMost, pruneRateLimits } from '../db/rate-limits.ts'
import {
  closeResetRequest,
  countOpenResetRequests,
  findOpenResetRequest,
  insertResetRequest,
  listOpenResetRequests,
  noOpenResetRequest,
  resetRequestClosedAs,
  resetRequestExists,
} from '../db/reset-requests.ts'
import { toIsoTime } from '../db/time.ts'
import { findUserByEmail, type UserRow } from '../db/users.ts'
import { type AuditInput, auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { adminsNoticeStatements } from './outbox.ts'
import { recordRefusal } from './repeated-refusals.ts'
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
    // The tenant's admins are told of each new request (a de-duplicated one tells nobody), in
    // one digest per window.
    ...adminsNoticeStatements(deps, request.tenantId, asked.email, user ? inserted : never),
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

/** Open requests are counted up to this many; the menu shows more as "99+". */
export const OPEN_REQUESTS_COUNTED = 100

/** How many forgot-password requests of the caller's tenant wait in the queue (up to a bound). */
export async function countOpenRequests(deps: Deps, actor: Actor): Promise<number> {
  assertAdmin(actor)
  return countOpenResetRequests(deps.database.db, actor.tenantId, OPEN_REQUESTS_COUNTED)
}

/**
 * An admin takes a request off the queue without a reset (a mistake, a user helped another way),
 * audited in the same write. The reset's role matrix decides whose requests an admin may dismiss
 * (never their own); another tenant's, a missing or a closed request is NOT_FOUND. Every refusal
 * is audited, once per window per kind.
 */
export async function dismissResetRequest(
  deps: Deps,
  actor: Actor,
  requestId: string,
  meta: RequestMeta,
): Promise<void> {
  const request = await findDismissableRequest(deps, actor, requestId, meta)
  const close = { reason: 'dismissed', now: deps.clock.now() }
  const { closed } = await writeSteps(deps.database, [
    named('closed', closeResetRequest(deps.database.db, request.id, close)),
    auditStatement(
      deps,
      meta,
      {
        tenantId: actor.tenantId,
        event: 'password_reset_request_dismissed',
        actor,
        targetId: request.userId,
        outcome: 'success',
        details: { requestId: request.id },
      },
      resetRequestClosedAs(request.id, close),
    ),
  ])
  // Closed by a reset or another admin between the read and the write: gone, as if never open.
  if (closed === 0) throw new AppError('NOT_FOUND')
}

type DismissRefusal = 'FORBIDDEN_ROLE' | 'NOT_FOUND' | 'CANNOT_MANAGE_SELF'

/** The open request of the caller's tenant the caller may dismiss, or an audited refusal. */
async function findDismissableRequest(
  deps: Deps,
  actor: Actor,
  requestId: string,
  meta: RequestMeta,
) {
  const deny = async (code: DismissRefusal, targetId: string | null = null) => {
    await recordRefusal(deps, meta, {
      tenantId: actor.tenantId,
      event: 'password_reset_request_dismiss_denied',
      actor,
      targetId,
      outcome: 'denied',
      reason: code,
      details: { requestId },
    })
    return new AppError(code)
  }
  // A non-admin gets the same 403 whether or not the request exists.
  if (!isAdminRole(actor.role)) throw await deny('FORBIDDEN_ROLE')
  const request = await findOpenResetRequest(deps.database.db, actor.tenantId, requestId)
  if (!request) throw await deny('NOT_FOUND')
  const decision = decideUserAction(actor, { id: request.userId, role: request.role })
  if (decision !== 'allowed') throw await deny(decision, request.userId)
  return request
}
