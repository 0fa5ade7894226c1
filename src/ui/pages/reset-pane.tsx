import { Field, Layout, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'
import { NewPasswordField, type PolicyProps, type ViolationProps } from './auth.tsx'
import { Choice, usersListHref } from './admin-parts.tsx'
import { OverrideField, ResetGuards, type ResetGuardsProps } from './reset-guards.tsx'

export interface ResetPaneProps {
  user: { id: string; email: string; displayName: string }
  formToken: string
  allowPermanent: boolean
  policy: PolicyProps
  mode: 'generate' | 'custom'
  violations: ViolationProps[]
  error?: string
  /** A mail transport is configured: the one-time link choice is offered. */
  mailConfigured?: boolean
  delivery?: 'display' | 'link'
  /** The Recipients field's text (the user's email at first). */
  recipients?: string
  /** The helpdesk's guards: the caller's identity, and a second admin's approval. */
  guards?: ResetGuardsProps
  overrideReason?: string
  /** The users list as the admin left it (its query), for Back to users. */
  back?: string
}

/** The reset pane: how the password is chosen, whether it must be changed, how it is delivered. */
export function ResetPanePage(props: ResetPaneProps) {
  const t = useCopy()
  const { user } = props
  const canLink = props.mailConfigured === true
  return (
    <Layout title={t.resetTitle}>
      <section class="card narrow">
        <h1>{t.resetTitle}</h1>
        <p class="user-email">
          {user.displayName} · {user.email}
        </p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        {props.guards ? <ResetGuards guards={props.guards} /> : null}
        <form method="post" action={`/admin/users/${user.id}/reset`}>
          <input type="hidden" name="formToken" value={props.formToken} />
          {props.back ? <input type="hidden" name="back" value={props.back} /> : null}
          <PasswordChoice
            mode={props.mode}
            policy={props.policy}
            violations={props.violations}
            generatedOnly={props.guards?.needsApproval}
          />
          <RequireChange allowPermanent={props.allowPermanent} />
          <DeliveryChoice
            canLink={canLink}
            byLink={canLink && props.delivery === 'link'}
            recipients={props.recipients ?? user.email}
          />
          <OverrideField guards={props.guards} value={props.overrideReason} />
          <div class="actions">
            <button type="submit" class="primary">
              {t.resetPassword}
            </button>
            <a href={usersListHref(props.back)}>{t.backToUsers}</a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

/** A generated password, or one the admin types (its field shown only when chosen). */
function PasswordChoice(props: {
  mode: 'generate' | 'custom'
  policy: PolicyProps
  violations: ViolationProps[]
  /** A reset that waits for approval: the password is generated when it runs. */
  generatedOnly?: boolean
}) {
  const t = useCopy()
  return (
    <fieldset>
      <legend>{t.passwordChoice}</legend>
      <Choice
        type="radio"
        id="mode-generate"
        name="mode"
        value="generate"
        label={t.autoPassword}
        checked={props.mode === 'generate' || props.generatedOnly === true}
      />
      <Choice
        type="radio"
        id="mode-custom"
        name="mode"
        value="custom"
        label={t.customPassword}
        checked={props.mode === 'custom' && !props.generatedOnly}
        disabled={props.generatedOnly}
        describedBy={props.generatedOnly ? 'mode-custom-note' : undefined}
      />
      {props.generatedOnly ? (
        <p class="hint" id="mode-custom-note">
          {t.approvals.customUnavailable}
        </p>
      ) : null}
      <div class="indent" data-when="mode-custom">
        <NewPasswordFieldForAdmin policy={props.policy} violations={props.violations} />
      </div>
    </fieldset>
  )
}

/** Checked, and fixed so unless the service allows permanent passwords set by an admin. */
function RequireChange(props: { allowPermanent: boolean }) {
  const t = useCopy()
  return (
    <>
      <Choice
        type="checkbox"
        id="require-change"
        name="requireChange"
        value="true"
        label={t.requireChange}
        checked
        disabled={!props.allowPermanent}
        describedBy={props.allowPermanent ? undefined : 'require-change-note'}
      />
      {props.allowPermanent ? null : (
        <p class="hint" id="require-change-note">
          {t.requireChangeFixed}
        </p>
      )}
    </>
  )
}

/**
 * Shown on this page, or sent as one-time links: only offered with a mail transport. Without one,
 * the pane says how to set one up instead of showing a choice that cannot be made.
 */
function DeliveryChoice(props: { canLink: boolean; byLink: boolean; recipients: string }) {
  const t = useCopy()
  if (!props.canLink) return <p class="hint">{t.linkHowToEnable}</p>
  return (
    <fieldset>
      <legend>{t.delivery}</legend>
      <Choice
        type="radio"
        id="delivery-display"
        name="delivery"
        value="display"
        label={t.deliverDisplay}
        checked={!props.byLink}
      />
      <Choice
        type="radio"
        id="delivery-link"
        name="delivery"
        value="link"
        label={t.deliverLink}
        checked={props.byLink}
        describedBy="delivery-link-note"
      />
      <p class="hint" id="delivery-link-note">
        {t.recipientsHint}
      </p>
      <RecipientsField recipients={props.recipients} />
    </fieldset>
  )
}

/** Where the links go: shown when the link choice is made. */
function RecipientsField(props: { recipients: string }) {
  const t = useCopy()
  return (
    <div class="indent" data-when="delivery-link">
      <Field
        id="recipients"
        name="recipients"
        type="text"
        label={t.recipients}
        value={props.recipients}
        required={false}
      />
    </div>
  )
}

function NewPasswordFieldForAdmin(props: { policy: PolicyProps; violations: ViolationProps[] }) {
  // The same field as the user's own change, minus the rules that only apply to the user.
  return (
    <NewPasswordField
      policy={{ ...props.policy, historySize: 0 }}
      violations={props.violations}
      temporary={false}
      required={false}
    />
  )
}
