import { count, eq, sql } from 'drizzle-orm'
import { type AppDb, insertWhere, type Statement } from './database.ts'
import { tenants } from './schema.ts'

// Tenants: each holds its users, resets, requests and audit trail apart from the others'.

type TenantRow = typeof tenants.$inferSelect

/** The insert of a tenant. */
export function insertTenant(db: AppDb, tenant: TenantRow): Statement {
  return db.insert(tenants).values(tenant)
}

/**
 * The insert of the deployment's first tenant: of two concurrent ones, the later inserts nothing
 * (and its admin's insert then fails on the foreign key, rolling its write back).
 */
export function insertFirstTenant(tenant: TenantRow): Statement {
  return insertWhere(tenants, tenant, sql`not exists (select 1 from ${tenants})`)
}

/** How many tenants there are. */
export async function countTenants(db: AppDb): Promise<number> {
  const [row] = await db.select({ n: count() }).from(tenants)
  return row?.n ?? 0
}

/** Whether a tenant with this id exists. */
export async function tenantExists(db: AppDb, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId))
  return row !== undefined
}
