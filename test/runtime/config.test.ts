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
