import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { canCreateUsers } from '../../core/roles.ts'
import { assertMayCreateUsers } from '../../services/access.ts'
import { listAuditEvents } from '../../services/audit-log.ts'
import { getResetStatus } from '../../services/password-reset.ts'
import { createUser, getUser, listUsers, nameTenantUsers } from '../../services/users.ts'
import { PasswordShownPage } from '../../ui/pages/confirmations.tsx'
import { UserDetailPage } from '../../ui/pages/user-detail.tsx'
import { AddUserPage, UsersPage } from '../../ui/pages/users.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { CreateUserBody, ListQuery } from '../schemas.ts'
import { refusalText } from './failure.ts'
import { attempt, readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, markSecret, pageCopy, refusalStatus, render } from './render.ts'
import { coverIds, toCoverProps, userPageVerification } from './verifications.ts'
import {
  auditIds,
  describeUser,
  toAuditRow,
  toUserAccess,
  toUserRow,
  usersBackQuery,
} from './view-models.ts'

export const PAGE_SIZE = 25

/** Users: the list, Add user, and one user's page. */
export function userPages() {
  return new Hono<AppEnv>()
    .get('/users', showUsers)
    .get('/users/new', showAddUser)
    .post('/users', formGuards, submitAddUser)
    .get('/users/:id', showUser)
}

async function showUsers(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const query = ListQuery.safeParse({ ...listParams(c), limit: PAGE_SIZE })
  if (!query.success) throw new AppError('VALIDATION_FAILED')
  const t = pageCopy(c)
  const result = await listUsers(deps, actor, query.data, requestMeta(c))
  const emails = new Map(result.items.map((user) => [user.id, user.email]))
  const { search, sort, role, mustChange, mfaEnrolled, blocked, cursor } = query.data
  return render(c, UsersPage, {
    users: result.items.map((user) => toUserRow(t, actor, user, emails)),
    list: { search: search ?? '', sort: sort ?? 'email', role, mustChange, mfaEnrolled, blocked },
    nextCursor: result.nextCursor,
    previousCursor: result.previousCursor,
    isFirstPage: !cursor,
    cursor,
    total: result.total,
    canCreate: canCreateUsers(actor.role),
  })
}

/** The users list's query parameters as the API takes them; an empty field is no filter. */
function listParams(c: Ctx) {
  const param = (name: string) => c.req.query(name) || undefined
  return {
    search: param('search'),
    cursor: param('cursor'),
    sort: param('sort'),
    role: param('role'),
    mustChange: param('mustChange'),
    mfaEnrolled: param('mfaEnrolled'),
    blocked: param('blocked'),
  }
}

async function showAddUser(c: Ctx) {
  await assertMayCreateUsers(c.get('deps'), c.get('actor'), requestMeta(c))
  return render(c, AddUserPage, {})
}

async function submitAddUser(c: Ctx) {
  const form = await readForm(c)
  const t = pageCopy(c)
  const values = {
    email: form.email ?? '',
    displayName: form.displayName ?? '',
    role: form.role ?? '',
  }
  const parsed = CreateUserBody.safeParse(values)
  if (!parsed.success) return render(c, AddUserPage, { values, error: t.invalidForm }, 400)
  const outcome = await attempt(
    () => createUser(c.get('deps'), c.get('actor'), parsed.data, requestMeta(c)),
    ['EMAIL_TAKEN'],
  )
  if (!outcome.ok) {
    const error = refusalText(t, outcome.error)
    return render(c, AddUserPage, { values, error }, refusalStatus(c, outcome.error))
  }
  const { user, temporaryPassword, expiresAt } = outcome.value
  markSecret(c)
  return render(c, PasswordShownPage, {
    title: t.userAddedTitle,
    userId: user.id,
    email: user.email,
    password: temporaryPassword,
    expiresAt,
    requireChange: true,
  })
}

async function showUser(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const t = pageCopy(c)
  const meta = requestMeta(c)
  const user = await getUser(deps, actor, c.req.param('id') ?? '', meta)
  const [reset, audit] = await Promise.all([
    getResetStatus(deps, actor, user.id, meta),
    listAuditEvents(deps, actor, { userId: user.id, limit: 20 }, meta),
  ])
  const names = await nameTenantUsers(
    deps,
    actor,
    [user.passwordState.lastResetBy, reset.issuedBy, ...auditIds(audit.items), ...coverIds(reset)],
    meta,
  )
  const issuedBy = reset.issuedBy ? describeUser(t, actor, reset.issuedBy, names) : null
  return render(c, UserDetailPage, {
    user: toUserRow(t, actor, user, names),
    reset: { ...reset, issuedBy, cover: toCoverProps(t, actor, reset, names) },
    verification: await userPageVerification(c, user),
    events: audit.items.map((event) => toAuditRow(t, event, names)),
    canSendNewLink: deps.mailer !== undefined,
    back: usersBackQuery(c.req.query('back')),
    access: toUserAccess(t, actor, user, { done: c.req.query('done'), sessions: c.req.query('n') }),
  })
}
