import { auditEventNames } from '../../core/audit-codes.ts'
import { describeAuditOutcome, describeAuditSentence, describeReason } from '../copy.ts'
import { formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { Cell, DataTable } from './admin-parts.tsx'

export interface AuditRowProps {
  at: string
  event: string
  /** Who acted, in words (an email, the command line); null when nobody known. */
  actor: string | null
  /** Whom it was about, in words; null for an email with no account. */
  target: string | null
  outcome: string
  reason: string | null
  /** The client's address as people read it. */
  ip: string | null
  /** A refusal repeated in its window: how many in all, and when the last one came. */
  repeats?: { count: number; lastAt: string }
}

/** Each event as a sentence (who did what to whom), with its outcome, reason and address. */
export function AuditTable(props: { events: AuditRowProps[]; caption: string }) {
  const { t, lang } = usePage()
  const happened = t.auditFilters.happened
  if (props.events.length === 0) return <p>{t.noEvents}</p>
  return (
    <DataTable caption={props.caption} columns={[t.when, happened, t.outcome, t.ip]} stacked>
      {props.events.map((event) => (
        <tr>
          <Cell label={t.when} class="nowrap">
            {formatTime(lang, event.at)}
          </Cell>
          <Cell label={happened}>
            {describeAuditSentence(t, event.event, event)}
            {event.repeats ? (
              <div class="muted">
                {t.auditFilters.repeated(
                  event.repeats.count,
                  formatTime(lang, event.repeats.lastAt),
                )}
              </div>
            ) : null}
            {event.reason ? <div class="muted">{describeReason(t, event.reason)}</div> : null}
          </Cell>
          <Cell label={t.outcome}>
            <span class={`outcome outcome-${event.outcome}`}>
              {describeAuditOutcome(t, event.outcome)}
            </span>
          </Cell>
          <Cell label={t.ip} class="ip">
            {event.ip ?? '—'}
          </Cell>
        </tr>
      ))}
    </DataTable>
  )
}

/** The audit log's filters as the page shows them: dates as typed (YYYY-MM-DD). */
export interface AuditFilterValues {
  email: string
  event: string
  from: string
  to: string
}

export function AuditPage(props: {
  filters: AuditFilterValues
  events: AuditRowProps[]
  nextCursor: string | null
  isFirstPage: boolean
  /** Why the list is empty, when the filter itself explains it (an email of nobody). */
  notice?: string
}) {
  const t = useCopy()
  const { filters } = props
  return (
    <Layout title={t.auditTitle}>
      <h1>{t.auditTitle}</h1>
      <AuditFilters filters={filters} />
      {props.notice ? <Notice kind="info">{props.notice}</Notice> : null}
      <AuditTable events={props.events} caption={t.auditTitle} />
      <nav class="pager" aria-label={t.auditTitle}>
        {props.isFirstPage ? null : <a href={auditHref(filters)}>{t.firstPage}</a>}
        {props.nextCursor ? (
          <a href={auditHref(filters, props.nextCursor)} rel="next">
            {t.nextPage}
          </a>
        ) : null}
      </nav>
    </Layout>
  )
}

function AuditFilters(props: { filters: AuditFilterValues }) {
  const t = useCopy()
  const f = t.auditFilters
  const { filters } = props
  const narrowed = Object.values(filters).some((value) => value !== '')
  return (
    <form method="get" action="/admin/audit" class="filters" role="search">
      <div class="field search-field">
        <label for="audit-email">{f.email}</label>
        <input id="audit-email" name="email" type="text" value={filters.email} />
      </div>
      <div class="field">
        <label for="audit-event">{f.event}</label>
        <select id="audit-event" name="event">
          <option value="">{f.anyEvent}</option>
          {auditEventNames.map((event) => (
            <option value={event} selected={event === filters.event}>
              {t.audit.events[event]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="audit-from">{f.from}</label>
        <input id="audit-from" name="from" type="date" value={filters.from} />
      </div>
      <div class="field">
        <label for="audit-to">{f.to}</label>
        <input id="audit-to" name="to" type="date" value={filters.to} />
      </div>
      <div class="actions">
        <button type="submit">{t.filter}</button>
        {narrowed ? <a href="/admin/audit">{f.clear}</a> : null}
      </div>
    </form>
  )
}

/** The audit log's address for these filters (and page). */
export function auditHref(filters: Partial<AuditFilterValues>, cursor?: string): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value)
  if (cursor) query.set('cursor', cursor)
  return query.size ? `/admin/audit?${query}` : '/admin/audit'
}
