import type { Role } from '../core/roles.ts'

/** Facts about the request that the audit trail records. */
export interface RequestMeta {
  requestId: string
  ip: string | null
}

/** The signed-in caller, as loaded from the database on this request. */
export interface Actor {
  id: string
  tenantId: string
  role: Role
  email: string
  displayName: string
  sessionId: string
}
