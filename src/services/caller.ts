import type { Role } from '../core/roles.ts'

/** Facts about the request: what the audit trail records, and the language its notices are in. */
export interface RequestMeta {
  requestId: string
  ip: string | null
  /**
   * The caller's language (en, nl, da, sv): a notice this request causes is written in it, as
   * the one-time link's mail is. Operator actions use English.
   */
  language: string
  /**
   * Where `language` came from: the language switch (the user's choice), the browser's
   * Accept-Language, or neither (an API client that sent none, the command line).
   */
  languageFrom?: 'switch' | 'browser'
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
