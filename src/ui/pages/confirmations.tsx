import { formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { usersListHref, withBack } from './admin-parts.tsx'

/**
 * The one page that ever shows a temporary password: after a reset and after adding a user. It
 * is the response to the POST itself; the route sends it with no-store and noindex.
 */
export function PasswordShownPage(props: {
  title: string
  userId: string
  email: string
  displayName?: string
  password: string
  expiresAt: string | null
  requireChange: boolean
  sessionsRevoked?: number
  back?: string
}) {
  const { t, lang } = usePage()
  return (
    <Layout title={props.title} noindex>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <UserNamed email={props.email} displayName={props.displayName} />
        <SecretBox password={props.password} />
        {props.expiresAt ? <p>{t.expires(formatTime(lang, props.expiresAt))}</p> : null}
        {props.requireChange ? <p>{t.mustChangeNote}</p> : null}
        {props.sessionsRevoked !== undefined ? (
          <p>{t.sessionsEnded(props.sessionsRevoked)}</p>
        ) : null}
        <Notice kind="info">{t.notShownAgain}</Notice>
        <AfterResetLinks userId={props.userId} back={props.back} />
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

function AfterResetLinks(props: { userId: string; back?: string }) {
  const t = useCopy()
  return (
    <p>
      <a href={withBack(`/admin/users/${props.userId}`, props.back)}>{t.viewStatus}</a> ·{' '}
      <a href={usersListHref(props.back)}>{t.backToUsers}</a>
    </p>
  )
}

/** Whose password this is: the name, then the email. */
function UserNamed(props: { email: string; displayName?: string }) {
  return (
    <p class="user-email">
      {props.displayName ? `${props.displayName} · ${props.email}` : props.email}
    </p>
  )
}

/** The confirmation of a reset delivered by links: where they went, never the password. */
export function LinksSentPage(props: {
  userId: string
  email: string
  displayName?: string
  back?: string
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
        <UserNamed email={props.email} displayName={props.displayName} />
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
        <AfterResetLinks userId={props.userId} back={props.back} />
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
