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
      <section class="card narrow" aria-labelledby="two-step-heading">
        <h2 id="two-step-heading">{t.twoStepTitle}</h2>
        {state.kind === 'off' ? (
          <>
            <p>{t.twoStepIntro}</p>
            <p>{t.twoStepOff}</p>
            <form method="post" action="/account/two-step/start">
              <button type="submit" class="primary">
                {t.setUpTwoStep}
              </button>
            </form>
          </>
        ) : null}
        {state.kind === 'setup' ? (
          <>
            <p>{t.scanQr}</p>
            {/* Server-rendered by lean-qr from our own otpauth URI: markup, no script. */}
            <div
              role="img"
              aria-label={t.qrCode}
              class="qr"
              dangerouslySetInnerHTML={{ __html: state.qrSvg }}
            />
            <p>
              {t.secretKey}:{' '}
              <code id="totp-secret" aria-label={t.secretKey}>
                {state.secret}
              </code>
            </p>
            <form method="post" action="/account/two-step/confirm">
              <CodeField id="code" invalid={props.error !== undefined} />
              <div class="actions">
                <button type="submit" class="primary">
                  {t.turnOn}
                </button>
              </div>
            </form>
          </>
        ) : null}
        {state.kind === 'codes' ? (
          <>
            <Notice kind="success">{t.twoStepOn}</Notice>
            <h3>{t.recoveryTitle}</h3>
            <p>{t.recoveryIntro}</p>
            <pre id="recovery-codes" aria-label={t.recoveryTitle}>
              {state.recoveryCodes.join('\n')}
            </pre>
            <div class="actions">
              <button type="button" hidden data-copy="recovery-codes" data-copied={t.copied}>
                {t.copy}
              </button>
              <a
                download="oncepass-recovery-codes.txt"
                href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${state.recoveryCodes.join('\n')}\n`)}`}
              >
                {t.download}
              </a>
              <span class="copy-status" role="status" aria-live="polite"></span>
            </div>
          </>
        ) : null}
        {state.kind === 'on' ? (
          <>
            <p>{t.twoStepOn}</p>
            {props.success ? <Notice kind="success">{props.success}</Notice> : null}
            <form method="post" action="/account/two-step/verify">
              <CodeField id="verify-code" />
              <div class="actions">
                <button type="submit">{t.verifyAgain}</button>
              </div>
            </form>
            <form method="post" action="/account/two-step/disable">
              <Field
                id="current-password"
                name="currentPassword"
                type="password"
                label={t.currentPassword}
                autocomplete="current-password"
              />
              <CodeField id="disable-code" />
              <div class="actions">
                <button type="submit">{t.turnOffTwoStep}</button>
              </div>
            </form>
          </>
        ) : null}
      </section>
    </Layout>
  )
}
