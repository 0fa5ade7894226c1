import type { Child } from '../jsx-runtime.ts'
import { CodeField, Field, Layout, Notice } from '../layout.tsx'
import { useCopy } from '../page-context.ts'

export type TwoStepState =
  | { kind: 'off' }
  | { kind: 'on' }
  | { kind: 'setup'; secret: string; qrSvg: string }
  | { kind: 'codes'; recoveryCodes: string[] }

/**
 * Account → Two-step verification: set it up (QR code, the key for typing in, the first code),
 * the recovery codes once, or turn it off with the password and a current code.
 */
export function TwoStepPage(props: { state: TwoStepState; error?: string; success?: string }) {
  const t = useCopy()
  const { state } = props
  return (
    <Layout title={t.twoStepTitle} noindex={state.kind === 'setup' || state.kind === 'codes'}>
      <h1>{t.twoStepTitle}</h1>
      <p>
        <a href="/account">{t.accountTitle}</a>
      </p>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <TwoStepPane state={state} invalid={props.error !== undefined} success={props.success} />
    </Layout>
  )
}

function TwoStepPane(props: { state: TwoStepState; invalid: boolean; success?: string }) {
  const { state } = props
  switch (state.kind) {
    case 'off':
      return <TwoStepOff />
    case 'setup':
      return <TwoStepSetup secret={state.secret} qrSvg={state.qrSvg} invalid={props.invalid} />
    case 'codes':
      return <RecoveryCodes codes={state.recoveryCodes} />
    case 'on':
      return <TwoStepOn success={props.success} />
  }
}

/**
 * A card of the page under a heading of its own (never the page's title again), a region named
 * by it when given an `id`.
 */
function Pane(props: { id?: string; heading: string; children: Child }) {
  return (
    <section class="card narrow" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.heading}</h2>
      {props.children}
    </section>
  )
}

function TwoStepOff() {
  const t = useCopy()
  return (
    <Pane id="set-up-heading" heading={t.setUpTwoStep}>
      <p>{t.twoStepIntro}</p>
      <p>{t.twoStepOff}</p>
      <form method="post" action="/account/two-step/start">
        <Field
          id="enroll-password"
          name="currentPassword"
          type="password"
          label={t.currentPassword}
          autocomplete="current-password"
        />
        <div class="actions">
          <button type="submit" class="primary">
            {t.setUpTwoStep}
          </button>
        </div>
      </form>
    </Pane>
  )
}

/** The QR code, the key for typing in, and the first code that turns it on. */
function TwoStepSetup(props: { secret: string; qrSvg: string; invalid: boolean }) {
  const t = useCopy()
  return (
    <Pane id="set-up-heading" heading={t.setUpTwoStep}>
      <p>{t.scanQr}</p>
      {/* Server-rendered by lean-qr from our own otpauth URI: markup, no script. */}
      <div
        role="img"
        aria-label={t.qrCode}
        class="qr"
        dangerouslySetInnerHTML={{ __html: props.qrSvg }}
      />
      <p>
        {t.secretKey}:{' '}
        <code id="totp-secret" aria-label={t.secretKey}>
          {props.secret}
        </code>
      </p>
      <form method="post" action="/account/two-step/confirm">
        <CodeField id="code" invalid={props.invalid} />
        <div class="actions">
          <button type="submit" class="primary">
            {t.turnOn}
          </button>
        </div>
      </form>
    </Pane>
  )
}

/** The recovery codes, shown this once: to copy or to download as a text file. */
function RecoveryCodes(props: { codes: string[] }) {
  const t = useCopy()
  const text = props.codes.join('\n')
  return (
    // Not a named region: the codes themselves carry the name "Recovery codes".
    <Pane heading={t.recoveryTitle}>
      <Notice kind="success">{t.twoStepOn}</Notice>
      <p>{t.recoveryIntro}</p>
      <pre id="recovery-codes" aria-label={t.recoveryTitle}>
        {text}
      </pre>
      <div class="actions">
        <button type="button" hidden data-copy="recovery-codes" data-copied={t.copied}>
          {t.copy}
        </button>
        <a
          download="oncepass-recovery-codes.txt"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${text}\n`)}`}
        >
          {t.download}
        </a>
        <span class="copy-status" role="status" aria-live="polite"></span>
      </div>
    </Pane>
  )
}

/**
 * On: a fresh code for a step-up, or the password and a code to turn it off, each under its own
 * heading, their code fields told apart by their labels.
 */
function TwoStepOn(props: { success?: string }) {
  const t = useCopy()
  return (
    <>
      <p>{t.twoStepOn}</p>
      {props.success ? <Notice kind="success">{props.success}</Notice> : null}
      <Pane id="verify-heading" heading={t.verifyAgain}>
        <form method="post" action="/account/two-step/verify">
          <CodeField id="verify-code" />
          <div class="actions">
            <button type="submit">{t.verifyAgain}</button>
          </div>
        </form>
      </Pane>
      <Pane id="turn-off-heading" heading={t.turnOffTwoStep}>
        <form method="post" action="/account/two-step/disable">
          <Field
            id="current-password"
            name="currentPassword"
            type="password"
            label={t.currentPassword}
            autocomplete="current-password"
          />
          <CodeField id="disable-code" label={t.codeToTurnOff} />
          <div class="actions">
            <button type="submit">{t.turnOffTwoStep}</button>
          </div>
        </form>
      </Pane>
    </>
  )
}
