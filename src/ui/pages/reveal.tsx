import { Layout } from '../layout.tsx'
import { useCopy } from '../page-context.ts'

/**
 * The one-time reveal page. It holds nothing secret: the script reads the key from the URL
 * fragment (which never reaches a server), asks for the ciphertext with the typed email, and
 * decrypts it in the browser. Mail scanners that follow the link burn nothing.
 */
export function RevealPage(props: { revealId: string }) {
  const r = useCopy().reveal
  // Links that keep the key: the script adds the fragment it holds to the one that is followed.
  const languageHref = (code: string) =>
    `/reveal/${encodeURIComponent(props.revealId)}?lang=${code}`
  return (
    <Layout title={r.title} noindex script="/assets/reveal.js" languageHref={languageHref}>
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      <noscript>
        <p class="notice error">{r.noScript}</p>
      </noscript>
      <RevealForm revealId={props.revealId} />
      <Revealed />
    </Layout>
  )
}

/** The email that unlocks the password; the script's messages wait in data attributes. */
function RevealForm(props: { revealId: string }) {
  const t = useCopy()
  const r = t.reveal
  return (
    <form
      id="reveal-form"
      data-reveal-id={props.revealId}
      data-gone={r.gone}
      data-wrong-email={r.wrongEmail}
      data-broken={r.broken}
      data-failed={r.failed}
    >
      <div class="field">
        <label for="reveal-email">{t.email}</label>
        <input id="reveal-email" name="email" type="email" autocomplete="email" required />
      </div>
      <p id="reveal-error" class="notice error" role="alert" hidden></p>
      <button type="submit">{t.showPassword}</button>
    </form>
  )
}

/** Where the script puts the decrypted password: empty as served. */
function Revealed() {
  const t = useCopy()
  const r = t.reveal
  return (
    <section id="revealed" hidden aria-live="polite">
      <div class="secret-box">
        <p class="label" id="temporary-password-label">
          {t.temporaryPassword}
        </p>
        <code id="temporary-password" class="secret" aria-labelledby="temporary-password-label">
          {''}
        </code>
        <button type="button" data-copy="temporary-password" data-copied={t.copied} hidden>
          {t.copy}
        </button>
        <span class="copy-status" role="status"></span>
      </div>
      <p>{r.shown}</p>
      <p>
        <a href="/sign-in">{r.signIn}</a>
      </p>
    </section>
  )
}
