import { describe, expect, it } from 'vitest'
import {
  authorizationResponseUrl,
  readParameters,
  trustedParameter,
  validateAuthorizationRequest,
} from '../../../src/core/oidc/authorization-request.ts'

const client = { clientId: 'app-1', redirectUri: 'https://app.example/cb' }
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const good = {
  client_id: 'app-1',
  redirect_uri: 'https://app.example/cb',
  response_type: 'code',
  scope: 'openid email',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  state: 's',
  nonce: 'n',
}

function validate(params: Record<string, string>, extra: [string, string][] = []) {
  const search = new URLSearchParams(params)
  for (const [name, value] of extra) search.append(name, value)
  return validateAuthorizationRequest(readParameters(search), client)
}

function errorOf(params: Record<string, string>, extra: [string, string][] = []) {
  const result = validate(params, extra)
  return result.ok ? null : result.error.error
}

describe('an authorization request', () => {
  it('is the code flow with PKCE S256, state and nonce kept exactly', () => {
    const result = validate({
      ...good,
      prompt: 'login',
      max_age: '60',
      login_hint: 'ann@x.example',
    })
    expect(result).toEqual({
      ok: true,
      request: {
        clientId: 'app-1',
        redirectUri: 'https://app.example/cb',
        scopes: ['openid', 'email'],
        codeChallenge: challenge,
        state: 's',
        nonce: 'n',
        prompt: 'login',
        maxAge: 60,
        loginHint: 'ann@x.example',
      },
    })
    const long = validate({ ...good, state: 'é'.repeat(512), nonce: ' x '.repeat(85) })
    expect(long.ok && long.request.state).toBe('é'.repeat(512))
    expect(long.ok && long.request.nonce).toBe(' x '.repeat(85))
  })

  it('refuses a missing or plain PKCE, other response types and modes, no openid', () => {
    const noPkce: Record<string, string> = { ...good }
    delete noPkce.code_challenge
    delete noPkce.code_challenge_method
    expect(errorOf(noPkce)).toBe('invalid_request')
    expect(errorOf({ ...good, code_challenge_method: 'plain' })).toBe('invalid_request')
    expect(errorOf({ ...good, code_challenge: 'too-short' })).toBe('invalid_request')
    expect(errorOf({ ...good, response_type: 'token' })).toBe('unsupported_response_type')
    expect(errorOf({ ...good, response_type: 'code id_token' })).toBe('unsupported_response_type')
    expect(errorOf({ ...good, response_mode: 'fragment' })).toBe('invalid_request')
    expect(errorOf({ ...good, scope: 'email' })).toBe('invalid_scope')
    expect(errorOf({ ...good, request: 'eyJ…' })).toBe('request_not_supported')
    expect(errorOf({ ...good, request_uri: 'https://x' })).toBe('request_uri_not_supported')
    expect(errorOf({ ...good, prompt: 'none login' })).toBe('invalid_request')
    expect(errorOf({ ...good, max_age: '-1' })).toBe('invalid_request')
  })

  it('refuses a repeated or oversized parameter', () => {
    expect(errorOf(good, [['state', 'again']])).toBe('invalid_request')
    expect(errorOf({ ...good, state: 'x'.repeat(513) })).toBe('invalid_request')
    expect(errorOf({ ...good, nonce: 'x'.repeat(257) })).toBe('invalid_request')
    expect(errorOf({ ...good, unknown: 'x'.repeat(2001) })).toBe('invalid_request')
  })

  it('trusts client_id and redirect_uri only when sent once and within limits', () => {
    const once = readParameters(new URLSearchParams(good))
    expect(trustedParameter(once, 'client_id')).toBe('app-1')
    const twice = new URLSearchParams(good)
    twice.append('redirect_uri', 'https://evil.example/cb')
    expect(trustedParameter(readParameters(twice), 'redirect_uri')).toBeUndefined()
    const empty = readParameters(new URLSearchParams({ ...good, client_id: '' }))
    expect(trustedParameter(empty, 'client_id')).toBeUndefined()
  })

  it('answers on the redirect URI with state and iss (RFC 9207)', () => {
    const answer = new URL(
      authorizationResponseUrl(
        'https://app.example/cb?x=1',
        'https://id.example',
        { code: 'c' },
        'a&b',
      ),
    )
    expect(answer.origin + answer.pathname).toBe('https://app.example/cb')
    expect(Object.fromEntries(answer.searchParams)).toEqual({
      x: '1',
      code: 'c',
      state: 'a&b',
      iss: 'https://id.example',
    })
    const refused = new URL(
      authorizationResponseUrl(
        'https://app.example/cb',
        'https://id.example',
        { error: 'access_denied', description: 'No' },
        undefined,
      ),
    )
    expect(Object.fromEntries(refused.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'No',
      iss: 'https://id.example',
    })
  })
})
