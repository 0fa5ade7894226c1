import { describe, expect, it } from 'vitest'
import { OAuthError } from '../../src/core/oidc/errors.ts'
import { readClientCredentials } from '../../src/http/oidc/client-auth.ts'

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`
const none = new Map<string, string>()

describe('client credentials from the Authorization header (client_secret_basic)', () => {
  it('reads the id and the secret, each form-urlencoded (RFC 6749 §2.3.1)', () => {
    expect(readClientCredentials(basic('app-1:s3cret_-.~'), none)).toEqual({
      clientId: 'app-1',
      secret: 's3cret_-.~',
      basic: true,
    })
    expect(readClientCredentials(basic('my%20app:a+b%3Ac%25'), none)).toEqual({
      clientId: 'my app',
      secret: 'a b:c%',
      basic: true,
    })
    // Non-ASCII after decoding, and a colon in the secret: only the first one splits.
    expect(readClientCredentials(basic('æøå:x:y'), none)).toMatchObject({
      clientId: 'æøå',
      secret: 'x:y',
    })
  })

  it('refuses what does not decode: invalid_client, never a thrown TypeError', () => {
    const refusals = [
      'Basic ' + Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64'), // not UTF-8
      basic('no-colon'),
      basic('app:%E0%A4%A'), // a broken percent-escape
      'Basic YQ=b', // padding in the middle
      'Basic Y', // a length base64 cannot have
    ]
    for (const header of refusals) {
      let thrown: unknown
      try {
        readClientCredentials(header, none)
      } catch (error) {
        thrown = error
      }
      expect(thrown, header).toBeInstanceOf(OAuthError)
      expect((thrown as OAuthError).error, header).toBe('invalid_client')
    }
  })
})
