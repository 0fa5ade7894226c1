import { formatTime, Layout } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import {
  KeyIcon,
  PasswordState,
  type UserRowProps,
  usersListHref,
  withBack,
} from './admin-parts.tsx'
import { auditHref, type AuditRowProps, AuditTable } from './audit.tsx'
import { confirmHref, type UserAccessProps, UserAccessActions } from './user-actions.tsx'
import {
  type CoverProps,
  ResetCover,
  UserVerification,
  type VerificationProps,
} from './user-verification.tsx'

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
  /** How the reset was covered at the helpdesk (a verified caller, an override, an approval). */
  cover?: CoverProps
}

export function UserDetailPage(props: {
  user: UserRowProps
  reset: ResetStatusProps
  events: AuditRowProps[]
  /** The viewer's check of this user's caller, when the viewer may reset them. */
  verification?: VerificationProps
  /** "Send a new link" can be offered: a mail transport exists. */
  canSendNewLink?: boolean
  access?: UserAccessProps
  /** The users list's query the admin came from. */
  back?: string
}) {
  const { user } = props
  return (
    <Layout title={user.email}>
      <UserHead user={user} back={props.back} />
      <UserDetails user={user} />
      {props.access ? <UserAccessActions access={props.access} /> : null}
      {props.verification ? <UserVerification verification={props.verification} /> : null}
      <ResetStatus user={user} reset={props.reset} canSendNewLink={props.canSendNewLink} />
      <AuditTrail email={user.email} events={props.events} />
    </Layout>
  )
}

function UserHead(props: { user: UserRowProps; back?: string }) {
  const t = useCopy()
  const { user } = props
  return (
    <>
      <p>
        <a href={usersListHref(props.back)}>{t.backToUsers}</a>
      </p>
      <UserTitle user={user} back={props.back} />
    </>
  )
}

/** The user's email as the title, and Reset password where the viewer may. */
function UserTitle(props: { user: UserRowProps; back?: string }) {
  const t = useCopy()
  const { user } = props
  return (
    <div class="page-head">
      <h1>{user.email}</h1>
      {user.canReset ? (
        <a
          class="button primary"
          href={withBack(`/admin/users/${user.id}/reset`, props.back)}
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
  canSendNewLink?: boolean
}) {
  const t = useCopy()
  const { user, reset } = props
  return (
    <section class="card">
      <h2>{t.resetStatus}</h2>
      <p class={`status status-${reset.status}`}>{t.statuses[reset.status]}</p>
      {reset.status === 'none' ? null : <ResetFacts reset={reset} />}
      {user.canReset && props.canSendNewLink && reset.delivery?.method === 'link' ? (
        <p class="actions">
          <a class="button" href={confirmHref(user.id, 'new-link')}>
            {t.sendNewLink}
          </a>
        </p>
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
      {reset.cover ? <ResetCover cover={reset.cover} /> : null}
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

function AuditTrail(props: { email: string; events: AuditRowProps[] }) {
  const t = useCopy()
  return (
    <section class="card">
      <h2>{t.auditTrail}</h2>
      <AuditTable events={props.events} caption={t.auditTrail} />
      <p>
        <a href={auditHref({ email: props.email })}>{t.auditTitle}</a>
      </p>
    </section>
  )
}
