import { describeAuditEvent, describeAuditOutcome, describeReason } from '../copy.ts'
import { formatTime, Layout } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { Cell, DataTable } from './admin-parts.tsx'

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
      stacked
    >
      {props.events.map((event) => (
        <tr>
          <Cell label={t.when}>{formatTime(lang, event.at)}</Cell>
          <Cell label={t.event}>{describeAuditEvent(t, event.event)}</Cell>
          <Cell label={t.actor}>{event.actor}</Cell>
          <Cell label={t.target}>{event.target}</Cell>
          <Cell label={t.outcome}>{describeAuditOutcome(t, event.outcome)}</Cell>
          <Cell label={t.reason}>{event.reason ? describeReason(t, event.reason) : '—'}</Cell>
          <Cell label={t.ip}>{event.ip ?? '—'}</Cell>
        </tr>
      ))}
    </DataTable>
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
