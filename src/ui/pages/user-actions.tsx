import { Layout, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'
import { OverrideField, type ResetGuardsProps } from './reset-guards.tsx'

/** What an admin does to a user's access from the user's page, each after a confirmation. */
export type UserAction = 'mfa-reset' | 'sign-out' | 'block' | 'unblock'

export const userActions: readonly UserAction[] = ['mfa-reset', 'sign-out', 'block', 'unblock']

export interface UserAccessProps {
  id: string
  email: string
  displayName: string
  mfaEnrolled: boolean
  blocked: boolean
  /** The role matrix lets the viewer act on this user: no control where it would refuse. */
  canManage: boolean
  /** What the last action did, in words, after it redirected here. */
  done?: string
}

/** "Anna Jansen (anna@example.com)": a person as the confirmations and notices name them. */
export function nameOf(user: { displayName: string; email: string }): string {
  return `${user.displayName} (${user.email})`
}

export function confirmHref(userId: string, action: UserAction | 'new-link'): string {
  return `/admin/users/${userId}/confirm/${action}`
}

/**
 * The user page's card for sign-in and security: whether two-step verification is on and sign-in
 * allowed, with Reset two-step verification, Sign out of all sessions and Block (or Unblock)
 * sign-in, each leading to its confirmation.
 */
export function UserAccessActions(props: { access: UserAccessProps }) {
  const t = useCopy()
  const a = t.userActions
  const { access } = props
  return (
    <section class="card" aria-labelledby="access-heading">
      <h2 id="access-heading">{a.title}</h2>
      {access.done ? <Notice kind="success">{access.done}</Notice> : null}
      <dl>
        <dt>{t.twoStepTitle}</dt>
        <dd>{access.mfaEnrolled ? t.userFilters.on : t.userFilters.off}</dd>
        <dt>{a.signIn}</dt>
        <dd>{access.blocked ? <strong>{a.blocked}</strong> : a.allowed}</dd>
      </dl>
      {access.canManage ? (
        <div class="actions">
          {access.mfaEnrolled ? (
            <a class="button" href={confirmHref(access.id, 'mfa-reset')}>
              {a.resetTwoStep}
            </a>
          ) : null}
          <a class="button" href={confirmHref(access.id, 'sign-out')}>
            {a.signOutAll}
          </a>
          <a class="button" href={confirmHref(access.id, access.blocked ? 'unblock' : 'block')}>
            {access.blocked ? a.unblock : a.block}
          </a>
        </div>
      ) : null}
    </section>
  )
}

/**
 * Are you sure? The action's consequences in words, and one button that does it. "Send a new
 * link" posts the reset form itself, with its one-time token and the same recipients.
 */
export function ConfirmActionPage(props: {
  user: { id: string; email: string; displayName: string }
  action: UserAction | 'new-link'
  newLink?: { formToken: string; recipients: string[] }
  /** A reset of the password or of two-step verification: the helpdesk's guards apply. */
  guards?: ResetGuardsProps
}) {
  const t = useCopy()
  const a = t.userActions
  const { user, action } = props
  const userPage = `/admin/users/${user.id}`
  return (
    <Layout title={a.titles[action]}>
      <section class="card narrow">
        <h1>{a.titles[action]}</h1>
        <p>{a.explain[action](nameOf(user))}</p>
        {props.newLink ? (
          <ul aria-label={t.recipients}>
            {props.newLink.recipients.map((recipient) => (
              <li>{recipient}</li>
            ))}
          </ul>
        ) : null}
        <form
          method="post"
          action={props.newLink ? `${userPage}/reset` : `${userPage}/${action}`}
          class="actions"
        >
          {props.newLink ? <NewLinkFields {...props.newLink} /> : null}
          <OverrideField guards={props.guards} />
          <button type="submit" class={action === 'block' ? 'danger' : 'primary'}>
            {action === 'new-link' ? t.sendNewLink : actionLabel(a, action)}
          </button>
          <a href={userPage}>{a.cancel}</a>
        </form>
      </section>
    </Layout>
  )
}

function actionLabel(a: ReturnType<typeof useCopy>['userActions'], action: UserAction): string {
  const labels = {
    'mfa-reset': a.resetTwoStep,
    'sign-out': a.signOutAll,
    block: a.block,
    unblock: a.unblock,
  } satisfies Record<UserAction, string>
  return labels[action]
}

/** The reset form's fields for a new link to the same recipients (its own one-time token). */
function NewLinkFields(props: { formToken: string; recipients: string[] }) {
  return (
    <>
      <input type="hidden" name="formToken" value={props.formToken} />
      <input type="hidden" name="mode" value="generate" />
      <input type="hidden" name="requireChange" value="true" />
      <input type="hidden" name="delivery" value="link" />
      <input type="hidden" name="recipients" value={props.recipients.join(', ')} />
    </>
  )
}
