import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import type { JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { hs256Signer, signJwt } from '../../src/core/jws.ts'
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
