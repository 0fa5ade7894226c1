import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { decidePasswordReset, decideUserAction } from '../../core/roles.ts'
import { listAuditEvents } from '../../services/audit-log.ts'
import { dismissResetRequest, listResetRequests } from '../../services/forgot-password.ts'
import { listOutbox } from '../../services/outbox.ts'
import { findTenantUserIdByEmail, nameTenantUsers } from '../../services/users.ts'
import { AuditPage } from '../../ui/pages/audit.tsx'
import { OutboxPage } from '../../ui/pages/outbox.tsx'
import { RequestsPage } from '../../ui/pages/requests.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { AuditQuery } from '../schemas.ts'
import { flashCookie } from './cookies.ts'
import { formGuards } from './guards.ts'
import { type Ctx, pageCopy, render, seeOther } from './render.ts'
import { PAGE_SIZE } from './users.ts'
import { auditIds, toAuditRow } from './view-models.ts'

/** The admin console's other lists: forgot-password requests, notifications, the audit log. */
export function adminListPages() {
  return new Hono<AppEnv>()
    .get('/requests', showRequests)
    .post('/requests/:id/dismiss', formGuards, dismissRequest)
    .get('/outbox', showOutbox)
    .get('/audit', showAudit)
}

async function showRequests(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const { items } = await listResetRequests(deps, actor, requestMeta(c))
  const requests = items.map((request) => {
    const target = { id: request.userId, role: request.role }
    return {
      ...request,
      canReset: decidePasswordReset(actor, target) === 'allowed',
      canDismiss: decideUserAction(actor, target) === 'allowed',
    }
  })
  return render(c, RequestsPage, { requests })
}

/** Takes the request off the queue, then shows the queue saying so (a refusal is its own page). */
async function dismissRequest(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  await dismissResetRequest(deps, actor, c.req.param('id') ?? '', requestMeta(c))
  flashCookie.write(c, 'request-dismissed')
  return seeOther(c, '/admin/requests')
}

async function showOutbox(c: Ctx) {
  const { mailConfigured, items } = await listOutbox(c.get('deps'), c.get('actor'), requestMeta(c))
  return render(c, OutboxPage, { mailConfigured, items })
}

async function showAudit(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const t = pageCopy(c)
  const param = (name: string) => c.req.query(name)?.trim() || undefined
  const filters = {
    email: param('email'),
    event: param('event'),
    from: param('from'),
    to: param('to'),
  }
  const query = AuditQuery.safeParse({
    ...filters,
    userId: param('userId'),
    from: startOfDay(filters.from),
    to: startOfDay(filters.to, 1),
    cursor: param('cursor'),
    limit: PAGE_SIZE,
  })
  if (!query.success) throw new AppError('VALIDATION_FAILED')
  const meta = requestMeta(c)
  const unknownEmail =
    filters.email !== undefined &&
    !(await findTenantUserIdByEmail(deps, actor, filters.email, meta))
  const result = await listAuditEvents(deps, actor, query.data, meta)
  const names = await nameTenantUsers(deps, actor, auditIds(result.items), meta)
  return render(c, AuditPage, {
    filters: {
      email: filters.email ?? '',
      event: filters.event ?? '',
      from: filters.from ?? '',
      to: filters.to ?? '',
    },
    events: result.items.map((event) => toAuditRow(t, event, names)),
    nextCursor: result.nextCursor,
    isFirstPage: !query.data.cursor,
    notice: unknownEmail ? t.auditFilters.unknownEmail : undefined,
  })
}

/**
 * A day typed in a date field (YYYY-MM-DD) as the ISO time it starts at, UTC (the times on the
 * pages are UTC too), `days` later; anything else is passed on for the schema to refuse.
 */
function startOfDay(day: string | undefined, days = 0): string | undefined {
  if (day === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return day
  const start = Date.parse(`${day}T00:00:00Z`)
  // Not a day of the calendar (2026-02-30 would roll over to March): refused as typed.
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day) return day
  return new Date(start + days * 86_400_000).toISOString()
}
