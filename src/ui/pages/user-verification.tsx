import { CodeField, formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { Choice } from './admin-parts.tsx'

// Verify the caller: the state of the viewer's check of one user, the form that starts one, the
// page where the caller's code is typed, and how a reset was covered.

export type VerificationMethod = 'totp' | 'email'

export interface VerificationProps {
  userId: string
  /** The viewer's live verification of this user, if any, with the whole minutes it has left. */
  live: { method: VerificationMethod; verifiedAt: string; minutesLeft: number } | null
  /** The methods this user can be checked with here. */
  methods: { totp: boolean; email: boolean }
  /** The deployment requires a verified caller (or a written reason) before a reset. */
  required: boolean
  /** Where the code page returns to once verified: the user page or the reset pane. */
  next: string
}

/** The user page's section: the state, and Verify identity when there is nothing live. */
export function UserVerification(props: { verification: VerificationProps }) {
  return (
    <section class="card" id="verify-identity" aria-labelledby="verify-identity-heading">
      <VerificationPanel verification={props.verification} />
    </section>
  )
}

/** The state of the viewer's check and, when none is live, the form that starts one. */
export function VerificationPanel(props: { verification: VerificationProps }) {
  const t = useCopy()
  const { verification } = props
  return (
    <>
      <h2 id="verify-identity-heading">{t.helpdesk.title}</h2>
      <VerificationState verification={verification} />
      {verification.required && !verification.live ? (
        <p class="hint">{t.helpdesk.required}</p>
      ) : null}
      {verification.live ? null : <VerifyForm verification={verification} />}
    </>
  )
}

function VerificationState(props: { verification: VerificationProps }) {
  const { t, lang } = usePage()
  const { live } = props.verification
  if (!live) return <p class="status">{t.helpdesk.notVerified}</p>
  const method = t.helpdesk.methodNames[live.method]
  return (
    <>
      <p class="status status-verified">
        {`${t.helpdesk.verifiedByYou(formatTime(lang, live.verifiedAt), method)} (${t.helpdesk.timeLeft(live.minutesLeft)})`}
      </p>
      <p class="hint">{t.helpdesk.scope}</p>
    </>
  )
}

/** The methods this user has (the others shown disabled, with why), and Verify identity. */
function VerifyForm(props: { verification: VerificationProps }) {
  const t = useCopy()
  const { userId, methods, next } = props.verification
  if (!methods.totp && !methods.email) return <p>{t.helpdesk.noMethod}</p>
  return (
    <form method="post" action={`/admin/users/${userId}/verifications`}>
      <input type="hidden" name="next" value={next} />
      <p class="hint">{t.helpdesk.intro}</p>
      <fieldset>
        <legend>{t.helpdesk.methods}</legend>
        <Choice
          type="radio"
          id="verify-totp"
          name="method"
          value="totp"
          label={t.helpdesk.methodTotp}
          checked={methods.totp}
          disabled={!methods.totp}
          describedBy={methods.totp ? undefined : 'verify-totp-note'}
        />
        {methods.totp ? null : (
          <p class="hint" id="verify-totp-note">
            {t.helpdesk.noTotp}
          </p>
        )}
        <Choice
          type="radio"
          id="verify-email"
          name="method"
          value="email"
          label={t.helpdesk.methodEmail}
          checked={!methods.totp && methods.email}
          disabled={!methods.email}
          describedBy={methods.email ? undefined : 'verify-email-note'}
        />
        {methods.email ? null : (
          <p class="hint" id="verify-email-note">
            {t.helpdesk.noMail}
          </p>
        )}
      </fieldset>
      <button type="submit">{t.helpdesk.verifyIdentity}</button>
    </form>
  )
}

export interface VerifyCodeProps {
  user: { id: string; email: string }
  verification: { id: string; method: VerificationMethod; expiresAt: string }
  next: string
  /** The code's check failed: what to say. */
  error?: string
  /** The check has ended: no code field, only the way back to start again. */
  gone?: boolean
}

/** Where the admin types the code the caller reads out. */
export function VerifyCodePage(props: VerifyCodeProps) {
  const { t, lang } = usePage()
  const { user, verification } = props
  return (
    <Layout title={t.helpdesk.title}>
      <section class="card narrow">
        <h1>{t.helpdesk.title}</h1>
        <p class="user-email">{user.email}</p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        {props.gone ? (
          <Notice kind="error">{t.helpdesk.gone}</Notice>
        ) : (
          <>
            <p>
              {verification.method === 'totp'
                ? t.helpdesk.codeIntroTotp
                : t.helpdesk.codeIntroEmail(user.email)}
            </p>
            <p class="hint">{t.helpdesk.codeUntil(formatTime(lang, verification.expiresAt))}</p>
            <form method="post" action={`/admin/verifications/${verification.id}`}>
              <input type="hidden" name="next" value={props.next} />
              <CodeField id="code" invalid={props.error !== undefined} />
              <div class="actions">
                <button type="submit" class="primary">
                  {t.helpdesk.checkCode}
                </button>
              </div>
            </form>
          </>
        )}
        <p>
          <a href={props.gone ? `${props.next}#verify-identity` : props.next}>
            {props.gone ? t.helpdesk.verifyIdentity : t.helpdesk.backToUser}
          </a>
        </p>
      </section>
    </Layout>
  )
}

/** How a reset was covered at the helpdesk, with names already put into words by the route. */
export interface CoverProps {
  verification: { method: VerificationMethod; at: string; by: string } | null
  override: { reason: string; by: string } | null
  approval: { by: string | null; at: string | null } | null
}

/** Rows of a reset's facts: its identity check and, for an approved reset, who approved it. */
export function ResetCover(props: { cover: CoverProps }) {
  const { t, lang } = usePage()
  const { verification, override, approval } = props.cover
  const check = verification
    ? t.helpdesk.coverVerified(
        verification.by,
        formatTime(lang, verification.at),
        t.helpdesk.methodNames[verification.method],
      )
    : override
      ? t.helpdesk.coverOverride(override.by, override.reason)
      : t.helpdesk.coverNone
  return (
    <>
      <dt>{t.helpdesk.coverLabel}</dt>
      <dd>{check}</dd>
      {approval?.by ? (
        <>
          <dt>{t.helpdesk.approvedBy}</dt>
          <dd>{t.helpdesk.approvedByAt(approval.by, formatTime(lang, approval.at))}</dd>
        </>
      ) : null}
    </>
  )
}
