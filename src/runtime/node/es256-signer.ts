import { createPrivateKey, type JsonWebKey, sign } from 'node:crypto'
import type { JWK } from 'jose'
import type { JwsSigner } from '../../core/jws.ts'

/**
 * ES256 with node:crypto, in place: about 40 µs on the event loop, where the same signature
 * through Web Crypto is a thread-pool job and a promise costing the loop more than that. Every
 * token response carries two (see docs/performance.md). `ieee-p1363` gives the raw `r‖s` a JWS
 * carries (RFC 7518 §3.4), not DER.
 */
export function nodeEs256Signer(privateJwk: JWK): JwsSigner {
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' })
  return (input) => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })
}
