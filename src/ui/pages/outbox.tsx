import { describeNoticeKind, describeReason } from '../copy.ts'
import { formatTime, Layout, Notice } from '../layout.tsx'
import { usePage } from '../page-context.ts'
import { Cell, DataTable } from './admin-parts.tsx'

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
        <DataTable caption={o.title} columns={[o.created, o.kind, o.recipient, o.state]} stacked>
          {props.items.map((item) => (
            <tr>
              <Cell label={o.created}>{formatTime(lang, item.createdAt)}</Cell>
              <Cell label={o.kind}>{describeNoticeKind(t, item.kind)}</Cell>
              <Cell label={o.recipient}>{item.recipient}</Cell>
              <Cell label={o.state}>
                <SendState item={item} />
              </Cell>
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
