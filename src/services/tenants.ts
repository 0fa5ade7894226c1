import { normalizeEmail } from '../core/email.ts'
import { AppError } from '../core/errors.ts'
import { assertDisplaySafeName } from '../core/names.ts'
import { randomId, randomToken } from '../core/random.ts'
import { isForeignKeyViolation } from '../db/constraint-errors.ts'
import { countTenants, insertFirstTenant, insertTenant } from '../db/tenants.ts'
import { findUserByEmail } from '../db/users.ts'
import { auditStatement } from './audit.ts'
import type { RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { commitReset, OPERATOR } from './password-reset.ts'
import { prepareTemporaryCredential } from './temporary-credential.ts'
import { assertEmailFree, prepareNewUser, writeNewUser } from './users.ts'

export interface OperatorIssued {
  tenantId: string
  userId: string
  email: string
  temporaryPassword: string
  expiresAt: string
}

/** Each operator action gets its own request id, so its audit rows can be told apart. */
export const operatorMeta = (deps: Deps, source: 'cli' | 'bootstrap'): RequestMeta => ({
  requestId: `${source}-${randomToken(deps.random, 9)}`,
  ip: null,
  language: 'en',
})

/**
 * Creates a tenant and its first global admin, who gets a temporary password (shown once, to the
 * operator). Used by `oncepass tenant create` and by the first start on an empty database.
 */
export async function createTenantWithAdmin(
  deps: Deps,
  input: { name: string; adminEmail: string },
  meta: RequestMeta = operatorMeta(deps, 'cli'),
  options: { onlyIfFirst?: boolean } = {},
): Promise<OperatorIssued> {
  assertDisplaySafeName('name', input.name)
  await assertEmailFree(deps, input.adminEmail)
  const tenantId = randomId(deps.random)
  const admin = await prepareNewUser(
    deps,
    { tenantId, email: input.adminEmail, displayName: 'Administrator', role: 'global_admin' },
    null,
    meta,
  )
  const tenant = { id: tenantId, name: input.name, createdAt: deps.clock.now() }
  // For the first tenant, the insert is guarded: of two concurrent first starts or setup calls
  // one creates nothing, and its admin insert then fails on the foreign key, rolling it all back.
  await writeNewUser(deps, [
    options.onlyIfFirst ? insertFirstTenant(tenant) : insertTenant(deps.database.db, tenant),
    ...admin.statements,
    auditStatement(deps, meta, {
      tenantId,
      event: 'tenant_created',
      outcome: 'success',
      details: { name: input.name },
    }),
  ])
  const { user, temporaryPassword, expiresAt } = await admin.result()
  return { tenantId, userId: user.id, email: user.email, temporaryPassword, expiresAt }
}

/** On an empty database, creates one tenant and its global admin; otherwise does nothing. */
export async function bootstrapIfEmpty(
  deps: Deps,
  adminEmail: string,
): Promise<OperatorIssued | null> {
  if (await hasTenants(deps)) return null
  return createTenantWithAdmin(
    deps,
    { name: 'Default', adminEmail },
    operatorMeta(deps, 'bootstrap'),
    {
      onlyIfFirst: true,
    },
  )
}

export async function hasTenants(deps: Deps): Promise<boolean> {
  return (await countTenants(deps.database.db)) > 0
}

/**
 * The one-time setup of a fresh deployment (Workers have no start-up hook or terminal): creates
 * the first tenant and its global admin, and shows the temporary password once. Refused once any
 * tenant exists, even if two calls race.
 */
export async function setUpFirstTenant(
  deps: Deps,
  input: { tenantName: string; adminEmail: string },
  meta: RequestMeta,
): Promise<OperatorIssued> {
  if (await hasTenants(deps)) throw new AppError('ALREADY_SET_UP')
  try {
    return await createTenantWithAdmin(
      deps,
      { name: input.tenantName, adminEmail: input.adminEmail },
      meta,
      { onlyIfFirst: true },
    )
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new AppError('ALREADY_SET_UP')
    throw error
  }
}

/**
 * The operator's break-glass reset: the same atomic reset an admin performs, for any role, global
 * admins included. Whoever runs the CLI holds the database file, so the admin role matrix and the
 * admins' rate limits do not apply; the audit trail records the actor as `operator`.
 */
export async function operatorResetPassword(deps: Deps, email: string): Promise<OperatorIssued> {
  const user = await findUserByEmail(deps.database.db, normalizeEmail(email))
  if (!user) throw new AppError('NOT_FOUND')
  const credential = await prepareTemporaryCredential(deps, user.email)
  const reset = await commitReset(deps, OPERATOR, user, credential, {
    requireChange: true,
    idempotency: null,
    meta: operatorMeta(deps, 'cli'),
  })
  return {
    tenantId: user.tenantId,
    userId: user.id,
    email: user.email,
    temporaryPassword: reset.temporaryPassword,
    expiresAt: reset.expiresAt!,
  }
}
