import type { Child } from 'hono/jsx'
import {
  describeAuditEvent,
  describeAuditOutcome,
  describeNoticeKind,
  describeReason,
} from '../copy.ts'
import { Field, formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { NewPasswordField, type PolicyProps, type ViolationProps } from './auth.tsx'

type Role = 'global_admin' | 'password_admin' | 'user'

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
}

/** A table row's key-icon action, named for screen readers by whom it resets. */
function ResetAction(props: { userId: string; email: string }) {
  const t = useCopy()
  return (
    <a
      class="icon-button"
      href={`/admin/users/${props.userId}/reset`}
      aria-label={t.resetPasswordFor(props.email)}
    >
      <KeyIcon />
    </a>
  )
}

function KeyIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24">
      <path
        fill="currentColor"
        d="M7 14a2 2 0 1 1 0-4 2 2 0 0 1 0 4Zm5.65-4A6 6 0 1 0 12.65 14H16v3h3v-3h2v-4h-8.35Z"
      />
    </svg>
  )
}

function PasswordState(props: { state: UserRowProps['passwordState'] }) {
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
    >
      {props.users.map((user) => (
        <tr>
          <th scope="row">
            <a href={`/admin/users/${user.id}`}>{user.email}</a>
          </th>
          <td>{user.displayName}</td>
          <td>{t.roles[user.role]}</td>
          <td>
            <PasswordState state={user.passwordState} />
          </td>
          <td>{user.canReset ? <ResetAction userId={user.id} email={user.email} /> : null}</td>
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

/**
 * The one page that ever shows a temporary password: after a reset and after adding a user. It
 * is the response to the POST itself; the route sends it with no-store and noindex.
 */
export function PasswordShownPage(props: {
  title: string
  userId: string
  email: string
  password: string
  expiresAt: string | null
  requireChange: boolean
  sessionsRevoked?: number
}) {
  const { t, lang } = usePage()
  return (
    <Layout title={props.title} noindex>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <p class="user-email">{props.email}</p>
        <SecretBox password={props.password} />
        {props.expiresAt ? <p>{t.expires(formatTime(lang, props.expiresAt))}</p> : null}
        {props.requireChange ? <p>{t.mustChangeNote}</p> : null}
        {props.sessionsRevoked !== undefined ? (
          <p>{t.sessionsEnded(props.sessionsRevoked)}</p>
        ) : null}
        <Notice kind="info">{t.notShownAgain}</Notice>
        <AfterResetLinks userId={props.userId} />
      </section>
    </Layout>
  )
}

/** The temporary password with its Copy button (which the script shows). */
function SecretBox(props: { password: string }) {
  const t = useCopy()
  return (
    <div class="secret-box">
      <p class="label" id="temporary-password-label">
        {t.temporaryPassword}
      </p>
      <output id="temporary-password" class="secret" aria-label={t.temporaryPassword}>
        {props.password}
      </output>
      <button type="button" hidden data-copy="temporary-password" data-copied={t.copied}>
        {t.copy}
      </button>
      <span class="copy-status" role="status" aria-live="polite"></span>
    </div>
  )
}

function AfterResetLinks(props: { userId: string }) {
  const t = useCopy()
  return (
    <p>
      <a href={`/admin/users/${props.userId}`}>{t.viewStatus}</a> ·{' '}
      <a href="/admin/users">{t.backToUsers}</a>
    </p>
  )
}

/** The confirmation of a reset delivered by links: where they went, never the password. */
export function LinksSentPage(props: {
  userId: string
  email: string
  recipients: string[]
  failed: string[]
  expiresAt: string
  sessionsRevoked: number
}) {
  const { t, lang } = usePage()
  const sent = props.recipients.filter((r) => !props.failed.includes(r))
  return (
    <Layout title={t.resetDoneTitle}>
      <section class="card narrow">
        <h1>{t.resetDoneTitle}</h1>
        <p class="user-email">{props.email}</p>
        {sent.length ? <LinksSentTo recipients={sent} /> : null}
        {props.failed.length ? (
          <Notice kind="error">
            {t.linksFailed}: {props.failed.join(', ')}
          </Notice>
        ) : null}
        <p>{t.linkExpires(formatTime(lang, props.expiresAt))}</p>
        <p>{t.mustChangeNote}</p>
        <p>{t.sessionsEnded(props.sessionsRevoked)}</p>
        <Notice kind="info">{t.linksNoPassword}</Notice>
        <AfterResetLinks userId={props.userId} />
      </section>
    </Layout>
  )
}

function LinksSentTo(props: { recipients: string[] }) {
  const t = useCopy()
  return (
    <>
      <p>{t.linksSentTo}</p>
      <ul aria-label={t.linksSentTo}>
        {props.recipients.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
    </>
  )
}

export interface ResetPaneProps {
  user: { id: string; email: string; displayName: string }
  formToken: string
  allowPermanent: boolean
  policy: PolicyProps
  mode: 'generate' | 'custom'
  violations: ViolationProps[]
  error?: string
  /** A mail transport is configured: the one-time link choice is offered. */
  mailConfigured?: boolean
  delivery?: 'display' | 'link'
  /** The Recipients field's text (the user's email at first). */
  recipients?: string
}

/** The reset pane: how the password is chosen, whether it must be changed, how it is delivered. */
export function ResetPanePage(props: ResetPaneProps) {
  const t = useCopy()
  const { user } = props
  const canLink = props.mailConfigured === true
  return (
    <Layout title={t.resetTitle}>
      <section class="card narrow">
        <h1>{t.resetTitle}</h1>
        <p class="user-email">
          {user.displayName} · {user.email}
        </p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <form method="post" action={`/admin/users/${user.id}/reset`}>
          <input type="hidden" name="formToken" value={props.formToken} />
          <PasswordChoice mode={props.mode} policy={props.policy} violations={props.violations} />
          <RequireChange allowPermanent={props.allowPermanent} />
          <DeliveryChoice
            canLink={canLink}
            byLink={canLink && props.delivery === 'link'}
            recipients={props.recipients ?? user.email}
          />
          <div class="actions">
            <button type="submit" class="primary">
              {t.resetPassword}
            </button>
            <a href="/admin/users">{t.backToUsers}</a>
          </div>
        </form>
      </section>
    </Layout>
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

/** A generated password, or one the admin types (its field shown only when chosen). */
function PasswordChoice(props: {
  mode: 'generate' | 'custom'
  policy: PolicyProps
  violations: ViolationProps[]
}) {
  const t = useCopy()
  return (
    <fieldset>
      <legend>{t.passwordChoice}</legend>
      <Choice
        type="radio"
        id="mode-generate"
        name="mode"
        value="generate"
        label={t.autoPassword}
        checked={props.mode === 'generate'}
      />
      <Choice
        type="radio"
        id="mode-custom"
        name="mode"
        value="custom"
        label={t.customPassword}
        checked={props.mode === 'custom'}
      />
      <div class="indent" data-when="mode-custom">
        <NewPasswordFieldForAdmin policy={props.policy} violations={props.violations} />
      </div>
    </fieldset>
  )
}

/** Checked, and fixed so unless the service allows permanent passwords set by an admin. */
function RequireChange(props: { allowPermanent: boolean }) {
  const t = useCopy()
  return (
    <>
      <Choice
        type="checkbox"
        id="require-change"
        name="requireChange"
        value="true"
        label={t.requireChange}
        checked
        disabled={!props.allowPermanent}
        describedBy={props.allowPermanent ? undefined : 'require-change-note'}
      />
      {props.allowPermanent ? null : (
        <p class="hint" id="require-change-note">
          {t.requireChangeFixed}
        </p>
      )}
    </>
  )
}

/** Shown on this page, or sent as one-time links: only offered with a mail transport. */
function DeliveryChoice(props: { canLink: boolean; byLink: boolean; recipients: string }) {
  const t = useCopy()
  const { canLink } = props
  return (
    <fieldset>
      <legend>{t.delivery}</legend>
      <Choice
        type="radio"
        id="delivery-display"
        name="delivery"
        value="display"
        label={t.deliverDisplay}
        checked={!props.byLink}
      />
      <Choice
        type="radio"
        id="delivery-link"
        name="delivery"
        value="link"
        label={t.deliverLink}
        checked={props.byLink}
        disabled={!canLink}
        describedBy="delivery-link-note"
      />
      <p class="hint" id="delivery-link-note">
        {canLink ? t.recipientsHint : t.linkUnavailable}
      </p>
      <RecipientsField canLink={canLink} recipients={props.recipients} />
    </fieldset>
  )
}

/** Where the links go: shown when the link choice is made, disabled without a transport. */
function RecipientsField(props: { canLink: boolean; recipients: string }) {
  const t = useCopy()
  const { canLink } = props
  return (
    <div class="indent" data-when={canLink ? 'delivery-link' : undefined}>
      <Field
        id="recipients"
        name="recipients"
        type="text"
        label={t.recipients}
        value={canLink ? props.recipients : undefined}
        required={false}
        extra={canLink ? {} : { disabled: 'disabled' }}
      />
    </div>
  )
}

function NewPasswordFieldForAdmin(props: { policy: PolicyProps; violations: ViolationProps[] }) {
  // The same field as the user's own change, minus the rules that only apply to the user.
  return (
    <NewPasswordField
      policy={{ ...props.policy, historySize: 0 }}
      violations={props.violations}
      temporary={false}
      required={false}
    />
  )
}

export interface ResetStatusProps {
  status: 'none' | 'pending' | 'used' | 'expired' | 'superseded'
  issuedAt: string | null
  issuedBy: string | null
  expiresAt: string | null
  usedAt: string | null
  delivery?: {
    method: 'display' | 'link'
    recipients: string[]
    openedAt: string | null
    failed: string[]
  } | null
}

export interface AuditRowProps {
  at: string
  event: string
  actor: string
  target: string
  outcome: string
  reason: string | null
  ip: string | null
}

export function AuditTable(props: { events: AuditRowProps[]; caption: string }) {
  const { t, lang } = usePage()
  if (props.events.length === 0) return <p>{t.noEvents}</p>
  return (
    <DataTable
      caption={props.caption}
      columns={[t.when, t.event, t.actor, t.target, t.outcome, t.reason, t.ip]}
    >
      {props.events.map((event) => (
        <tr>
          <td>{formatTime(lang, event.at)}</td>
          <td>{describeAuditEvent(t, event.event)}</td>
          <td>{event.actor}</td>
          <td>{event.target}</td>
          <td>{describeAuditOutcome(t, event.outcome)}</td>
          <td>{event.reason ? describeReason(t, event.reason) : '—'}</td>
          <td>{event.ip ?? '—'}</td>
        </tr>
      ))}
    </DataTable>
  )
}

export function UserDetailPage(props: {
  user: UserRowProps
  reset: ResetStatusProps
  events: AuditRowProps[]
  /** A fresh one-time form token when "Send a new link" can be offered (a mail transport exists). */
  newLinkToken?: string
}) {
  const { user } = props
  return (
    <Layout title={user.email}>
      <UserHead user={user} />
      <UserDetails user={user} />
      <ResetStatus user={user} reset={props.reset} newLinkToken={props.newLinkToken} />
      <AuditTrail userId={user.id} events={props.events} />
    </Layout>
  )
}

function UserHead(props: { user: UserRowProps }) {
  const t = useCopy()
  const { user } = props
  return (
    <div class="page-head">
      <h1>{user.email}</h1>
      {user.canReset ? (
        <a
          class="button primary"
          href={`/admin/users/${user.id}/reset`}
          aria-label={t.resetPasswordFor(user.email)}
        >
          <KeyIcon /> {t.resetPassword}
        </a>
      ) : null}
    </div>
  )
}

function UserDetails(props: { user: UserRowProps }) {
  const t = useCopy()
  const { user } = props
  return (
    <section class="card">
      <h2>{t.userDetail}</h2>
      <dl>
        <dt>{t.name}</dt>
        <dd>{user.displayName}</dd>
        <dt>{t.role}</dt>
        <dd>{t.roles[user.role]}</dd>
        <dt>{t.passwordState}</dt>
        <dd>
          <PasswordState state={user.passwordState} />
        </dd>
      </dl>
    </section>
  )
}

/** The latest reset: its state, when and by whom, where its links went, and a new link. */
function ResetStatus(props: {
  user: UserRowProps
  reset: ResetStatusProps
  newLinkToken?: string
}) {
  const t = useCopy()
  const { user, reset } = props
  return (
    <section class="card">
      <h2>{t.resetStatus}</h2>
      <p class={`status status-${reset.status}`}>{t.statuses[reset.status]}</p>
      {reset.status === 'none' ? null : <ResetFacts reset={reset} />}
      {user.canReset && props.newLinkToken && reset.delivery?.method === 'link' ? (
        <SendNewLinkForm
          userId={user.id}
          recipients={reset.delivery.recipients}
          formToken={props.newLinkToken}
        />
      ) : null}
    </section>
  )
}

function ResetFacts(props: { reset: ResetStatusProps }) {
  const { t, lang } = usePage()
  const { reset } = props
  return (
    <dl>
      <dt>{t.issuedAt}</dt>
      <dd>{formatTime(lang, reset.issuedAt)}</dd>
      <dt>{t.issuedBy}</dt>
      <dd>{reset.issuedBy ?? t.byOperator}</dd>
      <dt>{t.expiresLabel}</dt>
      <dd>{formatTime(lang, reset.expiresAt)}</dd>
      {reset.usedAt ? (
        <>
          <dt>{t.usedAt}</dt>
          <dd>{formatTime(lang, reset.usedAt)}</dd>
        </>
      ) : null}
      {reset.delivery?.method === 'link' ? <LinkFacts delivery={reset.delivery} /> : null}
    </dl>
  )
}

/** Where a reset's links went, which failed, and when one was opened. */
function LinkFacts(props: { delivery: NonNullable<ResetStatusProps['delivery']> }) {
  const { t, lang } = usePage()
  const { delivery } = props
  return (
    <>
      <dt>{t.linksSentTo}</dt>
      <dd>{delivery.recipients.join(', ')}</dd>
      {delivery.failed.length ? (
        <>
          <dt>{t.linksFailed}</dt>
          <dd>{delivery.failed.join(', ')}</dd>
        </>
      ) : null}
      <dt>{t.linkOpenedAt}</dt>
      <dd>{delivery.openedAt ? formatTime(lang, delivery.openedAt) : t.linkNotOpened}</dd>
    </>
  )
}

function AuditTrail(props: { userId: string; events: AuditRowProps[] }) {
  const t = useCopy()
  return (
    <section class="card">
      <h2>{t.auditTrail}</h2>
      <AuditTable events={props.events} caption={t.auditTrail} />
      <p>
        <a href={`/admin/audit?${new URLSearchParams({ userId: props.userId })}`}>{t.auditTitle}</a>
      </p>
    </section>
  )
}

export function RequestsPage(props: {
  requests: {
    id: string
    userId: string
    email: string
    displayName: string
    createdAt: string
    canReset: boolean
  }[]
}) {
  const { t, lang } = usePage()
  return (
    <Layout title={t.requestsTitle}>
      <h1>{t.requestsTitle}</h1>
      {props.requests.length === 0 ? (
        <p>{t.noRequests}</p>
      ) : (
        <DataTable caption={t.requestsTitle} columns={[t.email, t.name, t.requestedAt, t.actions]}>
          {props.requests.map((request) => (
            <tr>
              <th scope="row">
                <a href={`/admin/users/${request.userId}`}>{request.email}</a>
              </th>
              <td>{request.displayName}</td>
              <td>{formatTime(lang, request.createdAt)}</td>
              <td>
                {request.canReset ? (
                  <ResetAction userId={request.userId} email={request.email} />
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  )
}

export function AuditPage(props: {
  userId: string
  events: AuditRowProps[]
  nextCursor: string | null
}) {
  const t = useCopy()
  const next = props.nextCursor
    ? `/admin/audit?${new URLSearchParams({ ...(props.userId ? { userId: props.userId } : {}), cursor: props.nextCursor })}`
    : null
  return (
    <Layout title={t.auditTitle}>
      <h1>{t.auditTitle}</h1>
      <form method="get" action="/admin/audit" class="search">
        <label for="user-id">{t.filterUser}</label>
        <div class="with-button">
          <input id="user-id" name="userId" type="text" value={props.userId} />
          <button type="submit">{t.filter}</button>
        </div>
      </form>
      <AuditTable events={props.events} caption={t.auditTitle} />
      <nav class="pager" aria-label={t.auditTitle}>
        {next ? <a href={next}>{t.nextPage}</a> : null}
      </nav>
    </Layout>
  )
}

/**
 * A table of rows with a caption for screen readers and column headers. It scrolls sideways on a
 * narrow screen: as a focusable, named region, so that keyboard users can scroll it too.
 */
export function DataTable(props: { caption: string; columns: string[]; children: Child }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.caption} tabindex={0}>
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

export interface OutboxRowProps {
  id: string
  kind: string
  recipient: string
  createdAt: string
  sentAt: string | null
  attempts: number
  /** Why the last send failed (an SMTP reply or a send code), until one succeeds. */
  lastError: string | null
}

/** The tenant's notifications: sent or waiting; none carries a secret. */
export function OutboxPage(props: { mailConfigured: boolean; items: OutboxRowProps[] }) {
  const { t, lang } = usePage()
  const o = t.outbox
  return (
    <Layout title={o.title}>
      <h1>{o.title}</h1>
      {props.mailConfigured ? null : <Notice kind="info">{o.noMail}</Notice>}
      {props.items.length === 0 ? (
        <p>{o.empty}</p>
      ) : (
        <DataTable caption={o.title} columns={[o.created, o.kind, o.recipient, o.state]}>
          {props.items.map((item) => (
            <tr>
              <td>{formatTime(lang, item.createdAt)}</td>
              <td>{describeNoticeKind(t, item.kind)}</td>
              <td>{item.recipient}</td>
              <td>
                <SendState item={item} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  )
}

/** When the notice was sent, or how often it was tried and why the last try failed. */
function SendState(props: { item: OutboxRowProps }) {
  const { t, lang } = usePage()
  const { item } = props
  return (
    <>
      {item.sentAt ? formatTime(lang, item.sentAt) : t.outbox.waiting(item.attempts)}
      {item.lastError ? (
        <div class="muted">{t.outbox.lastError(describeReason(t, item.lastError))}</div>
      ) : null}
    </>
  )
}

/**
 * One click to send a fresh link to the same recipients after a failed send or a lost mail: a new
 * reset (which voids the old links), with its own one-time form token as the Idempotency-Key.
 */
function SendNewLinkForm(props: { userId: string; recipients: string[]; formToken: string }) {
  const t = useCopy()
  return (
    <form method="post" action={`/admin/users/${props.userId}/reset`} class="actions">
      <input type="hidden" name="formToken" value={props.formToken} />
      <input type="hidden" name="mode" value="generate" />
      <input type="hidden" name="requireChange" value="true" />
      <input type="hidden" name="delivery" value="link" />
      <input type="hidden" name="recipients" value={props.recipients.join(', ')} />
      <button type="submit">{t.sendNewLink}</button>
    </form>
  )
}
