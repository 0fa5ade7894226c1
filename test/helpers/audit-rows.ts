/** A row of `audit_events` as SQLite returns it to a test's own query (`t.rows`). */
export interface AuditEventRow {
  id: string
  tenant_id: string | null
  at: number
  event: string
  actor_id: string | null
  actor_role: string | null
  target_id: string | null
  outcome: string
  reason: string | null
  request_id: string | null
  ip: string | null
  details: string | null
}
