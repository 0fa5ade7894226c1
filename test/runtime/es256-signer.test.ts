import { compactVerify } from 'jose'
import type { JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { signJwt } from '../../src/core/jws.ts'
import { generateOidcKey, webCryptoEs256Signer } from '../../src/core/oidc/signing-keys.ts'
import { nodeEs256Signer } from '../../src/runtime/node/es256-signer.ts'

/** The public half of a private JWK. */
const publicOf = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, y })

describe('nodeEs256Signer', () => {
  it('signs in place a JWS the public key verifies, as raw r‖s of 64 bytes', async () => {
    const jwk = await generateOidcKey()
    const sign = nodeEs256Signer(jwk)
    const signature = sign(new TextEncoder().encode('input'))
    expect(signature).toBeInstanceOf(Uint8Array)
    expect((signature as Uint8Array).length).toBe(64)
    const token = await signJwt({ alg: 'ES256', typ: 'JWT', kid: jwk.kid }, { sub: 'u1' }, sign)
    const publicJwk = publicOf(jwk)
    const { payload } = await compactVerify(token, publicJwk)
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ sub: 'u1' })
  })

  it('agrees with Web Crypto: each verifies under the same public key', async () => {
    const jwk = await generateOidcKey()
    const publicJwk = publicOf(jwk)
    for (const sign of [nodeEs256Signer(jwk), await webCryptoEs256Signer(jwk)]) {
      const token = await signJwt({ alg: 'ES256', typ: 'JWT' }, { n: 1 }, sign)
      await expect(compactVerify(token, publicJwk)).resolves.toBeTruthy()
    }
  })
})
