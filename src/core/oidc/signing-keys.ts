import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type CryptoKey,
} from 'jose'
import type { JwsSigner } from '../jws.ts'

/** The algorithm of every token an app sees: ECDSA P-256 (never a shared secret). */
export const OIDC_ALGORITHM = 'ES256'

/**
 * The provider's keys: the current private key that signs, and every public key that verifies
 * (the current one and the retired ones still published, so tokens in flight survive a rotation).
 */
export interface OidcKeys {
  kid: string
  /** Signs with the current private key (ES256). */
  sign: JwsSigner
  /** Public keys by `kid`, for verifying our own tokens (an ID token hint, an access token). */
  publicKeys: Map<string, CryptoKey>
  /** The JWKS document: public parts only, never `d`. */
  jwks: { keys: JWK[] }
}

/**
 * A new private signing key as a JWK with its `kid` (the key's RFC 7638 thumbprint), `alg` and
 * `use`: what the Node runtime stores beside the database and a Workers secret holds.
 */
export async function generateOidcKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(OIDC_ALGORITHM, { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: OIDC_ALGORITHM, use: 'sig' }
}

/** Makes the ES256 signer of a private P-256 JWK: Web Crypto, or a runtime's own where faster. */
export type Es256SignerFactory = (privateJwk: JWK) => JwsSigner | Promise<JwsSigner>

/** ES256 through Web Crypto, which both runtimes have; its signature is already raw `r‖s`. */
export async function webCryptoEs256Signer(privateJwk: JWK): Promise<JwsSigner> {
  const key = (await importJWK({ ...privateJwk, alg: OIDC_ALGORITHM }, OIDC_ALGORITHM)) as CryptoKey
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' }
  return async (input) => new Uint8Array(await crypto.subtle.sign(algorithm, key, input))
}

/**
 * The keys from the private JWK (`ONCEPASS_OIDC_SIGNING_KEY`, or the Node key file) and the retired
 * public JWKs still published (`ONCEPASS_OIDC_PREVIOUS_KEYS`). Throws on a key that is not a
 * private P-256 key, naming no key material.
 */
export async function loadOidcKeys(
  privateJwk: JWK,
  previous: JWK[] = [],
  makeSigner: Es256SignerFactory = webCryptoEs256Signer,
): Promise<OidcKeys> {
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || typeof privateJwk.d !== 'string') {
    throw new Error('The OpenID signing key must be a private P-256 (ES256) JWK')
  }
  const current = publicPart(privateJwk)
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(current))
  const sign = await makeSigner(privateJwk)
  const published: JWK[] = [{ ...current, kid }]
  for (const jwk of previous) {
    const retired = publicPart(jwk)
    const retiredKid = jwk.kid ?? (await calculateJwkThumbprint(retired))
    if (retiredKid !== kid) published.push({ ...retired, kid: retiredKid })
  }
  const publicKeys = new Map<string, CryptoKey>()
  for (const jwk of published) {
    publicKeys.set(jwk.kid!, (await importJWK(jwk, OIDC_ALGORITHM)) as CryptoKey)
  }
  return { kid, sign, publicKeys, jwks: { keys: published } }
}

/** A P-256 public JWK as published: the curve point, its use and algorithm, nothing private. */
function publicPart(jwk: JWK): JWK {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new Error('An OpenID key must be a P-256 (ES256) JWK')
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: OIDC_ALGORITHM, use: 'sig' }
}

/** The provider as the use cases see it: its issuer (the public origin) and its keys. */
export interface OidcProvider {
  issuer: string
  /** Imported once, on first use, and kept (Web Crypto imports are asynchronous). */
  keys(): Promise<OidcKeys>
}

/** `OidcProvider` for an issuer and its keys, importing them on first use only. */
export function oidcProvider(
  issuer: string,
  current: JWK,
  previous: JWK[] = [],
  makeSigner?: Es256SignerFactory,
): OidcProvider {
  let keys: Promise<OidcKeys> | undefined
  return { issuer, keys: () => (keys ??= loadOidcKeys(current, previous, makeSigner)) }
}

/**
 * A JWK from configuration text, or null when it is not one P-256 key (`private`: with its `d`).
 * Used to validate `ONCEPASS_OIDC_SIGNING_KEY` and `ONCEPASS_OIDC_PREVIOUS_KEYS` at start.
 */
export function parseOidcJwk(value: unknown, options: { private: boolean }): JWK | null {
  const jwk = typeof value === 'string' ? parseJson(value) : value
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return null
  const { kty, crv, x, y, d } = jwk as JWK
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') return null
  if (options.private && typeof d !== 'string') return null
  return jwk as JWK
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
