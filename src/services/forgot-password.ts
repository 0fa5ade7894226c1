import { clientNetwork } from '../core/client-network.ts'
import { AppError } from '../core/errors.ts'
import { normalizeEmail } from '../core/email.ts'
import { keyedDigest } from '../core/keyed-digest.ts'
import { randomId } from '../core/random.ts'
import { decideUserAction, isAdminRole } from '../core/roles.ts'
import { allOf, named, type Step, writeSteps } from '../db/database.ts'
import {
  countHit,
  findLiveHits,
  hitsAtMost,
  matchLiveHits,
  pruneRateLimits,
} from '../db/rate-limits.ts'
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
import { type AuditInput, auditStatement, recordAudit } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { adminsNoticeStatements } from './outbox.ts'
import { recordRefusal } from './repeated-refusals.ts'
import { assertAdmin } from './access.ts'

/** What is left of a request once it has been answered: run it after the answer has left. */
export type FollowUp = () => Promise<void>

/**
 * A user asks for help signing in. The answer is always the same (202), whether or not the email
 * exists, and so is everything done before it: the same two counters read, and the same write of
 * the same size (the request counted per client IP and per email). Whatever depends on the email
 * (finding the account, queueing its request, the audit row, the admins' notices) is returned as
 * the follow-up, for the caller to run after the answer has left, so that no answer takes longer
 * for a known email than for an unknown one. Requests are limited per client IP and per email in a
 * window; past a limit there is no follow-up and nothing is written at all.
 */
export async function requestPasswordReset(
  deps: Deps,
  email: string,
  meta: RequestMeta,
): Promise<FollowUp | null> {
  const limit = deps.settings.forgotPasswordLimit
  const normalized = normalizeEmail(email)
  const keys = limitKeys(deps, normalized, meta)
  const now = deps.clock.now()
  const hits = await findLiveHits(deps.database.db, [keys.ip, keys.email], now)
  if ((hits.get(keys.ip) ?? 0) >= limit.perIp || (hits.get(keys.email) ?? 0) >= limit.perEmail) {
    return null
  }
  const { counted, firstInWindow } = await writeSteps(
    deps.database,
    countStatements(deps, keys, now),
  )
  if (counted === 0) return null
  return () => queueResetRequest(deps, normalized, firstInWindow === 1, meta)
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
 * The request's one write before the answer, the same for every email: both hits counted, the
 * email's only within both limits (checked again here, after counting the IP: parallel requests
 * all read the same counts), so `counted` says whether this request goes on; `firstInWindow`,
 * whether it is the email's first in the window.
 */
function countStatements(
  deps: Deps,
  keys: { email: string; ip: string },
  now: number,
): Step<'counted' | 'firstInWindow'>[] {
  const limit = deps.settings.forgotPasswordLimit
  const windowMs = limit.windowSeconds * 1000
  const withinLimits = allOf(
    hitsAtMost(keys.ip, now, limit.perIp),
    hitsAtMost(keys.email, now, limit.perEmail - 1),
  )
  return [
    pruneRateLimits(now),
    countHit(keys.ip, now, windowMs),
    named('counted', countHit(keys.email, now, windowMs, withinLimits)),
    named('firstInWindow', matchLiveHits(keys.email, now, 1)),
  ]
}

/**
 * The follow-up: a known user's request joins the admins' queue (their first open one, which the
 * next reset closes), audited, and the tenant's admins are told; an unknown email is audited once
 * per window, as at sign-in.
 */
async function queueResetRequest(
  deps: Deps,
  email: string,
  firstInWindow: boolean,
  meta: RequestMeta,
): Promise<void> {
  const user = await findUserByEmail(deps.database.db, email)
  if (!user) {
    if (firstInWindow) await recordAudit(deps, meta, requestAudit(undefined))
    return
  }
  const { created } = await writeSteps(
    deps.database,
    knownRequestStatements(deps, user, email, meta),
  )
  if (created === 1) {
    deps.logger.info('password_reset_requested', { requestId: meta.requestId, created: true })
  }
}

/** A known user's request, its audit row and the admins' notices, unless one is already open. */
function knownRequestStatements(
  deps: Deps,
  user: UserRow,
  email: string,
  meta: RequestMeta,
): Step<'created'>[] {
  const request = {
    id: randomId(deps.random),
    tenantId: user.tenantId,
    userId: user.id,
    createdAt: deps.clock.now(),
    ip: meta.ip,
  }
  const inserted = resetRequestExists(request.id)
  return [
    named('created', insertResetRequest(request, noOpenResetRequest(user.id))),
    auditStatement(deps, meta, requestAudit(user), inserted),
    // The tenant's admins are told of each new request (a de-duplicated one tells nobody), in
    // one digest per window, each in their own language.
    ...adminsNoticeStatements(deps, user.tenantId, email, inserted),
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
export async function listResetRequests(deps: Deps, actor: Actor, meta: RequestMeta) {
  await assertAdmin(deps, actor, meta, { action: 'requests.list' })
  const rows = await listOpenResetRequests(deps.database.db, actor.tenantId)
  return {
    items: rows.map((row) => ({ ...row, createdAt: toIsoTime(row.createdAt) })),
  }
}

/** Open requests are counted up to this many; the menu shows more as "99+". */
export const OPEN_REQUESTS_COUNTED = 100

/**
 * How many forgot-password requests of the caller's tenant wait in the queue (up to a bound), for
 * the admin menu's count: none for anyone else (nothing to refuse, no menu entry).
 */
export async function countOpenRequests(deps: Deps, actor: Actor): Promise<number> {
  if (!isAdminRole(actor.role)) return 0
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
