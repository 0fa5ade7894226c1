import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { decidePasswordReset } from '../../core/roles.ts'
import { listAuditEvents } from '../../services/audit-log.ts'
import { listResetRequests } from '../../services/forgot-password.ts'
import { listOutbox } from '../../services/outbox.ts'
import { nameTenantUsers } from '../../services/users.ts'
import { AuditPage } from '../../ui/pages/audit.tsx'
import { OutboxPage } from '../../ui/pages/outbox.tsx'
import { RequestsPage } from '../../ui/pages/requests.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { AuditQuery } from '../schemas.ts'
import { type Ctx, pageCopy, render } from './render.ts'
import { PAGE_SIZE } from './users.ts'
import { auditIds, toAuditRow } from './view-models.ts'

/** The admin console's other lists: forgot-password requests, notifications, the audit log. */
export function adminListPages() {
  return new Hono<AppEnv>()
    .get('/requests', showRequests)
    .get('/outbox', showOutbox)
    .get('/audit', showAudit)
}

async function showRequests(c: Ctx) {
  const { deps, actor } = c.var
  const { items } = await listResetRequests(deps, actor, requestMeta(c))
  const requests = items.map((request) => ({
    ...request,
    canReset: decidePasswordReset(actor, { id: request.userId, role: request.role }) === 'allowed',
  }))
  return render(c, RequestsPage, { requests })
}

async function showOutbox(c: Ctx) {
  const { mailConfigured, items } = await listOutbox(c.var.deps, c.var.actor, requestMeta(c))
  return render(c, OutboxPage, { mailConfigured, items })
}

async function showAudit(c: Ctx) {
  const { deps, actor } = c.var
  const query = AuditQuery.safeParse({
    userId: c.req.query('userId') || undefined,
    cursor: c.req.query('cursor') || undefined,
    limit: PAGE_SIZE,
  })
  if (!query.success) throw new AppError('VALIDATION_FAILED')
  const t = pageCopy(c)
  const meta = requestMeta(c)
  const result = await listAuditEvents(deps, actor, query.data, meta)
  const names = await nameTenantUsers(deps, actor, auditIds(result.items), meta)
  return render(c, AuditPage, {
    userId: query.data.userId ?? '',
    events: result.items.map((event) => toAuditRow(t, event, names)),
    nextCursor: result.nextCursor,
  })
}
