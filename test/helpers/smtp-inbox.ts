import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  html: string
  /** The SMTP envelope's recipients, as the server saw them. */
  envelopeTo: string[]
  parsed: ParsedMail
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps every message it receives, parsed by
 * mailparser. `failNext` makes it refuse the next messages' data with a 550; `answerAfter` makes
 * it take that long to accept each message, as a slow relay does.
 */
export async function startSmtpInbox() {
  const mails: ReceivedMail[] = []
  const state = { fail: false, delayMs: 0 }
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs))
          if (state.fail) {
            const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })
            callback(error)
            return
          }
          const addresses = (value: ParsedMail['to']) =>
            (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
              a.value.map((v) => v.address ?? ''),
            )
          mails.push({
            from: parsed.from?.text ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            parsed,
          })
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext(fail = true) {
      state.fail = fail
    },
    answerAfter(ms: number) {
      state.delayMs = ms
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
