import { createTransport } from 'nodemailer'
import type { Mailer } from '../../core/mail.ts'

/**
 * The Node mail adapter: SMTP through nodemailer, from `ONCEPASS_SMTP_URL` (`smtp://` or
 * `smtps://`, credentials in the URL). One pooled-free transport; each send is its own connection.
 *
 * @example
 * const mailer = createSmtpMailer({ url: 'smtp://127.0.0.1:2525', from: 'oncepass <no-reply@x>' })
 */
export function createSmtpMailer(options: { url: string; from: string }): Mailer & {
  close(): void
} {
  const transport = createTransport(options.url)
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      })
    },
    close: () => transport.close(),
  }
}
