import { CodeField, Field, Layout, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'
import { AppSignInNotice } from './authorize.tsx'

export interface PolicyProps {
  minLength: number
  maxLength: number
  historySize: number
}

export interface ViolationProps {
  code: string
  message: string
}

export function SignInPage(props: { email?: string; error?: string; again?: boolean }) {
  const t = useCopy()
  return (
    <Layout title={t.signInTitle}>
      <section class="card narrow">
        <h1>{t.signInTitle}</h1>
        <AppSignInNotice again={props.again} />
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <form method="post" action="/sign-in">
          <Field
            id="email"
            name="email"
            type="email"
            label={t.email}
            value={props.email}
            autocomplete="username"
          />
          <Field
            id="password"
            name="password"
            type="password"
            label={t.password}
            autocomplete="current-password"
            revealable={{ show: t.showPassword, hide: t.hidePassword }}
          />
          <div class="actions">
            <button type="submit" class="primary">
              {t.signIn}
            </button>
            <a href="/forgot-password">{t.forgotPassword}</a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

/** The second step of a sign-in with TOTP: a code from the app, or a recovery code. */
export function MfaStepPage(props: { error?: string }) {
  const t = useCopy()
  return (
    <Layout title={t.mfaTitle}>
      <section class="card narrow">
        <h1>{t.mfaTitle}</h1>
        <AppSignInNotice />
        <p>{t.mfaIntro}</p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <form method="post" action="/verify">
          <CodeField id="code" invalid={props.error !== undefined} recoveryCode />
          <div class="actions">
            <button type="submit" class="primary">
              {t.verify}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  )
}

/** The policy, up front, as a list the new-password field points at (and the script ticks off). */
export function PolicyList(props: { policy: PolicyProps; id: string; temporary: boolean }) {
  const t = useCopy()
  const { policy } = props
  return (
    <div class="policy" id={props.id}>
      <p>{t.policyHeading}</p>
      <ul>
        <li data-rule="length">{t.policyLength(policy.minLength, policy.maxLength)}</li>
        <li>{t.policyCommon}</li>
        <li>{t.policyEmail}</li>
        <li>{t.policyService}</li>
        {props.temporary ? <li>{t.policyTemporary}</li> : null}
        {policy.historySize > 0 ? <li>{t.policyHistory(policy.historySize)}</li> : null}
      </ul>
    </div>
  )
}

/** Each violation in the copy's words, listed by the field that caused it. */
export function ViolationList(props: {
  id: string
  policy: PolicyProps
  violations: ViolationProps[]
}) {
  const t = useCopy()
  const { policy } = props
  if (props.violations.length === 0) return null
  const say = (code: string, fallback: string) => {
    const text = (t.violation as Record<string, string | ((n: number) => string)>)[code]
    if (typeof text === 'function')
      return text(code === 'TOO_LONG' ? policy.maxLength : policy.minLength)
    return text ?? fallback
  }
  return (
    <div class="violations" id={props.id}>
      <p>{t.policyProblems}</p>
      <ul>
        {props.violations.map((violation) => (
          <li data-code={violation.code}>{say(violation.code, violation.message)}</li>
        ))}
      </ul>
    </div>
  )
}

/** The new-password field with its policy and its violations, as on every page that sets one. */
export function NewPasswordField(props: {
  policy: PolicyProps
  violations: ViolationProps[]
  temporary: boolean
  required?: boolean
}) {
  const t = useCopy()
  const { policy, violations } = props
  const describedBy =
    violations.length > 0 ? 'new-password-errors new-password-policy' : 'new-password-policy'
  return (
    <Field
      id="new-password"
      name="newPassword"
      type="password"
      label={t.newPassword}
      autocomplete="new-password"
      describedBy={describedBy}
      invalid={violations.length > 0}
      required={props.required ?? true}
      revealable={{ show: t.showPassword, hide: t.hidePassword }}
      extra={{ 'data-min': String(policy.minLength), 'data-max': String(policy.maxLength) }}
    >
      <ViolationList id="new-password-errors" policy={policy} violations={violations} />
      <PolicyList id="new-password-policy" policy={policy} temporary={props.temporary} />
    </Field>
  )
}

export function ForcedChangePage(props: {
  policy: PolicyProps
  violations: ViolationProps[]
  error?: string
}) {
  const t = useCopy()
  return (
    <Layout title={t.changeTitle}>
      <section class="card narrow">
        <h1>{t.changeTitle}</h1>
        <AppSignInNotice />
        <p>{t.changeIntro}</p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <form method="post" action="/change-password">
          <NewPasswordField policy={props.policy} violations={props.violations} temporary />
          <div class="actions">
            <button type="submit" class="primary">
              {t.changePassword}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  )
}

export function ForgotPasswordPage(props: { done: boolean }) {
  const t = useCopy()
  return (
    <Layout title={t.forgotTitle}>
      <section class="card narrow">
        <h1>{t.forgotTitle}</h1>
        {props.done ? (
          <Notice kind="success">{t.forgotDone}</Notice>
        ) : (
          <>
            <p>{t.forgotIntro}</p>
            <form method="post" action="/forgot-password">
              <Field id="email" name="email" type="email" label={t.email} autocomplete="username" />
              <div class="actions">
                <button type="submit" class="primary">
                  {t.sendRequest}
                </button>
              </div>
            </form>
          </>
        )}
        <p>
          <a href="/sign-in">{t.backToSignIn}</a>
        </p>
      </section>
    </Layout>
  )
}

export function MessagePage(props: {
  title: string
  message: string
  link?: { href: string; label: string }
}) {
  return (
    <Layout title={props.title}>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.link ? (
          <p>
            <a href={props.link.href}>{props.link.label}</a>
          </p>
        ) : null}
      </section>
    </Layout>
  )
}
