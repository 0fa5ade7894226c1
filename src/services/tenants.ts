import { count, eq } from 'drizzle-orm'
import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { randomId } from '../core/random.ts'
import { always, insertWhere } from '../db/database.ts'
import { auditEvents, tenants, users } from '../db/schema.ts'
import { auditRow } from './audit.ts'
import type { Deps, RequestMeta } from './deps.ts'
import { resetPassword } from './password-reset.ts'
import { assertEmailFree, prepareNewUser, writeNewUser } from './users.ts'

export interface OperatorIssued {
  tenantId: string
  userId: string
  email: string
  temporaryPassword: string
  expiresAt: string
}

const operatorMeta = (requestId: string): RequestMeta => ({ requestId, ip: null })

/**
 * Creates a tenant and its first global admin, who gets a temporary password (shown once, to the
 * operator). Used by `oncepass tenant create` and by the first start on an empty database.
 */
export async function createTenantWithAdmin(
  deps: Deps,
  input: { name: string; adminEmail: string },
  meta: RequestMeta = operatorMeta('cli'),
): Promise<OperatorIssued> {
  await assertEmailFree(deps, input.adminEmail)
  const tenantId = randomId(deps.random)
  const admin = await prepareNewUser(
    deps,
    { tenantId, email: input.adminEmail, displayName: 'Administrator', role: 'global_admin' },
    null,
    meta,
  )
  await writeNewUser(deps, [
    deps.database.db
      .insert(tenants)
      .values({ id: tenantId, name: input.name, createdAt: deps.clock.now() }),
    ...admin.statements,
    insertWhere(
      auditEvents,
      auditRow(deps, meta, {
        tenantId,
        event: 'tenant_created',
        outcome: 'success',
        details: { name: input.name },
      }),
      always,
    ),
  ])
  const { user, temporaryPassword, expiresAt } = await admin.result()
  return { tenantId, userId: user.id, email: user.email, temporaryPassword, expiresAt }
}

/** On an empty database, creates one tenant and its global admin; otherwise does nothing. */
export async function bootstrapIfEmpty(
  deps: Deps,
  adminEmail: string,
): Promise<OperatorIssued | null> {
  const [row] = await deps.database.db.select({ n: count() }).from(tenants)
  if ((row?.n ?? 0) > 0) return null
  return createTenantWithAdmin(deps, { name: 'Default', adminEmail }, operatorMeta('bootstrap'))
}

/**
 * The operator's break-glass reset: the same atomic reset an admin performs, with the operator
 * as actor (recorded as `operator` in the audit trail). Works for any role, global admins included.
 */
export async function operatorResetPassword(deps: Deps, email: string): Promise<OperatorIssued> {
  const [user] = await deps.database.db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
  if (!user) throw new AppError('NOT_FOUND')
  const operator = {
    id: 'operator',
    tenantId: user.tenantId,
    role: 'global_admin' as const,
    email: 'operator',
    displayName: 'Operator (CLI)',
    sessionId: 'cli',
  }
  const reset = await resetPassword(
    deps,
    operator,
    { userId: user.id, request: { mode: 'generate' }, requireChange: true },
    operatorMeta('cli'),
  )
  return {
    tenantId: user.tenantId,
    userId: user.id,
    email: user.email,
    temporaryPassword: reset.temporaryPassword,
    expiresAt: reset.expiresAt!,
  }
}
