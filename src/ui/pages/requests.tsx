import { formatTime, Layout } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { Cell, DataTable, ResetAction } from './admin-parts.tsx'

export function RequestsPage(props: {
  requests: {
    id: string
    userId: string
    email: string
    displayName: string
    createdAt: string
    canReset: boolean
    /** The role matrix lets the viewer take it off the queue (never their own). */
    canDismiss: boolean
  }[]
}) {
  const { t, lang } = usePage()
  return (
    <Layout title={t.requestsTitle}>
      <h1>{t.requestsTitle}</h1>
      {props.requests.length === 0 ? (
        <p>{t.noRequests}</p>
      ) : (
        <DataTable
          caption={t.requestsTitle}
          columns={[t.email, t.name, t.requestedAt, t.actions]}
          stacked
        >
          {props.requests.map((request) => (
            <tr>
              <th scope="row">
                <a href={`/admin/users/${request.userId}`}>{request.email}</a>
              </th>
              <Cell label={t.name}>{request.displayName}</Cell>
              <Cell label={t.requestedAt}>{formatTime(lang, request.createdAt)}</Cell>
              <td class="row-actions">
                {request.canReset ? (
                  <ResetAction userId={request.userId} email={request.email} />
                ) : null}
                {request.canDismiss ? (
                  <DismissAction id={request.id} email={request.email} />
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  )
}

/** Takes a request off the queue without a reset: one button, named for whose request it is. */
function DismissAction(props: { id: string; email: string }) {
  const t = useCopy()
  return (
    <form method="post" action={`/admin/requests/${props.id}/dismiss`} class="inline">
      <button type="submit" class="row-action" aria-label={t.dismissRequestOf(props.email)}>
        {t.dismiss}
      </button>
    </form>
  )
}
