import { Field, formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { DataTable } from './admin-parts.tsx'
import { type CoverProps, ResetCover } from './user-verification.tsx'

// Approvals: resets of admins waiting for a second global admin, one request's page with its
// decisions, and the answer to a reset that became a request.

export type ApprovalStatus =
  'pending' | 'approved' | 'denied' | 'cancelled' | 'expired' | 'executed'
export type ApprovalAction = 'password_reset' | 'mfa_reset'

export interface ApprovalRowProps {
  id: string
  userEmail: string
  action: ApprovalAction
  status: ApprovalStatus
  /** Already put into words by the route: "you", an email. */
  requestedBy: string
  requestedAt: string
  expiresAt: string
}

export function ApprovalsPage(props: { waiting: ApprovalRowProps[]; others: ApprovalRowProps[] }) {
  const t = useCopy()
  return (
    <Layout title={t.approvals.title}>
      <h1>{t.approvals.title}</h1>
      <p>{t.approvals.intro}</p>
      <ApprovalTable caption={t.approvals.waiting} rows={props.waiting} />
      <ApprovalTable caption={t.approvals.others} rows={props.others} />
    </Layout>
  )
}

function ApprovalTable(props: { caption: string; rows: ApprovalRowProps[] }) {
  const { t, lang } = usePage()
  const a = t.approvals
  return (
    <section class="approval-list">
      <h2>{props.caption}</h2>
      {props.rows.length === 0 ? (
        <p>{a.none}</p>
      ) : (
        <DataTable
          caption={props.caption}
          columns={[a.user, a.action, a.requestedBy, a.requestedAt, a.expiresAt, a.status]}
        >
          {props.rows.map((row) => (
            <tr>
              <th scope="row">
                <a href={`/admin/approvals/${row.id}`} aria-label={a.openRequest(row.userEmail)}>
                  {row.userEmail}
                </a>
              </th>
              <td>{a.actions[row.action]}</td>
              <td>{row.requestedBy}</td>
              <td>{formatTime(lang, row.requestedAt)}</td>
              <td>{formatTime(lang, row.expiresAt)}</td>
              <td>{a.statuses[row.status]}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  )
}

export interface ApprovalDetailProps extends ApprovalRowProps {
  userId: string
  parameters: {
    requireChange: boolean
    delivery: { method: 'display' } | { method: 'link'; recipients: string[] }
  } | null
  cover: CoverProps
  decidedBy: string | null
  decidedAt: string | null
  decisionReason: string | null
  passwordAvailableUntil: string | null
  /** What the viewer may do with it now. */
  can: { decide: boolean; cancel: boolean; show: boolean }
  /** A global admin who may not decide this one (they asked, or it is about them). */
  notEligible: boolean
  /** What was just done, for the notice at the top. */
  done?: 'approved' | 'approvedWaits' | 'denied' | 'cancelled'
  error?: string
}

const doneText = {
  approved: 'approvedDone',
  approvedWaits: 'approvedWaits',
  denied: 'deniedDone',
  cancelled: 'cancelledDone',
} as const

/** One request: who asked, for whom, exactly what, until when; and what the viewer may do. */
export function ApprovalPage(props: ApprovalDetailProps) {
  const { t } = usePage()
  const a = t.approvals
  return (
    <Layout title={a.requestTitle}>
      <section class="card narrow">
        <h1>{a.requestTitle}</h1>
        <p class="user-email">{props.userEmail}</p>
        {props.done ? <Notice kind="success">{a[doneText[props.done]]}</Notice> : null}
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <ApprovalFacts approval={props} />
        <ApprovalState approval={props} />
        {props.can.show ? <ShowPasswordForm id={props.id} /> : null}
        {props.can.decide ? <DecisionForms id={props.id} /> : null}
        {props.notEligible && props.status === 'pending' ? (
          <p class="hint">{a.notEligible}</p>
        ) : null}
        {props.can.cancel ? <CancelForm id={props.id} /> : null}
        <p>
          <a href="/admin/approvals">{a.title}</a>
        </p>
      </section>
    </Layout>
  )
}

function ApprovalFacts(props: { approval: ApprovalDetailProps }) {
  const { t, lang } = usePage()
  const a = t.approvals
  const { approval } = props
  const parameters = approval.parameters
  return (
    <dl>
      <dt>{a.user}</dt>
      <dd>
        <a href={`/admin/users/${approval.userId}`}>{approval.userEmail}</a>
      </dd>
      <dt>{a.action}</dt>
      <dd>{a.actions[approval.action]}</dd>
      {parameters ? (
        <>
          <dt>{a.delivery}</dt>
          <dd>
            {parameters.delivery.method === 'link'
              ? a.deliveryLink(parameters.delivery.recipients.join(', '))
              : a.deliveryDisplay}
          </dd>
          <dt>{a.mustChange}</dt>
          <dd>{parameters.requireChange ? a.yes : a.no}</dd>
        </>
      ) : null}
      <ResetCover cover={{ ...approval.cover, approval: null }} />
      <dt>{a.requestedBy}</dt>
      <dd>{approval.requestedBy}</dd>
      <dt>{a.requestedAt}</dt>
      <dd>{formatTime(lang, approval.requestedAt)}</dd>
      <dt>{a.expiresAt}</dt>
      <dd>{formatTime(lang, approval.expiresAt)}</dd>
      <dt>{a.status}</dt>
      <dd class="status">{a.statuses[approval.status]}</dd>
      {approval.decidedBy ? (
        <>
          <dt>{a.decidedBy}</dt>
          <dd>{`${approval.decidedBy}, ${formatTime(lang, approval.decidedAt)}`}</dd>
        </>
      ) : null}
      {approval.decisionReason ? (
        <>
          <dt>{a.reason}</dt>
          <dd>{approval.decisionReason}</dd>
        </>
      ) : null}
    </dl>
  )
}

/** An approved on-screen reset: until when the requester can show the password. */
function ApprovalState(props: { approval: ApprovalDetailProps }) {
  const { t, lang } = usePage()
  const { approval } = props
  if (approval.status !== 'approved' || !approval.passwordAvailableUntil) return null
  const until = formatTime(lang, approval.passwordAvailableUntil)
  return (
    <p>
      {approval.can.show ? t.approvals.showWithin(until) : t.approvals.waitingForRequester(until)}
    </p>
  )
}

function ShowPasswordForm(props: { id: string }) {
  const t = useCopy()
  return (
    <form method="post" action={`/admin/approvals/${props.id}/execute`} class="actions">
      <button type="submit" class="primary">
        {t.approvals.showPassword}
      </button>
    </form>
  )
}

/** Approve, or Deny with a reason the requester is told. */
function DecisionForms(props: { id: string }) {
  const t = useCopy()
  const a = t.approvals
  return (
    <>
      <form method="post" action={`/admin/approvals/${props.id}/approve`} class="actions">
        <button type="submit" class="primary">
          {a.approve}
        </button>
      </form>
      <form method="post" action={`/admin/approvals/${props.id}/deny`} class="deny">
        <Field
          id="deny-reason"
          name="reason"
          label={a.denyReason}
          describedBy="deny-reason-hint"
          extra={{ maxlength: '500', autocomplete: 'off' }}
        >
          <p class="hint" id="deny-reason-hint">
            {a.denyHint}
          </p>
        </Field>
        <button type="submit">{a.deny}</button>
      </form>
    </>
  )
}

function CancelForm(props: { id: string }) {
  const t = useCopy()
  return (
    <form method="post" action={`/admin/approvals/${props.id}/cancel`} class="actions">
      <button type="submit">{t.approvals.cancel}</button>
    </form>
  )
}

/** The answer to a reset that must wait for a second admin: no password, and where it waits. */
export function ApprovalRequestedPage(props: {
  approvalId: string
  email: string
  expiresAt: string
  alreadyPending: boolean
}) {
  const { t, lang } = usePage()
  const a = t.approvals
  return (
    <Layout title={a.requestedTitle}>
      <section class="card narrow">
        <h1>{a.requestedTitle}</h1>
        <p class="user-email">{props.email}</p>
        <Notice kind="info">
          {props.alreadyPending
            ? a.alreadyRequested
            : a.requested(props.email, formatTime(lang, props.expiresAt))}
        </Notice>
        <p>
          <a href={`/admin/approvals/${props.approvalId}`}>{a.viewRequest}</a> ·{' '}
          <a href="/admin/users">{t.backToUsers}</a>
        </p>
      </section>
    </Layout>
  )
}
