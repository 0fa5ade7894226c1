import type { Child } from './jsx-runtime.ts'
import { copyFor, type Language, languages } from './copy.ts'
import { useCopy, usePage, type Viewer } from './page-context.ts'

export function Layout(props: {
  title: string
  children?: Child
  /** Pages showing a secret ask not to be indexed (the headers say so too). */
  noindex?: boolean
  /** A page's own script, besides the shared one. */
  script?: string
  /** A same-site step onward, without script: the browser goes on to this path at once. */
  refreshTo?: string
  /**
   * The language switch as links to these addresses instead of a form, for a page whose policy
   * allows no form (the reveal page).
   */
  languageHref?: (language: Language) => string
}) {
  const { t, lang, flash } = usePage()
  return (
    <html lang={lang}>
      <Head
        title={props.title}
        noindex={props.noindex}
        script={props.script}
        refreshTo={props.refreshTo}
      />
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        <TopBar languageHref={props.languageHref} />
        <main id="main" tabindex={-1}>
          {flash ? <Notice kind="success">{flash}</Notice> : null}
          {props.children}
        </main>
      </body>
    </html>
  )
}

function Head(props: { title: string; noindex?: boolean; script?: string; refreshTo?: string }) {
  const t = useCopy()
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {props.noindex ? <meta name="robots" content="noindex" /> : null}
      {props.refreshTo ? <meta http-equiv="refresh" content={`0;url=${props.refreshTo}`} /> : null}
      <title>{`${props.title} · ${t.appName}`}</title>
      <link rel="stylesheet" href="/assets/app.css" />
      <script src="/assets/app.js" defer></script>
      {props.script ? <script src={props.script} defer></script> : null}
    </head>
  )
}

/**
 * The brand, and for a signed-in viewer the menu and Sign out; the language switch for all. On a
 * phone the script folds the menu behind a Menu button; without the script it stays open.
 */
function TopBar(props: { languageHref?: (language: Language) => string }) {
  const { t, viewer } = usePage()
  return (
    <header class="top">
      <a class="brand" href="/">
        {t.appName}
      </a>
      {viewer ? <MenuButton /> : null}
      <div class="top-menu" id="top-menu">
        {viewer ? <Navigation viewer={viewer} /> : null}
        <div class="top-end">
          {props.languageHref ? <LanguageLinks href={props.languageHref} /> : <LanguageSwitch />}
          {viewer ? <SignOut viewer={viewer} /> : null}
        </div>
      </div>
    </header>
  )
}

/** Shown by the script on narrow screens only (the stylesheet hides it on wider ones). */
function MenuButton() {
  const t = useCopy()
  return (
    <button type="button" class="menu-button" aria-controls="top-menu" aria-expanded="false" hidden>
      {t.menu}
    </button>
  )
}

function Navigation(props: { viewer: Viewer }) {
  const { t, path, approvals } = usePage()
  const links: { href: string; label: Child; count?: number }[] = [
    ...(props.viewer.isAdmin
      ? [
          { href: '/admin/users', label: t.navUsers },
          ...(props.viewer.canManageApps ? [{ href: '/admin/apps', label: t.navApps }] : []),
          { href: '/admin/requests', label: t.navRequests, count: props.viewer.openRequests },
          { href: '/admin/audit', label: t.navAudit },
          { href: '/admin/outbox', label: t.navOutbox },
        ]
      : []),
    ...(approvals ? [{ href: '/admin/approvals', label: <ApprovalsLabel {...approvals} /> }] : []),
    { href: '/account', label: t.navAccount },
  ]
  return (
    <nav aria-label={t.mainNav}>
      <ul>
        {links.map((link) => (
          <li>
            <a href={link.href} aria-current={isWithin(path, link.href) ? 'page' : undefined}>
              {link.label}
              {link.count ? <NavCount count={link.count} /> : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Approvals, with how many requests wait for the viewer's decision. */
function ApprovalsLabel(props: { toDecide: number }) {
  const t = useCopy()
  if (props.toDecide === 0) return <>{t.approvals.nav}</>
  return (
    <>
      {t.approvals.nav}{' '}
      <span class="count" aria-hidden="true">
        {props.toDecide}
      </span>
      <span class="visually-hidden">{t.approvals.waitingCount(props.toDecide)}</span>
    </>
  )
}

/** How many are waiting, "99+" past the bound; a screen reader hears it in words instead. */
function NavCount(props: { count: number }) {
  const t = useCopy()
  const shown = Math.min(props.count, OPEN_REQUESTS_SHOWN)
  const more = props.count > OPEN_REQUESTS_SHOWN
  return (
    <>
      <span class="nav-count" aria-hidden="true">
        {more ? `${shown}+` : shown}
      </span>
      <span class="visually-hidden"> ({t.openRequests(shown, more)})</span>
    </>
  )
}

/** The most the menu counts in digits; more is "99+" (the count is read up to a bound anyway). */
const OPEN_REQUESTS_SHOWN = 99

function isWithin(path: string, section: string): boolean {
  return path === section || path.startsWith(`${section}/`)
}

function LanguageSwitch() {
  const { t, lang, path } = usePage()
  return (
    <form method="post" action="/language" class="inline languages">
      <input type="hidden" name="next" value={path} />
      <span class="visually-hidden">{t.language}:</span>
      {languages.map((code) => (
        <button
          type="submit"
          name="lang"
          value={code}
          class="link"
          lang={code}
          aria-pressed={code === lang ? 'true' : 'false'}
        >
          {copyFor(code).languageName}
        </button>
      ))}
    </form>
  )
}

/** The switch as plain links, for a page that may post no form. */
function LanguageLinks(props: { href: (language: Language) => string }) {
  const { t, lang } = usePage()
  return (
    <nav class="inline languages" aria-label={t.language}>
      {languages.map((code) => (
        <a
          href={props.href(code)}
          lang={code}
          hreflang={code}
          aria-current={code === lang ? 'true' : undefined}
          data-keep-fragment
        >
          {copyFor(code).languageName}
        </a>
      ))}
    </nav>
  )
}

function SignOut(props: { viewer: Viewer }) {
  const t = useCopy()
  return (
    <form method="post" action="/sign-out" class="inline">
      <span class="who">
        <span class="visually-hidden">{t.signedInAs} </span>
        {props.viewer.email}
      </span>
      <button type="submit" class="subtle">
        {t.signOut}
      </button>
    </form>
  )
}

/** A form-level message: `role=alert` for errors so screen readers announce it on load. */
export function Notice(props: { kind: 'error' | 'info' | 'success'; children?: Child }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  )
}

export interface FieldProps {
  id: string
  label: string
  name: string
  type?: string
  value?: string
  autocomplete?: string
  required?: boolean
  describedBy?: string
  invalid?: boolean
  /** The words of a show/hide button, for a password. */
  revealable?: { show: string; hide: string }
  /** More attributes of the input. */
  extra?: Record<string, string>
  children?: Child
}

/** A labelled field; `describedBy` ties hints and errors to the input. */
export function Field(props: FieldProps) {
  const input = (
    <input
      id={props.id}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.value}
      autocomplete={props.autocomplete}
      required={props.required ?? true}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid ? 'true' : undefined}
      {...(props.extra ?? {})}
    />
  )
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.revealable ? (
        <div class="with-button">
          {input}
          <RevealButton for={props.id} words={props.revealable} />
        </div>
      ) : (
        input
      )}
      {props.children}
    </div>
  )
}

/** Show/hide for a password field: hidden until the script runs, which toggles it. */
function RevealButton(props: { for: string; words: { show: string; hide: string } }) {
  return (
    <button
      type="button"
      class="subtle reveal"
      hidden
      data-reveal={props.for}
      data-show={props.words.show}
      data-hide={props.words.hide}
      aria-pressed="false"
    >
      {props.words.show}
    </button>
  )
}

/**
 * A verification code from an authenticator app. With `recoveryCode`, a recovery code is welcome
 * too, so the keyboard is not limited to digits.
 */
export function CodeField(props: {
  id: string
  invalid?: boolean
  recoveryCode?: boolean
  /** A label of its own, where the page has another code field. */
  label?: string
}) {
  const t = useCopy()
  return (
    <Field
      id={props.id}
      name="code"
      label={props.label ?? t.verificationCode}
      autocomplete="one-time-code"
      invalid={props.invalid}
      extra={
        props.recoveryCode
          ? { inputmode: 'text', autocapitalize: 'off', spellcheck: 'false' }
          : { inputmode: 'numeric' }
      }
    />
  )
}

// Pages and mails format dates alike: see ./dates.ts.
export { formatTime } from './dates.ts'
