import { Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'

/** Where the pages of an app's sign-in go next. */
export const RESUME_PATH = '/oauth/authorize/resume'
export const CANCEL_PATH = '/oauth/authorize/cancel'
export const END_SESSION_PATH = '/oauth/end-session'

/**
 * The one step between an app's redirect and the sign-in: a page of ours that moves on at once.
 * Arriving from another site, the browser holds back this site's strict cookies (the session's);
 * a navigation that this page starts is same-site, so a signed-in user is recognised there.
 */
export function ContinuePage() {
  return <StepOnPage to={RESUME_PATH} />
}

/** A page of ours that moves on to `to` at once (see `ContinuePage`), with a link if it does not. */
export function StepOnPage(props: { to: string }) {
  const t = useCopy()
  return (
    <Layout title={t.authorize.continuingTitle} noindex refreshTo={props.to}>
      <section class="card narrow">
        <h1>{t.authorize.continuingTitle}</h1>
        <p>
          {t.authorize.continuing} <a href={props.to}>{t.authorize.continueLink}</a>
        </p>
      </section>
    </Layout>
  )
}

/** A sign-out request that cannot be trusted (a hint we did not sign): no redirect anywhere. */
export function InvalidEndSessionPage() {
  const t = useCopy()
  return (
    <Layout title={t.authorize.invalidTitle} noindex>
      <section class="card narrow">
        <h1>{t.authorize.invalidTitle}</h1>
        <Notice kind="error">{t.authorize.invalidSignOut}</Notice>
      </section>
    </Layout>
  )
}

/**
 * Above each sign-in step while an app waits: which app, and a way back to it that tells it the
 * user cancelled (`access_denied`), so nobody is stranded here.
 */
export function AppSignInNotice(props: { again?: boolean }) {
  const { t, signingInTo } = usePage()
  if (!signingInTo) return null
  return (
    <div class="app-context">
      <Notice kind="info">
        {props.again ? t.authorize.signInAgain(signingInTo) : t.authorize.signInTo(signingInTo)}
      </Notice>
      <form method="post" action={CANCEL_PATH} class="inline">
        <button type="submit" class="link">
          {t.authorize.cancel(signingInTo)}
        </button>
      </form>
    </div>
  )
}

/** A sign-in link that cannot be followed: said plainly, and no redirect anywhere. */
export function InvalidAuthorizationPage(props: {
  reason: 'unknown_client' | 'unregistered_redirect_uri'
}) {
  const t = useCopy()
  const message =
    props.reason === 'unknown_client' ? t.authorize.unknownClient : t.authorize.unregisteredRedirect
  return (
    <Layout title={t.authorize.invalidTitle} noindex>
      <section class="card narrow">
        <h1>{t.authorize.invalidTitle}</h1>
        <Notice kind="error">{message}</Notice>
      </section>
    </Layout>
  )
}

/** An app asked for sign-out without proof of who signed in: the user confirms it. */
export function SignOutConfirmPage(props: {
  appName: string | null
  fields: Record<string, string>
  unknownReturn?: boolean
}) {
  const t = useCopy()
  return (
    <Layout title={t.authorize.signOutTitle} noindex>
      <section class="card narrow">
        <h1>{t.authorize.signOutTitle}</h1>
        {props.unknownReturn ? (
          <Notice kind="error">{t.authorize.signOutUnknownReturn}</Notice>
        ) : null}
        <p>{t.authorize.signOutQuestion(props.appName)}</p>
        <form method="post" action={END_SESSION_PATH}>
          {Object.entries(props.fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <div class="actions">
            <button type="submit" class="primary">
              {t.authorize.confirmSignOut}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  )
}

export function SignedOutPage(props: { unknownReturn?: boolean }) {
  const t = useCopy()
  return (
    <Layout title={t.authorize.signedOutTitle} noindex>
      <section class="card narrow">
        <h1>{t.authorize.signedOutTitle}</h1>
        {props.unknownReturn ? (
          <Notice kind="error">{t.authorize.signOutUnknownReturn}</Notice>
        ) : null}
        <p>{t.authorize.signedOut}</p>
        <p>
          <a href="/sign-in">{t.signInTitle}</a>
        </p>
      </section>
    </Layout>
  )
}
