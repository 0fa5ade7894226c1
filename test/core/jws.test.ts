import {
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose'
import type { JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { hs256Signer, signJwt, verifyHs256Jwt } from '../../src/core/jws.ts'
import { encodeBase64Url } from '../../src/core/random.ts'
import { generateOidcKey, webCryptoEs256Signer } from '../../src/core/oidc/signing-keys.ts'

const KEY = new Uint8Array(32).fill(7)

/** The public half of a private JWK. */
const publicOf = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, y })

describe('signJwt', () => {
  it('makes an HS256 JWT that jose verifies, header and claims as given', async () => {
    const token = await signJwt(
      { alg: 'HS256', typ: 'at+jwt' },
      { sub: 'u1', name: 'Zoë', iat: 1, exp: 2 },
      hs256Signer(KEY),
    )
    const { payload, protectedHeader } = await jwtVerify(token, KEY, {
      algorithms: ['HS256'],
      currentDate: new Date(1000),
    })
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'at+jwt' })
    expect(payload).toEqual({ sub: 'u1', name: 'Zoë', iat: 1, exp: 2 })
  })

  it('gives the same HS256 signature for the same input every time, and another for another key', async () => {
    const sign = (key: Uint8Array) =>
      signJwt({ alg: 'HS256', typ: 'JWT' }, { a: 1 }, hs256Signer(key))
    expect(await sign(KEY)).toBe(await sign(KEY))
    await expect(
      jwtVerify(await sign(new Uint8Array(32).fill(8)), KEY, { algorithms: ['HS256'] }),
    ).rejects.toThrow(/signature/)
  })

  it('makes an ES256 JWS through Web Crypto that the public key verifies', async () => {
    const jwk = await generateOidcKey()
    const token = await signJwt(
      { alg: 'ES256', typ: 'JWT', kid: jwk.kid },
      { sub: 'u1' },
      await webCryptoEs256Signer(jwk),
    )
    const publicJwk = publicOf(jwk)
    const { protectedHeader } = await compactVerify(token, publicJwk)
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwk.kid })
  })

  it('signs with the key it is given, not another', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const other = await generateOidcKey()
    const token = await signJwt(
      { alg: 'ES256', typ: 'JWT' },
      {},
      await webCryptoEs256Signer(await exportJWK(privateKey)),
    )
    const otherPublic = publicOf(other)
    expect(decodeProtectedHeader(token).alg).toBe('ES256')
    await expect(compactVerify(token, otherPublic)).rejects.toThrow(/signature/)
  })
})

describe('verifyHs256Jwt', () => {
  const NOW_S = 1_800_000_000
  const expected = {
    typ: 'at+jwt',
    issuer: 'iss',
    audience: 'aud',
    required: ['sub'],
    nowMs: NOW_S * 1000,
    toleranceS: 5,
  }
  const claims = { sub: 'u1', iss: 'iss', aud: 'aud', iat: NOW_S, exp: NOW_S + 60 }
  const sign = (header: Record<string, unknown>, body: Record<string, unknown>) =>
    new SignJWT(body).setProtectedHeader(header as { alg: string }).sign(KEY)

  it('accepts what signJwt made under the key, and gives its claims', async () => {
    const token = await signJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, hs256Signer(KEY))
    expect(verifyHs256Jwt(token, KEY, expected)).toEqual(claims)
  })

  it.each([
    ['a kid in the header', { alg: 'HS256', typ: 'at+jwt', kid: 'k' }, claims],
    ['a crit header', { alg: 'HS256', typ: 'at+jwt', crit: ['b64'], b64: true }, claims],
    ['another typ', { alg: 'HS256', typ: 'JWT' }, claims],
    ['no typ', { alg: 'HS256' }, claims],
    ['another issuer', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, iss: 'other' }],
    ['an audience list', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, aud: ['aud'] }],
    ['no sub', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, sub: undefined }],
    ['no iat', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, iat: undefined }],
    ['an iat from the future', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, iat: NOW_S + 60 }],
    ['an exp as text', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, exp: `${NOW_S + 60}` }],
    [
      'an expiry past the tolerance',
      { alg: 'HS256', typ: 'at+jwt' },
      { ...claims, exp: NOW_S - 5 },
    ],
    ['a not-before ahead', { alg: 'HS256', typ: 'at+jwt' }, { ...claims, nbf: NOW_S + 60 }],
  ])('refuses a token signed with the key but with %s', async (_, header, body) => {
    expect(verifyHs256Jwt(await sign(header, body), KEY, expected)).toBeNull()
  })

  it('refuses a payload swapped under a valid tag, and a tag for other bytes', async () => {
    const token = await signJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, hs256Signer(KEY))
    const other = await signJwt(
      { alg: 'HS256', typ: 'at+jwt' },
      { ...claims, sub: 'admin' },
      hs256Signer(KEY),
    )
    const [header, , tag] = token.split('.')
    const [, payload] = other.split('.')
    expect(verifyHs256Jwt(`${header}.${payload}.${tag}`, KEY, expected)).toBeNull()
  })

  it('refuses a claims part that is not a JSON object, even under a good tag', async () => {
    for (const text of ['[1]', '"x"', 'null', '{']) {
      const body = encodeBase64Url(new TextEncoder().encode(text))
      const head = encodeBase64Url(new TextEncoder().encode('{"alg":"HS256","typ":"at+jwt"}'))
      const tag = encodeBase64Url(
        (await hs256Signer(KEY)(new TextEncoder().encode(`${head}.${body}`))) as Uint8Array,
      )
      expect(verifyHs256Jwt(`${head}.${body}.${tag}`, KEY, expected)).toBeNull()
    }
  })
})
