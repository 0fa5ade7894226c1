import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { normalizeEmail } from '../core/email.ts'
import { randomId } from '../core/random.ts'
import { insertWhere } from '../db/database.ts'
import { passwordResetRequests, users } from '../db/schema.ts'
import { auditStatement } from './audit.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'
import { assertAdmin } from './users.ts'

/**
 * A user asks for help signing in. The answer is always the same (202), whether or not the email
 * exists, and so is the work: one write either way (an audit row for an unknown email, as at
 * sign-in), so timing tells nothing. A known user gets at most one open request in the admins'
 * queue, closed by the next reset.
 */
export async function requestPasswordReset(
  deps: Deps,
  email: string,
  meta: RequestMeta,
): Promise<void> {
  const [user] = await deps.database.db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
  if (!user) {
    await deps.database.writeAtomically([
      auditStatement(deps, meta, {
        tenantId: null,
        event: 'password_reset_requested',
        outcome: 'failure',
        reason: 'UNKNOWN_ACCOUNT',
      }),
    ])
    return
  }
  const id = randomId(deps.random)
  const noOpenRequest = sql`not exists (select 1 from ${passwordResetRequests} where ${passwordResetRequests.userId} = ${user.id} and ${passwordResetRequests.closedAt} is null)`
  const [inserted] = await deps.database.writeAtomically([
    insertWhere(
      passwordResetRequests,
      { id, tenantId: user.tenantId, userId: user.id, createdAt: deps.clock.now(), ip: meta.ip },
      noOpenRequest,
    ),
    auditStatement(
      deps,
      meta,
      {
        tenantId: user.tenantId,
        event: 'password_reset_requested',
        actor: { id: user.id, role: user.role },
        targetId: user.id,
        outcome: 'success',
      },
      sql`exists (select 1 from ${passwordResetRequests} where ${passwordResetRequests.id} = ${id})`,
    ),
  ])
  deps.logger.info('password_reset_requested', {
    requestId: meta.requestId,
    created: inserted === 1,
  })
}

/** The tenant's open forgot-password requests, oldest first. */
export async function listResetRequests(deps: Deps, actor: Actor) {
  assertAdmin(actor)
  const rows = await deps.database.db
    .select({
      id: passwordResetRequests.id,
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: passwordResetRequests.createdAt,
    })
    .from(passwordResetRequests)
    .innerJoin(users, eq(users.id, passwordResetRequests.userId))
    .where(
      and(
        eq(passwordResetRequests.tenantId, actor.tenantId),
        isNull(passwordResetRequests.closedAt),
      ),
    )
    .orderBy(asc(passwordResetRequests.createdAt))
    .limit(500)
  return {
    items: rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() })),
  }
}
