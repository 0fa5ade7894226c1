import { readableIp } from '../../core/client-network.ts'
import { decidePasswordReset, decideUserAction } from '../../core/roles.ts'
import type { AuditEventView } from '../../services/audit-log.ts'
import type { Actor } from '../../services/caller.ts'
import type { UserView } from '../../services/users.ts'
import type { Copy } from '../../ui/copy.ts'
import type { UserRowProps } from '../../ui/pages/admin-parts.tsx'
import type { AuditRowProps } from '../../ui/pages/audit.tsx'
import { nameOf, type UserAccessProps, userActions } from '../../ui/pages/user-actions.tsx'

// What the admin pages show of the use cases' answers: ids put into words, and which actions the
// viewer is offered. The use cases still decide every action when it is taken.

/** Emails of users of the caller's tenant, by id (others stay unnamed). */
export type UserNames = Map<string, string>

/** A user as a row: who last reset them in words, and whether the key icon is offered. */
export function toUserRow(t: Copy, actor: Actor, user: UserView, names: UserNames): UserRowProps {
  const by = user.passwordState.lastResetBy
  const decision = decidePasswordReset(actor, user)
  return {
    ...user,
    passwordState: {
      ...user.passwordState,
      lastResetBy: by ? describeUser(t, actor, by, names) : null,
    },
    canReset: decision === 'allowed',
    resetRefusal: decision === 'allowed' ? undefined : decision,
  }
}

/** "you", the user's email, or "an admin" for one the viewer cannot see. */
export function describeUser(t: Copy, actor: Actor, id: string, names: UserNames) {
  if (id === actor.id) return t.byYou
  return names.get(id) ?? t.byAdmin
}

/**
 * An audit event as a row: who acted and whom it was about by email (the command line by name;
 * null for nobody known), the client's address as people read it.
 */
export function toAuditRow(t: Copy, event: AuditEventView, names: UserNames): AuditRowProps {
  const name = (id: string | null) => (id ? (names.get(id) ?? t.byAdmin) : null)
  const operator = event.actorRole === 'operator' ? t.byOperator : null
  return {
    at: event.at,
    event: event.event,
    actor: event.actorId ? name(event.actorId) : operator,
    target: name(event.targetId),
    outcome: event.outcome,
    reason: event.reason,
    ip: event.ip === null ? null : readableIp(event.ip),
    repeats: repeatsOf(event.details),
  }
}

/** A refusal's repeats in its window, as its row counts them (see services/repeated-refusals.ts). */
function repeatsOf(details: Record<string, unknown> | null): AuditRowProps['repeats'] {
  const { count, lastAt } = details ?? {}
  if (typeof count !== 'number' || count < 2 || typeof lastAt !== 'number') return undefined
  return { count, lastAt: new Date(lastAt).toISOString() }
}

/** The ids an audit page mentions, to name them in one go. */
export function auditIds(events: AuditEventView[]): (string | null)[] {
  return events.flatMap((event) => [event.actorId, event.targetId])
}

/**
 * The user page's access card: the state, whether the viewer may act, and what the action that
 * led back here did (`done` and, for a sign-out, the sessions it ended, from the redirect).
 */
export function toUserAccess(
  t: Copy,
  actor: Actor,
  user: UserView,
  outcome: { done?: string; sessions?: string },
): UserAccessProps {
  const who = nameOf(user)
  const done = userActions.find((action) => action === outcome.done)
  const sessions = Number(outcome.sessions ?? 0) || 0
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    mfaEnrolled: user.mfaEnrolled,
    blocked: user.blocked,
    canManage: decideUserAction(actor, user) === 'allowed',
    done: done ? t.userActions.done[done](who, sessions) : undefined,
  }
}

const LIST_PARAMS = ['search', 'sort', 'role', 'mustChange', 'mfaEnrolled', 'blocked', 'cursor']

/**
 * The users list's query to go back to, from a `back` parameter: only the list's own parameters,
 * each once, re-encoded (the rest of the text is dropped, so it can lead nowhere else).
 */
export function usersBackQuery(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  const given = new URLSearchParams(raw)
  const kept = new URLSearchParams()
  for (const name of LIST_PARAMS) {
    const value = given.get(name)
    if (value) kept.set(name, value.slice(0, 2048))
  }
  return kept.size ? kept.toString() : undefined
}
