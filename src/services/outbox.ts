import type { BackchannelLogoutNotice, OutboxNotice, QueuedNotice } from '../core/mail.ts'
import { signLogoutToken } from '../core/oidc/tokens.ts'
import { randomId } from '../core/random.ts'
import {
  always,
  type Database,
  type Guard,
  named,
  type Statement,
  writeSteps,
} from '../db/database.ts'
import {
  appendToGatheringDigests,
  claimNotice,
  insertAdminsResetRequestNotice,
  insertNotice,
  listDueNotices,
  listTenantNotices,
  markNoticeSent,
  recordNoticeError,
  writesNotices,
} from '../db/outbox.ts'
import { toIsoTime } from '../db/time.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { assertAdmin } from './access.ts'

/** Attempts before a notice is left for admins to read in the outbox. */
export const MAX_SEND_ATTEMPTS = 8
const MAX_BACKOFF_MS = 6 * 3600_000

/** The insert of one notice, for the atomic write of the change it reports (held to `guard`). */
export function outboxStatement(
  deps: Deps,
  tenantId: string,
  notice: OutboxNotice,
  // Without a guard, the notice is written whenever its write commits.
  guard: Guard = always,
): Statement {
  const now = deps.clock.now()
  return insertNotice(
    {
      id: randomId(deps.random),
      tenantId,
      kind: notice.kind,
      recipient: notice.to,
      payload: JSON.stringify(notice),
      createdAt: now,
      nextAttemptAt: now,
    },
    guard,
  )
}

/**
 * Admins hear of forgot-password requests in one digest each per window: a burst of requests is
 * gathered for a minute into one mail, and after it goes out the window's later requests wait in
 * the queue (the menu shows how many) until the next window.
 */
export const REQUEST_DIGEST = { windowMs: 15 * 60_000, gatherMs: 60_000 }

/**
 * A new forgot-password request for the tenant's admins, in each one's own language: added to
 * their digests still gathering, or a new digest for each admin who has none in the window.
 */
export function adminsNoticeStatements(
  deps: Deps,
  tenantId: string,
  accountEmail: string,
  guard: Guard,
): Statement[] {
  const now = deps.clock.now()
  const digest = {
    accountEmail,
    now,
    windowStart: now - REQUEST_DIGEST.windowMs,
    sendAt: now + REQUEST_DIGEST.gatherMs,
  }
  return [
    appendToGatheringDigests(tenantId, digest, guard),
    insertAdminsResetRequestNotice(tenantId, digest, guard),
  ]
}

/** Waits 1, 2, 4 … minutes between attempts, at most 6 hours. */
const backoff = (attempts: number) => Math.min(60_000 * 2 ** attempts, MAX_BACKOFF_MS)

/** Whether anything in the outbox can be sent here: mail needs a transport, apps a provider. */
export function canDeliverOutbox(deps: Deps): boolean {
  return deps.mailer !== undefined || deps.oidc !== undefined
}

const noticeCommits = new WeakMap<Database, number>()

/**
 * The database, counting its commits that put notices in the outbox: a request starts a delivery
 * pass only when that count moved while it ran (see `noticesQueuedSince`), so the writes that queue
 * nothing (a token refreshed, a session opened) never read the outbox.
 */
export function countingQueuedNotices(database: Database): Database {
  const counting: Database = {
    // Read through, not copied: on Workers the handle belongs to each request's D1 session.
    get db() {
      return database.db
    },
    async writeAtomically(statements) {
      const changes = await database.writeAtomically(statements)
      if (writesNotices(statements)) noticeCommits.set(counting, queuedNoticeCount(counting) + 1)
      return changes
    },
  }
  return counting
}

/** How many commits of `database` have queued notices so far: a mark for `noticesQueuedSince`. */
export function queuedNoticeCount(database: Database): number {
  return noticeCommits.get(database) ?? 0
}

/** Whether a commit of `database` queued notices since `mark` (from `queuedNoticeCount`). */
export function noticesQueuedSince(database: Database, mark: number): boolean {
  return queuedNoticeCount(database) !== mark
}

/**
 * A delivery pass (`deliverOutboxSoon`) when a commit queued notices since `mark` and something
 * here can send them; otherwise nothing, and the outbox is not read.
 */
export function deliverNoticesQueuedSince(deps: Deps, mark: number): Promise<void> | undefined {
  if (!noticesQueuedSince(deps.database, mark) || !canDeliverOutbox(deps)) return undefined
  return deliverOutboxSoon(deps)
}

interface DeliveryPasses {
  /** The pass that has not begun reading yet: whoever asks now is served by it. */
  next?: Promise<void>
  /** The pass reading and sending now. */
  current?: Promise<void>
}

const deliveryPasses = new WeakMap<Deps, DeliveryPasses>()

/**
 * Sends what is due once the current answer has left (a timer, not a microtask: those run before
 * the response is written). Requests that ask while a pass is waiting share it, and a request
 * that asks while one is sending gets the next one, so a notice queued at any moment is tried:
 * one outbox read per request was a tenth of the server's time at a thousand token requests a
 * second. Never rejects: a failed pass is logged, and its notices wait for the next.
 */
export function deliverOutboxSoon(deps: Deps): Promise<void> {
  let passes = deliveryPasses.get(deps)
  if (!passes) {
    passes = {}
    deliveryPasses.set(deps, passes)
  }
  if (passes.next) return passes.next
  const state = passes
  const next = (state.current ?? Promise.resolve())
    .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
    .then(() => {
      state.next = undefined
      const current = deliverOutbox(deps).then(
        () => undefined,
        (error: unknown) => {
          deps.logger.warn('outbox_delivery_failed', { error: sendErrorCode(error) })
        },
      )
      state.current = current
      void current.then(() => {
        if (state.current === current) state.current = undefined
      })
      return current
    })
  state.next = next
  return next
}

/**
 * Sends the notices that are due, each claimed first by a guarded write (so two senders never
 * send one twice), then marked sent or given its next attempt. Mail waits without a transport;
 * back-channel logouts go to their apps over HTTP.
 */
export async function deliverOutbox(
  deps: Deps,
  limit = 25,
): Promise<{ sent: number; failed: number }> {
  const result = { sent: 0, failed: 0 }
  if (!canDeliverOutbox(deps)) return result
  const now = deps.clock.now()
  const { db } = deps.database
  const kinds = deps.mailer ? undefined : [BACKCHANNEL_LOGOUT]
  const due = await listDueNotices(db, now, MAX_SEND_ATTEMPTS, limit, kinds)
  for (const row of due) {
    const { claimed } = await writeSteps(deps.database, [
      named('claimed', claimNotice(db, row, now + backoff(row.attempts))),
    ])
    if (claimed !== 1) continue
    try {
      await sendNotice(deps, JSON.parse(row.payload) as QueuedNotice)
      await deps.database.writeAtomically([markNoticeSent(db, row.id, deps.clock.now())])
      result.sent++
    } catch (error) {
      const code = sendErrorCode(error)
      await deps.database.writeAtomically([recordNoticeError(db, row.id, code)])
      deps.logger.warn('outbox_send_failed', { noticeId: row.id, kind: row.kind, error: code })
      result.failed++
    }
  }
  return result
}

const BACKCHANNEL_LOGOUT = 'backchannel_logout'

function sendNotice(deps: Deps, notice: QueuedNotice): Promise<void> {
  if (notice.kind === BACKCHANNEL_LOGOUT) return sendBackchannelLogout(deps, notice)
  if (!deps.mailer) throw new Error('no mail transport')
  return deps.mailer.send(notice)
}

/**
 * POSTs a `logout_token` to the app's back-channel logout URI (Back-Channel Logout 1.0 §2.5),
 * signed now: an answer other than 2xx is a failure, retried with back-off.
 */
async function sendBackchannelLogout(deps: Deps, notice: BackchannelLogoutNotice) {
  const oidc = deps.oidc
  if (!oidc) throw new Error('no OpenID provider')
  const claims = {
    issuer: oidc.issuer,
    clientId: notice.clientId,
    sub: notice.sub,
    sid: notice.sid,
    jti: randomId(deps.random),
  }
  const token = await signLogoutToken(await oidc.keys(), claims, deps.clock.now())
  const response = await deps.fetch(notice.to, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }).toString(),
    // An app's logout endpoint answers itself: a redirect would send the token elsewhere.
    redirect: 'manual',
    signal: AbortSignal.timeout(BACKCHANNEL_TIMEOUT_MS),
  })
  await response.body?.cancel()
  if (!response.ok) throw Object.assign(new Error('refused'), { httpStatus: response.status })
}

const BACKCHANNEL_TIMEOUT_MS = 5000

/**
 * A short, non-secret reason for a failed send: the SMTP reply, the app's HTTP status or the
 * error's code or name, never its text.
 */
export function sendErrorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { responseCode, httpStatus, code, name } = error as Record<string, unknown>
    if (typeof responseCode === 'number') return `SMTP_${responseCode}`
    if (typeof httpStatus === 'number') return `HTTP_${httpStatus}`
    if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code
    if (typeof name === 'string' && /^[A-Za-z]{2,40}$/.test(name)) return name
  }
  return 'SEND_FAILED'
}

/** The tenant's notices, newest first: for admins, whether or not mail is configured. */
export async function listOutbox(deps: Deps, actor: Actor, meta: RequestMeta) {
  await assertAdmin(deps, actor, meta, { action: 'outbox.list' })
  const rows = await listTenantNotices(deps.database.db, actor.tenantId, 200)
  return {
    mailConfigured: deps.mailer !== undefined,
    items: rows.map((row) => {
      const notice = JSON.parse(row.payload) as QueuedNotice
      return {
        id: row.id,
        kind: row.kind,
        recipient: row.recipient,
        notice,
        createdAt: toIsoTime(row.createdAt),
        sentAt: row.sentAt === null ? null : toIsoTime(row.sentAt),
        attempts: row.attempts,
        lastError: row.lastError,
      }
    }),
  }
}
