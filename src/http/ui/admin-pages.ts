import { type Context, Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { describePolicy } from '../../core/password-policy.ts'
import { randomToken } from '../../core/random.ts'
import { canCreateUsers, decidePasswordReset } from '../../core/roles.ts'
import { type AuditEventView, listAuditEvents } from '../../services/audit.ts'
import type { Actor } from '../../services/caller.ts'
import { listResetRequests } from '../../services/forgot-password.ts'
import { listOutbox } from '../../services/outbox.ts'
import {
  getResetStatus,
  resetPassword,
  resetPasswordWithLink,
} from '../../services/password-reset.ts'
import { createUser, getUser, listUsers, type UserView } from '../../services/users.ts'
import type { PageContext } from '../../ui/layout.tsx'
import { MessagePage } from '../../ui/pages/auth.tsx'
import {
  AddUserPage,
  AuditPage,
  type AuditRowProps,
  LinksSentPage,
  OutboxPage,
  PasswordShownPage,
  RequestsPage,
  ResetPanePage,
  type UserRowProps,
  UserDetailPage,
  UsersPage,
} from '../../ui/pages/admin.tsx'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { AuditQuery, CreateUserBody, ListQuery } from '../schemas.ts'
import { adminOnly, formGuards, signedIn } from './guards.ts'
import { field, markSecret, pageContext, renderPage } from './render.ts'

const PAGE_SIZE = 25
type Ctx = Context<AppEnv>

/** The admin console: users, add user, user detail, the reset pane, the request queue, audit. */
export function adminPages() {
  const app = new Hono<AppEnv>()
  app.use('*', signedIn, adminOnly)

  app.get('/users', async (c) => {
    const actor = c.var.actor
    const query = ListQuery.safeParse({
      search: c.req.query('search') || undefined,
      cursor: c.req.query('cursor') || undefined,
      limit: PAGE_SIZE,
    })
    if (!query.success) throw new AppError('VALIDATION_FAILED')
    const page = pageContext(c, actor)
    const result = await listUsers(c.var.deps, actor, query.data)
    const emails = new Map(result.items.map((user) => [user.id, user.email]))
    return renderPage(
      c,
      UsersPage({
        page,
        users: result.items.map((user) => toRow(page, actor, user, emails)),
        search: query.data.search ?? '',
        nextCursor: result.nextCursor,
        isFirstPage: !query.data.cursor,
        canCreate: canCreateUsers(actor.role),
      }),
    )
  })

  app.get('/users/new', (c) => {
    if (!canCreateUsers(c.var.actor.role)) throw new AppError('FORBIDDEN_ROLE')
    return renderPage(c, AddUserPage({ page: pageContext(c, c.var.actor) }))
  })

  app.post('/users', formGuards, async (c) => {
    const actor = c.var.actor
    if (!canCreateUsers(actor.role)) throw new AppError('FORBIDDEN_ROLE')
    const page = pageContext(c, actor)
    const form = await c.req.parseBody()
    const values = {
      email: field(form, 'email'),
      displayName: field(form, 'displayName'),
      role: field(form, 'role'),
    }
    const parsed = CreateUserBody.safeParse(values)
    if (!parsed.success) {
      return renderPage(c, AddUserPage({ page, values, error: page.t.invalidForm }), 400)
    }
    try {
      const created = await createUser(c.var.deps, actor, parsed.data, requestMeta(c))
      markSecret(c)
      return renderPage(
        c,
        PasswordShownPage({
          page,
          title: page.t.userAddedTitle,
          userId: created.user.id,
          email: created.user.email,
          password: created.temporaryPassword,
          expiresAt: created.expiresAt,
          requireChange: true,
        }),
      )
    } catch (error) {
      if (error instanceof AppError && error.code === 'EMAIL_TAKEN') {
        return renderPage(c, AddUserPage({ page, values, error: page.t.emailTaken }), 409)
      }
      throw error
    }
  })

  app.get('/users/:id', async (c) => {
    const actor = c.var.actor
    const { deps } = c.var
    const page = pageContext(c, actor)
    const user = await getUser(deps, actor, c.req.param('id'))
    const [reset, audit] = await Promise.all([
      getResetStatus(deps, actor, user.id),
      listAuditEvents(deps, actor, { userId: user.id, limit: 20 }),
    ])
    const names = await nameUsers(c, actor, [
      user.passwordState.lastResetBy,
      reset.issuedBy,
      ...audit.items.flatMap((event) => [event.actorId, event.targetId]),
    ])
    return renderPage(
      c,
      UserDetailPage({
        page,
        user: toRow(page, actor, user, names),
        reset: {
          ...reset,
          issuedBy: reset.issuedBy ? describeUser(page, actor, reset.issuedBy, names) : null,
        },
        events: audit.items.map((event) => toAuditRow(page, actor, event, names)),
        newLinkToken: deps.mailer ? randomToken(deps.random) : undefined,
      }),
    )
  })

  app.get('/users/:id/reset', async (c) => {
    const user = await resettableUser(c)
    return renderPage(c, resetPane(c, user, randomToken(c.var.deps.random), 'generate', []))
  })

  app.post('/users/:id/reset', formGuards, async (c) => {
    const actor = c.var.actor
    const { deps } = c.var
    const user = await resettableUser(c)
    const page = pageContext(c, actor)
    const form = await c.req.parseBody()
    const formToken = field(form, 'formToken')
    const mode = field(form, 'mode') === 'custom' ? 'custom' : 'generate'
    if (!formToken) throw new AppError('VALIDATION_FAILED')
    const byLink = field(form, 'delivery') === 'link'
    const recipientsText = field(form, 'recipients')
    const linkPane = (error: string) =>
      resetPane(c, user, formToken, mode, [], error, {
        delivery: 'link',
        recipients: recipientsText,
      })
    if (byLink && !deps.mailer) {
      return renderPage(c, resetPane(c, user, formToken, mode, [], page.t.linkUnavailable), 422)
    }
    const recipients = byLink ? parseRecipients(recipientsText) : null
    if (byLink && !recipients) return renderPage(c, linkPane(page.t.recipientsInvalid), 422)
    // Without permission for permanent passwords the checkbox is disabled (and so not sent).
    const requireChange = deps.settings.allowPermanentAdminPasswords
      ? field(form, 'requireChange') === 'true'
      : true
    const request =
      mode === 'custom'
        ? { mode: 'custom' as const, password: field(form, 'newPassword') }
        : { mode: 'generate' as const }
    try {
      // The form's one-time token is the reset's Idempotency-Key: a resubmitted form (Back, then
      // send again) finds it used and is told so; it never resets twice or shows a password again.
      const input = { userId: user.id, request, requireChange, idempotencyKey: formToken }
      if (recipients) {
        const sent = await resetPasswordWithLink(
          deps,
          actor,
          {
            ...input,
            delivery: {
              method: 'link',
              recipients,
              publicUrl: deps.publicUrl,
            },
          },
          requestMeta(c),
        )
        return renderPage(
          c,
          LinksSentPage({
            page,
            userId: user.id,
            email: user.email,
            recipients: sent.delivery.recipients,
            failed: sent.delivery.failed ?? [],
            expiresAt: sent.delivery.linkExpiresAt,
            sessionsRevoked: sent.sessionsRevoked,
          }),
        )
      }
      const result = await resetPassword(deps, actor, input, requestMeta(c))
      markSecret(c)
      return renderPage(
        c,
        PasswordShownPage({
          page,
          title: page.t.resetDoneTitle,
          userId: user.id,
          email: user.email,
          password: result.temporaryPassword,
          expiresAt: result.expiresAt,
          requireChange: result.requireChange,
          sessionsRevoked: result.sessionsRevoked,
        }),
      )
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      const { t } = page
      switch (error.code) {
        case 'RESET_ALREADY_ISSUED':
        case 'IDEMPOTENCY_KEY_REUSED':
          return renderPage(
            c,
            MessagePage({
              page,
              title: t.alreadyResetTitle,
              message: t.alreadyReset,
              link: { href: `/admin/users/${user.id}`, label: t.viewStatus },
            }),
            409,
          )
        case 'PASSWORD_POLICY': {
          const violations = (error.extra?.violations ?? []) as { code: string; message: string }[]
          return renderPage(c, resetPane(c, user, formToken, mode, violations), 422)
        }
        case 'RATE_LIMITED':
          c.header('Retry-After', error.headers?.['Retry-After'] ?? '60')
          return renderPage(c, resetPane(c, user, formToken, mode, [], t.rateLimited), 429)
        case 'MAIL_NOT_CONFIGURED':
          return renderPage(c, resetPane(c, user, formToken, mode, [], t.linkUnavailable), 422)
        case 'PERMANENT_PASSWORD_NOT_ALLOWED':
          return renderPage(c, resetPane(c, user, formToken, mode, [], t.permanentNotAllowed), 422)
        case 'INVALID_IDEMPOTENCY_KEY':
          throw new AppError('VALIDATION_FAILED')
        default:
          throw error
      }
    }
  })

  app.get('/requests', async (c) => {
    const actor = c.var.actor
    const { items } = await listResetRequests(c.var.deps, actor)
    return renderPage(
      c,
      RequestsPage({
        page: pageContext(c, actor),
        requests: items.map((request) => ({
          ...request,
          canReset:
            decidePasswordReset(actor, { id: request.userId, role: request.role }) === 'allowed',
        })),
      }),
    )
  })

  app.get('/outbox', async (c) => {
    const actor = c.var.actor
    const { mailConfigured, items } = await listOutbox(c.var.deps, actor)
    return renderPage(c, OutboxPage({ page: pageContext(c, actor), mailConfigured, items }))
  })

  app.get('/audit', async (c) => {
    const actor = c.var.actor
    const query = AuditQuery.safeParse({
      userId: c.req.query('userId') || undefined,
      cursor: c.req.query('cursor') || undefined,
      limit: PAGE_SIZE,
    })
    if (!query.success) throw new AppError('VALIDATION_FAILED')
    const page = pageContext(c, actor)
    const result = await listAuditEvents(c.var.deps, actor, query.data)
    const names = await nameUsers(
      c,
      actor,
      result.items.flatMap((event) => [event.actorId, event.targetId]),
    )
    return renderPage(
      c,
      AuditPage({
        page,
        userId: query.data.userId ?? '',
        events: result.items.map((event) => toAuditRow(page, actor, event, names)),
        nextCursor: result.nextCursor,
      }),
    )
  })

  return app
}

/** The target of the reset pane, refused (403) where the role matrix would refuse the reset. */
async function resettableUser(c: Ctx): Promise<UserView> {
  const actor = c.var.actor
  const user = await getUser(c.var.deps, actor, c.req.param('id') ?? '')
  const decision = decidePasswordReset(actor, user)
  if (decision !== 'allowed') throw new AppError(decision)
  return user
}

/** One to five addresses, comma- or space-separated, or null when that is not what was typed. */
function parseRecipients(text: string): string[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean)
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
  if (parts.length < 1 || parts.length > 5) return null
  return parts.every((part) => part.length <= 254 && email.test(part)) ? parts : null
}

function resetPane(
  c: Ctx,
  user: UserView,
  formToken: string,
  mode: 'generate' | 'custom',
  violations: { code: string; message: string }[],
  error?: string,
  delivery?: { delivery: 'link'; recipients: string },
) {
  const { settings } = c.var.deps
  return ResetPanePage({
    mailConfigured: c.var.deps.mailer !== undefined && c.var.deps.publicUrl !== undefined,
    ...delivery,
    page: pageContext(c, c.var.actor),
    user,
    formToken,
    allowPermanent: settings.allowPermanentAdminPasswords,
    policy: describePolicy(settings.passwordPolicy),
    mode,
    violations,
    error,
  })
}

function toRow(
  page: PageContext,
  actor: Actor,
  user: UserView,
  names: Map<string, string>,
): UserRowProps {
  const by = user.passwordState.lastResetBy
  return {
    ...user,
    passwordState: {
      ...user.passwordState,
      lastResetBy: by ? describeUser(page, actor, by, names) : null,
    },
    canReset: decidePasswordReset(actor, user) === 'allowed',
  }
}

function describeUser(page: PageContext, actor: Actor, id: string, names: Map<string, string>) {
  if (id === actor.id) return page.t.byYou
  return names.get(id) ?? page.t.byAdmin
}

function toAuditRow(
  page: PageContext,
  actor: Actor,
  event: AuditEventView,
  names: Map<string, string>,
): AuditRowProps {
  const name = (id: string | null) => (id ? (names.get(id) ?? id) : '—')
  return {
    at: event.at,
    event: event.event,
    actor: event.actorId
      ? name(event.actorId)
      : event.actorRole === 'operator'
        ? page.t.byOperator
        : '—',
    target: name(event.targetId),
    outcome: event.outcome,
    reason: event.reason,
    ip: event.ip,
  }
}

/** Emails for the ids a page mentions (users of the caller's tenant only; others stay ids). */
async function nameUsers(
  c: Ctx,
  actor: Actor,
  ids: (string | null)[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))]
  const names = new Map<string, string>()
  await Promise.all(
    unique.map(async (id) => {
      const user = await getUser(c.var.deps, actor, id).catch(() => null)
      if (user) names.set(id, user.email)
    }),
  )
  return names
}
