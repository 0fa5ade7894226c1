import { Field, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import {
  Cell,
  DataTable,
  PasswordState,
  ResetAction,
  type Role,
  type UserRowProps,
  withBack,
} from './admin-parts.tsx'

/** What the users list shows: the search, the filters and the order, carried from page to page. */
export interface UserListState {
  search: string
  sort: 'email' | 'name'
  role?: Role
  mustChange?: boolean
  mfaEnrolled?: boolean
  blocked?: boolean
}

export function UsersPage(props: {
  users: UserRowProps[]
  list: UserListState
  nextCursor: string | null
  previousCursor: string | null
  isFirstPage: boolean
  /** This page's own cursor, for the way back to it. */
  cursor?: string
  total: { count: number; exact: boolean } | null
  canCreate: boolean
}) {
  const t = useCopy()
  const { list } = props
  return (
    <Layout title={t.usersTitle}>
      <div class="page-head">
        <h1>{t.usersTitle}</h1>
        {props.canCreate ? (
          <a class="button primary" href="/admin/users/new">
            {t.addUser}
          </a>
        ) : null}
      </div>
      <UserFilters list={list} />
      <UsersTotal total={props.total} narrowed={isNarrowed(list)} />
      {props.users.length === 0 ? (
        <p>{t.noUsers}</p>
      ) : (
        <UsersTable users={props.users} back={usersHref(list, props.cursor).split('?')[1]} />
      )}
      <UsersPager
        list={list}
        nextCursor={props.nextCursor}
        previousCursor={props.previousCursor}
        isFirstPage={props.isFirstPage}
      />
    </Layout>
  )
}

function isNarrowed(list: UserListState): boolean {
  return (
    list.search !== '' ||
    list.role !== undefined ||
    list.mustChange !== undefined ||
    list.mfaEnrolled !== undefined ||
    list.blocked !== undefined
  )
}

/** Search, filters and order in one form: it works without the script, as a plain GET. */
function UserFilters(props: { list: UserListState }) {
  const t = useCopy()
  const f = t.userFilters
  const { list } = props
  return (
    <form method="get" action="/admin/users" class="filters" role="search">
      <div class="field search-field">
        <label for="search">{t.searchLabel}</label>
        <input id="search" name="search" type="search" value={list.search} />
      </div>
      <Select
        id="role"
        label={t.role}
        value={list.role ?? ''}
        options={[
          ['', f.anyRole],
          ['global_admin', t.roles.global_admin],
          ['password_admin', t.roles.password_admin],
          ['user', t.roles.user],
        ]}
      />
      <Select
        id="mustChange"
        label={t.passwordState}
        value={flagValue(list.mustChange)}
        options={[
          ['', f.any],
          ['true', t.mustChange],
          ['false', t.passwordSet],
        ]}
      />
      <Select
        id="mfaEnrolled"
        label={t.twoStepTitle}
        value={flagValue(list.mfaEnrolled)}
        options={[
          ['', f.any],
          ['true', f.on],
          ['false', f.off],
        ]}
      />
      <Select
        id="blocked"
        label={t.userActions.signIn}
        value={flagValue(list.blocked)}
        options={[
          ['', f.any],
          ['true', t.userActions.blocked],
          ['false', t.userActions.allowed],
        ]}
      />
      <Select
        id="sort"
        label={f.sortBy}
        value={list.sort}
        options={[
          ['email', t.email],
          ['name', t.name],
        ]}
      />
      <div class="actions">
        <button type="submit">{t.search}</button>
        {isNarrowed(list) || list.sort !== 'email' ? <a href="/admin/users">{f.clear}</a> : null}
      </div>
    </form>
  )
}

function flagValue(flag: boolean | undefined): string {
  return flag === undefined ? '' : String(flag)
}

function Select(props: { id: string; label: string; value: string; options: [string, string][] }) {
  return (
    <div class="field">
      <label for={`filter-${props.id}`}>{props.label}</label>
      <select id={`filter-${props.id}`} name={props.id}>
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  )
}

/** "500 users", "12 users found", or "more than 10,000": a list's size, when it was counted. */
function UsersTotal(props: { total: { count: number; exact: boolean } | null; narrowed: boolean }) {
  const { t, lang } = usePage()
  const { total } = props
  if (!total) return null
  const count = formatCount(lang, total.count)
  const f = t.userFilters
  const words = !total.exact
    ? f.moreThan(count)
    : props.narrowed
      ? f.found(total.count, count)
      : f.total(total.count, count)
  return (
    <p class="total" role="status">
      {words}
    </p>
  )
}

const countFormats = new Map<string, Intl.NumberFormat>()

/** A count in the page's language: 10,000 in English, 10.000 in Dutch and Danish. */
function formatCount(lang: string, count: number): string {
  let format = countFormats.get(lang)
  if (!format) {
    format = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : lang)
    countFormats.set(lang, format)
  }
  return format.format(count)
}

function UsersTable(props: { users: UserRowProps[]; back?: string }) {
  const t = useCopy()
  const f = t.userFilters
  return (
    <DataTable
      caption={t.usersTitle}
      columns={[t.email, t.name, t.role, t.passwordState, t.twoStepTitle, t.actions]}
      stacked
    >
      {props.users.map((user) => (
        <tr>
          <th scope="row">
            <a href={withBack(`/admin/users/${user.id}`, props.back)}>{user.email}</a>
            {user.blocked ? <span class="badge">{t.userActions.blockedBadge}</span> : null}
          </th>
          <Cell label={t.name}>{user.displayName}</Cell>
          <Cell label={t.role}>{t.roles[user.role]}</Cell>
          <Cell label={t.passwordState}>
            <PasswordState state={user.passwordState} />
          </Cell>
          <Cell label={t.twoStepTitle}>{user.mfaEnrolled ? f.on : f.off}</Cell>
          <td class="row-actions">
            {user.canReset ? (
              <ResetAction userId={user.id} email={user.email} back={props.back} />
            ) : (
              <span class="muted">{t.resetNotOffered[user.resetRefusal ?? 'FORBIDDEN_ROLE']}</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

/** First, previous and next pages: the search, filters and order go along. */
function UsersPager(props: {
  list: UserListState
  nextCursor: string | null
  previousCursor: string | null
  isFirstPage: boolean
}) {
  const t = useCopy()
  const { list } = props
  return (
    <nav class="pager" aria-label={t.userFilters.pages}>
      {props.isFirstPage ? null : <a href={usersHref(list)}>{t.firstPage}</a>}
      {props.previousCursor ? (
        <a href={usersHref(list, props.previousCursor)} rel="prev">
          {t.previousPage}
        </a>
      ) : null}
      {props.nextCursor ? (
        <a href={usersHref(list, props.nextCursor)} rel="next">
          {t.nextPage}
        </a>
      ) : null}
    </nav>
  )
}

/**
 * The users list's address for this search, filters and order (and page): only what differs from
 * the plain list goes in.
 */
export function usersHref(list: UserListState, cursor?: string): string {
  const query = new URLSearchParams()
  if (list.search) query.set('search', list.search)
  if (list.role) query.set('role', list.role)
  if (list.mustChange !== undefined) query.set('mustChange', String(list.mustChange))
  if (list.mfaEnrolled !== undefined) query.set('mfaEnrolled', String(list.mfaEnrolled))
  if (list.blocked !== undefined) query.set('blocked', String(list.blocked))
  if (list.sort !== 'email') query.set('sort', list.sort)
  if (cursor) query.set('cursor', cursor)
  return query.size ? `/admin/users?${query}` : '/admin/users'
}

export function AddUserPage(props: {
  values?: { email: string; displayName: string; role: string }
  error?: string
}) {
  const t = useCopy()
  const values = props.values ?? { email: '', displayName: '', role: 'user' }
  return (
    <Layout title={t.addUser}>
      <section class="card narrow">
        <h1>{t.addUser}</h1>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <form method="post" action="/admin/users">
          <Field
            id="email"
            name="email"
            type="email"
            label={t.email}
            value={values.email}
            autocomplete="off"
          />
          <Field
            id="display-name"
            name="displayName"
            label={t.displayName}
            value={values.displayName}
            autocomplete="off"
          />
          <RoleField value={values.role} />
          <div class="actions">
            <button type="submit" class="primary">
              {t.create}
            </button>
            <a href="/admin/users">{t.backToUsers}</a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

function RoleField(props: { value: string }) {
  const t = useCopy()
  return (
    <div class="field">
      <label for="role">{t.role}</label>
      <select id="role" name="role">
        {(['user', 'password_admin', 'global_admin'] as const).map((role) => (
          <option value={role} selected={props.value === role}>
            {t.roles[role]}
          </option>
        ))}
      </select>
    </div>
  )
}
