import { describe, expect, it } from 'vitest'
import {
  matchesRegisteredUri,
  originsOf,
  redirectUriProblem,
} from '../../../src/core/oidc/redirect-uris.ts'

describe('registering a redirect URI', () => {
  it('takes https anywhere and http on loopback only', () => {
    expect(redirectUriProblem('https://app.example/callback')).toBeNull()
    expect(redirectUriProblem('http://127.0.0.1/callback')).toBeNull()
    expect(redirectUriProblem('http://[::1]:8080/cb')).toBeNull()
    expect(redirectUriProblem('http://localhost:3000/cb')).toBeNull()
    expect(redirectUriProblem('http://app.example/callback')).toBe('NOT_HTTPS')
    expect(redirectUriProblem('http://127.0.0.2/cb')).toBe('NOT_HTTPS')
    expect(redirectUriProblem('javascript:alert(1)')).toBe('NOT_HTTPS')
    expect(redirectUriProblem('com.example.app:/cb')).toBe('NOT_HTTPS')
  })

  it('refuses fragments, wildcards, credentials, and text a parser would print otherwise', () => {
    expect(redirectUriProblem('https://app.example/cb#x')).toBe('HAS_FRAGMENT')
    expect(redirectUriProblem('https://*.app.example/cb')).toBe('HAS_WILDCARD')
    expect(redirectUriProblem('https://user:pw@app.example/cb')).toBe('HAS_CREDENTIALS')
    expect(redirectUriProblem('https://APP.example/cb')).toBe('NOT_A_URL')
    expect(redirectUriProblem('https://app.example')).toBe('NOT_A_URL')
    expect(redirectUriProblem('not a url')).toBe('NOT_A_URL')
    expect(redirectUriProblem(`https://app.example/${'a'.repeat(1000)}`)).toBe('TOO_LONG')
  })
})

describe('matching a redirect URI', () => {
  const registered = [
    'https://app.example/callback',
    'http://127.0.0.1/native',
    'http://[::1]:9/cb',
  ]

  it('is exact for https: no other host, path, case, encoding or userinfo', () => {
    expect(matchesRegisteredUri(registered, 'https://app.example/callback')).toBe(true)
    for (const attempt of [
      'https://app.example/callback/',
      'https://app.example/callback/../evil',
      'https://app.example/callback?x=1',
      'https://APP.example/callback',
      'https://app.example/Callback',
      'https://app.example%2F@evil.example/callback',
      'https://app.example@evil.example/callback',
      'https://evil.example/callback',
      'https://app.example.evil.example/callback',
      'https://app.example/callback%2F..%2Fevil',
      'https://app.example:443/callback',
      'http://app.example/callback',
    ]) {
      expect(matchesRegisteredUri(registered, attempt), attempt).toBe(false)
    }
  })

  it('lets a loopback http URI use any port (RFC 8252 §7.3), nothing else', () => {
    expect(matchesRegisteredUri(registered, 'http://127.0.0.1:51234/native')).toBe(true)
    expect(matchesRegisteredUri(registered, 'http://[::1]:4000/cb')).toBe(true)
    expect(matchesRegisteredUri(registered, 'http://127.0.0.1:51234/native/x')).toBe(false)
    expect(matchesRegisteredUri(registered, 'http://localhost:51234/native')).toBe(false)
    expect(matchesRegisteredUri(registered, 'https://127.0.0.1:51234/native')).toBe(false)
  })

  it('gives the origins a browser app calls from', () => {
    expect(originsOf(registered)).toEqual([
      'https://app.example',
      'http://127.0.0.1',
      'http://[::1]:9',
    ])
  })
})
