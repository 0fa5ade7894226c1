import { Field, Layout, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'
import { Cell, DataTable, PasswordState, ResetAction, type UserRowProps } from './admin-parts.tsx'

export function UsersPage(props: {
  users: UserRowProps[]
  search: string
  nextCursor: string | null
  isFirstPage: boolean
  canCreate: boolean
}) {
  const t = useCopy()
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
      <UserSearch search={props.search} />
      {props.users.length === 0 ? <p>{t.noUsers}</p> : <UsersTable users={props.users} />}
      <UsersPager
        search={props.search}
        nextCursor={props.nextCursor}
        isFirstPage={props.isFirstPage}
      />
    </Layout>
  )
}

function UserSearch(props: { search: string }) {
  const t = useCopy()
  return (
    <form method="get" action="/admin/users" class="search" role="search">
      <label for="search">{t.searchLabel}</label>
      <div class="with-button">
        <input id="search" name="search" type="search" value={props.search} />
        <button type="submit">{t.search}</button>
      </div>
    </form>
  )
}

function UsersTable(props: { users: UserRowProps[] }) {
  const t = useCopy()
  return (
    <DataTable
      caption={t.usersTitle}
      columns={[t.email, t.name, t.role, t.passwordState, t.actions]}
      stacked
    >
      {props.users.map((user) => (
        <tr>
          <th scope="row">
            <a href={`/admin/users/${user.id}`}>{user.email}</a>
          </th>
          <Cell label={t.name}>{user.displayName}</Cell>
          <Cell label={t.role}>{t.roles[user.role]}</Cell>
          <Cell label={t.passwordState}>
            <PasswordState state={user.passwordState} />
          </Cell>
          <td class="row-actions">
            {user.canReset ? <ResetAction userId={user.id} email={user.email} /> : null}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

/** Back to the first page, and on to the next: the search goes along. */
function UsersPager(props: { search: string; nextCursor: string | null; isFirstPage: boolean }) {
  const t = useCopy()
  return (
    <nav class="pager" aria-label={t.usersTitle}>
      {props.isFirstPage ? null : <a href={usersHref(props.search)}>{t.firstPage}</a>}
      {props.nextCursor ? (
        <a href={usersHref(props.search, props.nextCursor)}>{t.nextPage}</a>
      ) : null}
    </nav>
  )
}

function usersHref(search: string, cursor?: string): string {
  const query = new URLSearchParams({
    ...(search ? { search } : {}),
    ...(cursor ? { cursor } : {}),
  })
  return query.toString() ? `/admin/users?${query}` : '/admin/users'
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
