import { Field, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'
import { type VerificationProps, VerificationPanel } from './user-verification.tsx'

// The helpdesk's guards in the reset pane, shown before the admin fills anything in: the caller's
// identity (and, where a check is required and none was made, the reason field), and whether the
// reset waits for a second admin.

export interface ResetGuardsProps {
  verification: VerificationProps
  /** A reset of this user waits for another global admin's approval. */
  needsApproval: boolean
}

/** What the pane says before its form: the approval to come, and the caller's check. */
export function ResetGuards(props: { guards: ResetGuardsProps }) {
  const t = useCopy()
  const { guards } = props
  return (
    <>
      {guards.needsApproval ? <Notice kind="info">{t.approvals.paneNotice}</Notice> : null}
      <section class="guard" id="verify-identity" aria-labelledby="verify-identity-heading">
        <VerificationPanel verification={guards.verification} />
      </section>
    </>
  )
}

/** Only where a check is required and the admin has none live: why to go ahead without one. */
export function OverrideField(props: { guards: ResetGuardsProps | undefined; value?: string }) {
  const t = useCopy()
  const verification = props.guards?.verification
  if (!verification?.required || verification.live) return null
  return (
    <Field
      id="override-reason"
      name="overrideReason"
      label={t.helpdesk.overrideLabel}
      value={props.value}
      required={false}
      describedBy="override-reason-hint"
      extra={{ maxlength: '500', autocomplete: 'off' }}
    >
      <p class="hint" id="override-reason-hint">
        {t.helpdesk.overrideHint}
      </p>
    </Field>
  )
}
