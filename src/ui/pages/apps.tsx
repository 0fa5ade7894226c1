import type { Child } from '../jsx-runtime.ts'
import { Field, formatTime, Layout, Notice } from '../layout.tsx'
import { useCopy, usePage } from '../page-context.ts'
import { Choice, DataTable } from './admin-parts.tsx'

// Applications: the tenant's apps that sign their users in through oncepass, as global admins
// manage them. A secret appears only on the page that answers the POST which issued it.

export interface AppProps {
  clientId: string
  name: string
  type: 'confidential' | 'public'
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri: string | null
  createdAt: string
  secretRotatedAt: string | null
}

export function AppsPage(props: { apps: AppProps[] }) {
  const { t, lang } = usePage()
  const a = t.apps
  return (
    <Layout title={a.title}>
      <div class="page-head">
        <h1>{a.title}</h1>
        <a class="button primary" href="/admin/apps/new">
          {a.add}
        </a>
      </div>
      <p>{a.intro}</p>
      {props.apps.length === 0 ? (
        <p>{a.none}</p>
      ) : (
        <DataTable
          caption={a.title}
          columns={[a.name, a.type, a.clientId, a.redirectUris, a.added]}
        >
          {props.apps.map((app) => (
            <tr>
              <th scope="row">
                <a href={appHref(app)}>{app.name}</a>
              </th>
              <td>{a.types[app.type]}</td>
              <td>
                <code>{app.clientId}</code>
              </td>
              <td>
                <UriList uris={app.redirectUris} />
              </td>
              <td>{formatTime(lang, app.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  )
}

function appHref(app: { clientId: string }): string {
  return `/admin/apps/${encodeURIComponent(app.clientId)}`
}

function UriList(props: { uris: string[] }) {
  const t = useCopy()
  if (props.uris.length === 0) return <>{t.apps.noneRegistered}</>
  return (
    <ul class="plain">
      {props.uris.map((uri) => (
        <li>
          <code>{uri}</code>
        </li>
      ))}
    </ul>
  )
}

/** The Add application form as typed: URIs one per line. */
export interface AppFormValues {
  formToken: string
  name: string
  type: string
  redirectUris: string
  postLogoutRedirectUris: string
  backchannelLogoutUri: string
}

export type AppField =
  'name' | 'type' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri'

/** What to fix, by field, already in words. */
export type AppFormErrors = Partial<Record<AppField, string[]>>

export function AddAppPage(props: { values: AppFormValues; errors?: AppFormErrors }) {
  const t = useCopy()
  const a = t.apps
  const { values } = props
  const errors = props.errors ?? {}
  const hasErrors = Object.values(errors).some((list) => list.length > 0)
  return (
    <Layout title={a.add}>
      <section class="card narrow">
        <h1>{a.add}</h1>
        {hasErrors ? <Notice kind="error">{t.invalidForm}</Notice> : null}
        <form method="post" action="/admin/apps">
          <input type="hidden" name="formToken" value={values.formToken} />
          <Field
            id="app-name"
            name="name"
            label={a.name}
            value={values.name}
            autocomplete="off"
            invalid={Boolean(errors.name?.length)}
            describedBy={errors.name?.length ? 'app-name-errors' : undefined}
          >
            <FieldErrors id="app-name-errors" messages={errors.name} />
          </Field>
          <TypeChoice type={values.type} />
          <UrisField
            id="redirect-uris"
            name="redirectUris"
            label={a.redirectUris}
            hint={a.redirectUrisHint}
            value={values.redirectUris}
            errors={errors.redirectUris}
            required
          />
          <UrisField
            id="post-logout-redirect-uris"
            name="postLogoutRedirectUris"
            label={a.postLogoutRedirectUris}
            hint={a.postLogoutRedirectUrisHint}
            value={values.postLogoutRedirectUris}
            errors={errors.postLogoutRedirectUris}
          />
          <Field
            id="backchannel-logout-uri"
            name="backchannelLogoutUri"
            label={a.backchannelLogoutUri}
            value={values.backchannelLogoutUri}
            autocomplete="off"
            required={false}
            invalid={Boolean(errors.backchannelLogoutUri?.length)}
            describedBy={describedBy('backchannel-logout-uri', errors.backchannelLogoutUri)}
            extra={{ inputmode: 'url', spellcheck: 'false', autocapitalize: 'off' }}
          >
            <p class="hint" id="backchannel-logout-uri-hint">
              {a.backchannelLogoutUriHint}
            </p>
            <FieldErrors
              id="backchannel-logout-uri-errors"
              messages={errors.backchannelLogoutUri}
            />
          </Field>
          <div class="actions">
            <button type="submit" class="primary">
              {a.add}
            </button>
            <a href="/admin/apps">{a.back}</a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

/** A field's hint, and its errors when it has any, for `aria-describedby`. */
function describedBy(id: string, errors: string[] | undefined): string {
  return errors?.length ? `${id}-errors ${id}-hint` : `${id}-hint`
}

function FieldErrors(props: { id: string; messages: string[] | undefined }) {
  if (!props.messages?.length) return null
  return (
    <ul class="violations" id={props.id}>
      {props.messages.map((message) => (
        <li>{message}</li>
      ))}
    </ul>
  )
}

function TypeChoice(props: { type: string }) {
  const a = useCopy().apps
  const isPublic = props.type === 'public'
  return (
    <fieldset>
      <legend>{a.typeLegend}</legend>
      <Choice
        type="radio"
        id="type-confidential"
        name="type"
        value="confidential"
        label={a.confidential}
        checked={!isPublic}
        describedBy="type-confidential-hint"
      />
      <p class="hint indent" id="type-confidential-hint">
        {a.confidentialHint}
      </p>
      <Choice
        type="radio"
        id="type-public"
        name="type"
        value="public"
        label={a.public}
        checked={isPublic}
        describedBy="type-public-hint"
      />
      <p class="hint indent" id="type-public-hint">
        {a.publicHint}
      </p>
    </fieldset>
  )
}

/** A list of URIs, one per line. */
function UrisField(props: {
  id: string
  name: string
  label: string
  hint: string
  value: string
  errors: string[] | undefined
  required?: boolean
}) {
  const invalid = Boolean(props.errors?.length)
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.name}
        rows={3}
        required={props.required ?? false}
        autocomplete="off"
        spellcheck={false}
        autocapitalize="off"
        aria-describedby={describedBy(props.id, props.errors)}
        aria-invalid={invalid ? 'true' : undefined}
      >
        {props.value}
      </textarea>
      <p class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
      <FieldErrors id={`${props.id}-errors`} messages={props.errors} />
    </div>
  )
}

/**
 * A value with a Copy button (shown by the script). `secret` marks the one-time secret, named
 * for screen readers as the copy names it.
 */
function CopyableValue(props: {
  id: string
  label: string
  value: string
  copyLabel?: string
  secret?: boolean
}) {
  const t = useCopy()
  return (
    <div class="secret-box">
      <p class="label">{props.label}</p>
      <output id={props.id} class={props.secret ? 'secret' : 'copyable'} aria-label={props.label}>
        {props.value}
      </output>
      <button
        type="button"
        hidden
        data-copy={props.id}
        data-copied={t.copied}
        aria-label={props.copyLabel}
      >
        {t.copy}
      </button>
      <span class="copy-status" role="status" aria-live="polite"></span>
    </div>
  )
}

/** The answer to Add application: the app's ID and, for a web app, its secret, once. */
export function AppAddedPage(props: {
  app: AppProps
  clientSecret?: string
  discoveryUrl?: string
}) {
  const a = useCopy().apps
  const { app } = props
  return (
    <Layout title={a.addedTitle} noindex={props.clientSecret !== undefined}>
      <section class="card narrow">
        <h1>{a.addedTitle}</h1>
        <p class="user-email">{app.name}</p>
        <CopyableValue
          id="client-id"
          label={a.clientId}
          value={app.clientId}
          copyLabel={a.copyClientId}
        />
        {props.clientSecret !== undefined ? (
          <OneTimeSecret secret={props.clientSecret} />
        ) : (
          <p>{a.noSecretNeeded}</p>
        )}
        {props.discoveryUrl ? <DiscoveryUrl url={props.discoveryUrl} /> : null}
        <AppLinks app={app} />
      </section>
    </Layout>
  )
}

function OneTimeSecret(props: { secret: string }) {
  const a = useCopy().apps
  return (
    <>
      <CopyableValue id="client-secret" label={a.clientSecret} value={props.secret} secret />
      <Notice kind="info">{a.secretNotShownAgain}</Notice>
    </>
  )
}

function DiscoveryUrl(props: { url: string }) {
  const a = useCopy().apps
  return (
    <>
      <CopyableValue
        id="discovery-url"
        label={a.discoveryUrl}
        value={props.url}
        copyLabel={a.copyDiscoveryUrl}
      />
      <p class="hint">{a.discoveryHint}</p>
    </>
  )
}

function AppLinks(props: { app: AppProps }) {
  const a = useCopy().apps
  return (
    <p>
      <a href={appHref(props.app)}>{a.viewApp}</a> · <a href="/admin/apps">{a.back}</a>
    </p>
  )
}

/** One app: what to configure it with, and Rotate secret and Remove application. */
export function AppDetailPage(props: { app: AppProps; discoveryUrl?: string }) {
  const { t, lang } = usePage()
  const a = t.apps
  const { app } = props
  const base = appHref(app)
  return (
    <Layout title={app.name}>
      <div class="page-head">
        <h1>{app.name}</h1>
      </div>
      <section class="card">
        <h2>{a.detailsTitle}</h2>
        <CopyableValue
          id="client-id"
          label={a.clientId}
          value={app.clientId}
          copyLabel={a.copyClientId}
        />
        {props.discoveryUrl ? <DiscoveryUrl url={props.discoveryUrl} /> : null}
        <dl>
          <dt>{a.type}</dt>
          <dd>{a.types[app.type]}</dd>
          <dt>{a.redirectUris}</dt>
          <dd>
            <UriList uris={app.redirectUris} />
          </dd>
          <dt>{a.postLogoutRedirectUris}</dt>
          <dd>
            <UriList uris={app.postLogoutRedirectUris} />
          </dd>
          <dt>{a.backchannelLogoutUri}</dt>
          <dd>
            <UriList uris={app.backchannelLogoutUri ? [app.backchannelLogoutUri] : []} />
          </dd>
          <dt>{a.added}</dt>
          <dd>{formatTime(lang, app.createdAt)}</dd>
          {app.type === 'confidential' ? (
            <>
              <dt>{a.secretRotatedAt}</dt>
              <dd>
                {app.secretRotatedAt ? formatTime(lang, app.secretRotatedAt) : a.neverRotated}
              </dd>
            </>
          ) : null}
        </dl>
        <div class="actions">
          {app.type === 'confidential' ? (
            <a class="button" href={`${base}/secret`}>
              {a.rotateSecret}
            </a>
          ) : null}
          <a class="button" href={`${base}/remove`}>
            {a.remove}
          </a>
          <a href="/admin/apps">{a.back}</a>
        </div>
      </section>
    </Layout>
  )
}

/** A confirm step of its own: the question, and the one form that acts. */
function ConfirmPage(props: {
  title: string
  question: string
  action: string
  button: string
  app: AppProps
  children?: Child
}) {
  const a = useCopy().apps
  return (
    <Layout title={props.title}>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.question}</p>
        <form method="post" action={props.action}>
          {props.children}
          <div class="actions">
            <button type="submit" class="primary">
              {props.button}
            </button>
            <a href={appHref(props.app)}>{a.cancel}</a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

/**
 * Asks before a new secret is made. The form carries the secret's rotation time as read here: a
 * form sent again after it rotated once no longer matches, and rotates nothing.
 */
export function RotateSecretPage(props: { app: AppProps }) {
  const a = useCopy().apps
  const { app } = props
  return (
    <ConfirmPage
      title={a.rotateTitle}
      question={a.rotateQuestion(app.name)}
      action={`${appHref(app)}/secret`}
      button={a.rotateSecret}
      app={app}
    >
      <input type="hidden" name="secretRotatedAt" value={app.secretRotatedAt ?? ''} />
    </ConfirmPage>
  )
}

/** The answer to Rotate secret: the new secret, once. */
export function SecretRotatedPage(props: { app: AppProps; clientSecret: string }) {
  const a = useCopy().apps
  const { app } = props
  return (
    <Layout title={a.rotatedTitle} noindex>
      <section class="card narrow">
        <h1>{a.rotatedTitle}</h1>
        <p class="user-email">{app.name}</p>
        <CopyableValue
          id="client-id"
          label={a.clientId}
          value={app.clientId}
          copyLabel={a.copyClientId}
        />
        <OneTimeSecret secret={props.clientSecret} />
        <AppLinks app={app} />
      </section>
    </Layout>
  )
}

export function RemoveAppPage(props: { app: AppProps }) {
  const a = useCopy().apps
  const { app } = props
  return (
    <ConfirmPage
      title={a.removeTitle}
      question={a.removeQuestion(app.name)}
      action={`${appHref(app)}/remove`}
      button={a.remove}
      app={app}
    />
  )
}
