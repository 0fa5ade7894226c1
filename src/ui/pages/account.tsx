import { Field, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { NewPasswordField, type PolicyProps, type ViolationProps } from './auth.tsx'

export function AccountPage(props: {
  displayName: string
  role: string
  policy: PolicyProps
  violations: ViolationProps[]
  error?: string
  success?: string
}) {
  const { t, viewer } = usePage()
  return (
    <Layout title={t.accountTitle}>
      <h1>{t.accountTitle}</h1>
      <p>
        {props.displayName} · {viewer?.email} · {props.role}
      </p>
      {props.success ? <Notice kind="success">{props.success}</Notice> : null}
      <ChangeOwnPassword policy={props.policy} violations={props.violations} error={props.error} />
      <TwoStepLink />
      <SignOutEverywhere />
    </Layout>
  )
}

function ChangeOwnPassword(props: {
  policy: PolicyProps
  violations: ViolationProps[]
  error?: string
}) {
  const t = useCopy()
  return (
    <section class="card narrow" aria-labelledby="change-heading">
      <h2 id="change-heading">{t.changeOwnTitle}</h2>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <form method="post" action="/account/password">
        <Field
          id="current-password"
          name="currentPassword"
          type="password"
          label={t.currentPassword}
          autocomplete="current-password"
          revealable={{ show: t.showPassword, hide: t.hidePassword }}
        />
        <NewPasswordField policy={props.policy} violations={props.violations} temporary={false} />
        <div class="actions">
          <button type="submit" class="primary">
            {t.changePassword}
          </button>
        </div>
      </form>
    </section>
  )
}

function TwoStepLink() {
  const t = useCopy()
  return (
    <section class="card narrow" aria-labelledby="two-step-heading">
      <h2 id="two-step-heading">{t.twoStepTitle}</h2>
      <p>{t.twoStepIntro}</p>
      <p>
        <a href="/account/two-step">{t.twoStepTitle}</a>
      </p>
    </section>
  )
}

function SignOutEverywhere() {
  const t = useCopy()
  return (
    <section class="card narrow" aria-labelledby="everywhere-heading">
      <h2 id="everywhere-heading">{t.signOutEverywhere}</h2>
      <p>{t.signOutEverywhereIntro}</p>
      <form method="post" action="/account/sign-out-everywhere">
        <button type="submit">{t.endAllSessions}</button>
      </form>
    </section>
  )
}
