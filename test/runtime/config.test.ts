import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/runtime/node/config.ts'

describe('ONCEPASS_PUBLIC_URL', () => {
  it('defaults to the loopback address on PORT, which also counts as localhost', () => {
    const config = loadConfig({ PORT: '4100' })
    expect(config.publicUrl).toBe('http://127.0.0.1:4100')
    expect(config.siteOrigins).toEqual(['http://127.0.0.1:4100', 'http://localhost:4100'])
  })

  it('when set, is the one origin of the site, normalised', () => {
    const config = loadConfig({ ONCEPASS_PUBLIC_URL: 'HTTPS://ID.Acme.example:443/' })
    expect(config.publicUrl).toBe('https://id.acme.example')
    expect(config.siteOrigins).toEqual(['https://id.acme.example'])
  })

  it.each([
    'id.acme.example',
    'ftp://id.acme.example',
    'https://id.acme.example/oncepass',
    'https://id.acme.example/?x=1',
    'https://user:pass@id.acme.example',
  ])('refuses %s with a message naming the variable', (value) => {
    expect(() => loadConfig({ ONCEPASS_PUBLIC_URL: value })).toThrow(ConfigError)
    expect(() => loadConfig({ ONCEPASS_PUBLIC_URL: value })).toThrow(/ONCEPASS_PUBLIC_URL/)
  })
})

describe('ONCEPASS_SMTP_URL and ONCEPASS_MAIL_FROM', () => {
  it('unset: no mail transport', () => {
    expect(loadConfig({}).smtp).toBeUndefined()
  })

  it('smtp:// or smtps:// with a sender: the transport', () => {
    const config = loadConfig({
      ONCEPASS_SMTP_URL: 'smtps://user:pass@mail.acme.example:465',
      ONCEPASS_MAIL_FROM: 'oncepass <no-reply@acme.example>',
    })
    expect(config.smtp).toEqual({
      url: 'smtps://user:pass@mail.acme.example:465',
      from: 'oncepass <no-reply@acme.example>',
    })
  })

  it('without a sender: no-reply at the public host (localhost for the loopback default)', () => {
    const smtp = { ONCEPASS_SMTP_URL: 'smtp://127.0.0.1:2525' }
    expect(loadConfig(smtp).smtp?.from).toBe('oncepass <no-reply@localhost>')
    expect(loadConfig({ ...smtp, ONCEPASS_PUBLIC_URL: 'https://id.acme.example' }).smtp).toEqual({
      url: 'smtp://127.0.0.1:2525',
      from: 'oncepass <no-reply@id.acme.example>',
    })
    const ipv6 = { ...smtp, ONCEPASS_PUBLIC_URL: 'http://[::1]:3000' }
    expect(loadConfig(ipv6).smtp?.from).toBe('oncepass <no-reply@localhost>')
  })

  it.each([
    [{ ONCEPASS_SMTP_URL: 'http://mail.acme.example', ONCEPASS_MAIL_FROM: 'a@b.c' }, /SMTP_URL/],
    [{ ONCEPASS_SMTP_URL: 'smtp://h', ONCEPASS_MAIL_FROM: 'no at sign' }, /MAIL_FROM/],
  ])('refuses %o without echoing a credential', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
    expect(() => loadConfig({ ...env, ONCEPASS_SMTP_URL: 'ftp://u:hunter2@h' })).not.toThrow(
      /hunter2/,
    )
  })
})
