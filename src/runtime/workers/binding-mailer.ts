import type { Mailer } from '../../core/mail.ts'

/** The part of the Cloudflare Email Service binding (`[[send_email]] name = "MAIL"`) used here. */
export interface SendEmailBinding {
  send(message: {
    from: string
    to: string
    subject: string
    text: string
    html: string
  }): Promise<unknown>
}

/** The Workers mail adapter: each message through the `MAIL` binding, from `ONCEPASS_MAIL_FROM`. */
export function createBindingMailer(binding: SendEmailBinding, from: string): Mailer {
  return {
    async send(message) {
      await binding.send({ from, ...message })
    },
  }
}
