import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { withTemplates } from '../../src/core/mail.ts'
import {
  createBindingMailer,
  type SendEmailBinding,
} from '../../src/runtime/workers/binding-mailer.ts'
import { renderNotice } from '../../src/ui/mail.ts'

describe('the MAIL binding (Cloudflare Email Service, emulated by miniflare)', () => {
  it('is bound by wrangler.toml and accepts a rendered notice, text and HTML', async () => {
    expect(env.MAIL).toBeDefined()
    const calls: Parameters<SendEmailBinding['send']>[0][] = []
    const observed: SendEmailBinding = {
      send(message) {
        calls.push(message)
        return env.MAIL!.send(message)
      },
    }
    const mailer = withTemplates(
      createBindingMailer(observed, 'oncepass <no-reply@example.com>'),
      renderNotice,
    )
    await mailer.send({
      kind: 'reveal_link',
      to: 'ann@example.com',
      language: 'da',
      link: 'http://localhost/reveal/abc#key',
      accountEmail: 'ann@example.com',
      expiresAt: Date.UTC(2026, 10, 23, 12),
    })
    expect(calls).toEqual([
      {
        from: 'oncepass <no-reply@example.com>',
        to: 'ann@example.com',
        subject: 'Din nye midlertidige adgangskode',
        text: expect.stringContaining('http://localhost/reveal/abc#key'),
        html: expect.stringContaining('<a href="http://localhost/reveal/abc#key">'),
      },
    ])
  })
})
