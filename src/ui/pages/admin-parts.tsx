import type { Child } from '../jsx-runtime.ts'
import { formatTime } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'

export type Role = 'global_admin' | 'password_admin' | 'user'

export interface UserRowProps {
  id: string
  email: string
  displayName: string
  role: Role
  passwordState: {
    mustChange: boolean
    temporaryExpiresAt: string | null
    lastResetAt: string | null
    /** Already put into words by the route: "you", an email, "the operator". */
    lastResetBy: string | null
  }
  /** Whether the role matrix lets the viewer reset this user: no control where it would refuse. */
  canReset: boolean
  /** Why not, when it does not: the viewer's own account, or a role the viewer may not reset. */
  resetRefusal?: 'CANNOT_RESET_SELF' | 'FORBIDDEN_ROLE'
  mfaEnrolled?: boolean
  blocked?: boolean
}

/** The users list as the admin left it: `back` is its query (search, filters, order, page). */
export function usersListHref(back?: string): string {
  return back ? `/admin/users?${back}` : '/admin/users'
}

/** A path with the users list's query along, so that Back to users returns to it. */
export function withBack(path: string, back?: string): string {
  return back ? `${path}?${new URLSearchParams({ back })}` : path
}

/** A table row's key-icon action with its words, named for screen readers by whom it resets. */
export function ResetAction(props: { userId: string; email: string; back?: string }) {
  const t = useCopy()
  return (
    <a
      class="button row-action"
      href={withBack(`/admin/users/${props.userId}/reset`, props.back)}
      aria-label={t.resetPasswordFor(props.email)}
    >
      <KeyIcon /> {t.resetPassword}
    </a>
  )
}

export function KeyIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24">
      <path
        fill="currentColor"
        d="M7 14a2 2 0 1 1 0-4 2 2 0 0 1 0 4Zm5.65-4A6 6 0 1 0 12.65 14H16v3h3v-3h2v-4h-8.35Z"
      />
    </svg>
  )
}

export function PasswordState(props: { state: UserRowProps['passwordState'] }) {
  const { t, lang } = usePage()
  const { state } = props
  return (
    <ul class="plain">
      {state.mustChange ? <li>{t.mustChange}</li> : <li>{t.passwordSet}</li>}
      {state.mustChange && state.temporaryExpiresAt ? (
        <li>{t.temporaryExpires(formatTime(lang, state.temporaryExpiresAt))}</li>
      ) : null}
      {state.lastResetAt ? (
        <li class="muted">
          {t.lastReset(state.lastResetBy ?? t.byOperator, formatTime(lang, state.lastResetAt))}
        </li>
      ) : null}
    </ul>
  )
}

/** A radio button or checkbox with its label. */
export function Choice(props: {
  type: 'radio' | 'checkbox'
  id: string
  name: string
  value: string
  label: string
  checked: boolean
  disabled?: boolean
  describedBy?: string
}) {
  return (
    <div class="choice">
      <input
        type={props.type}
        id={props.id}
        name={props.name}
        value={props.value}
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.describedBy}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  )
}

/**
 * A table of rows with a caption for screen readers and column headers. It scrolls sideways on a
 * narrow screen: as a focusable, named region, so that keyboard users can scroll it too. A
 * `stacked` table shows each row as a card on a phone instead, its cells headed by `Cell` labels.
 */
export function DataTable(props: {
  caption: string
  columns: string[]
  stacked?: boolean
  children: Child
}) {
  return (
    <div
      class={props.stacked ? 'table-wrap stacked' : 'table-wrap'}
      role="region"
      aria-label={props.caption}
      tabindex={0}
    >
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  )
}

/** A cell of a stacked table, headed by its column's name when the row is shown as a card. */
export function Cell(props: { label: string; class?: string; children?: Child }) {
  return (
    <td data-label={props.label} class={props.class}>
      {props.children}
    </td>
  )
}
