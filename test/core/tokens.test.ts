import { base64url, SignJWT, generateKeyPair, exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { cryptoRandom, randomToken } from '../../src/core/random.ts'
import {
  hashToken,
  signAccessToken,
  signChallengeToken,
  type TokenConfig,
  verifyAccessToken,
  verifyChallengeToken,
} from '../../src/core/tokens.ts'

const config: TokenConfig = {
  signingKey: crypto.getRandomValues(new Uint8Array(32)),
  issuer: 'oncepass',
  audience: 'oncepass-api',
}
const now = Date.UTC(2026, 10, 22, 12)
const nowS = Math.floor(now / 1000)
const claims = { sub: 'user-1', sid: 'session-1', tid: 'tenant-1' }

const encode = (value: unknown) => base64url.encode(JSON.stringify(value))

/** A correctly signed token with arbitrary header and payload. */
function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key = config.signingKey,
) {
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key)
}
const goodPayload = { ...claims, iss: 'oncepass', aud: 'oncepass-api', iat: nowS, exp: nowS + 600 }

describe('access tokens', () => {
  it('round-trip with every claim checked', async () => {
    const token = await signAccessToken(config, claims, now, 600)
    expect(await verifyAccessToken(config, token, now)).toEqual(claims)
  })

  it('expire (with at most a few seconds of tolerance)', async () => {
    const token = await signAccessToken(config, claims, now, 600)
    expect(await verifyAccessToken(config, token, now + 600_000 + 4_000)).not.toBeNull()
    expect(await verifyAccessToken(config, token, now + 600_000 + 6_000)).toBeNull()
  })

  it.each([
    ['alg: none', async () => `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(goodPayload)}.`],
    ['HS512 instead of HS256', () => forge({ alg: 'HS512', typ: 'at+jwt' }, goodPayload)],
    [
      'another key',
      () =>
        forge(
          { alg: 'HS256', typ: 'at+jwt' },
          goodPayload,
          crypto.getRandomValues(new Uint8Array(32)),
        ),
    ],
    [
      'a low-entropy key',
      () => forge({ alg: 'HS256', typ: 'at+jwt' }, goodPayload, new TextEncoder().encode('secret')),
    ],
    [
      'wrong audience',
      () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, aud: 'other' }),
    ],
    ['wrong issuer', () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, iss: 'evil' })],
    ['wrong typ', () => forge({ alg: 'HS256', typ: 'JWT' }, goodPayload)],
    ['no typ', () => forge({ alg: 'HS256' }, goodPayload)],
    ['expired', () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, exp: nowS - 60 })],
    [
      'not yet valid (nbf)',
      () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, nbf: nowS + 600 }),
    ],
    [
      'without exp',
      () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, exp: undefined }),
    ],
    [
      'without sid',
      () => forge({ alg: 'HS256', typ: 'at+jwt' }, { ...goodPayload, sid: undefined }),
    ],
    [
      'a challenge token',
      () => signChallengeToken(config, { sub: 'user-1', jti: 'c', ver: 1 }, now, 600),
    ],
    [
      'an embedded jwk header (key confusion)',
      async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256')
        return new SignJWT(goodPayload)
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk: await exportJWK(publicKey) })
          .sign(privateKey)
      },
    ],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await signAccessToken(config, claims, now, 600)).split('.')
        return `${header}.${encode({ ...goodPayload, sub: 'admin' })}.${signature}`
      },
    ],
    ['garbage', async () => 'not.a.token'],
  ])('rejects %s', async (_label, make) => {
    expect(await verifyAccessToken(config, await make(), now)).toBeNull()
  })
})

describe('challenge tokens', () => {
  it('round-trip, and are refused as access tokens and vice versa', async () => {
    const challenge = await signChallengeToken(
      config,
      { sub: 'user-1', jti: 'c1', ver: 3 },
      now,
      600,
    )
    expect(await verifyChallengeToken(config, challenge, now)).toEqual({
      sub: 'user-1',
      jti: 'c1',
      ver: 3,
    })
    expect(await verifyAccessToken(config, challenge, now)).toBeNull()
    const access = await signAccessToken(config, claims, now, 600)
    expect(await verifyChallengeToken(config, access, now)).toBeNull()
  })

  it('expire', async () => {
    const challenge = await signChallengeToken(
      config,
      { sub: 'user-1', jti: 'c1', ver: 3 },
      now,
      600,
    )
    expect(await verifyChallengeToken(config, challenge, now + 610_000)).toBeNull()
  })
})

describe('hashToken', () => {
  it('is SHA-256, base64url: the known vector, and Web Crypto on random inputs', async () => {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(hashToken('abc')).toBe(
      base64url.encode(fromHex('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')),
    )
    for (let length = 0; length < 200; length += 7) {
      const text = randomToken(cryptoRandom, length)
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
      expect(hashToken(text)).toBe(base64url.encode(new Uint8Array(digest)))
    }
  })
})

function fromHex(hex: string) {
  return Uint8Array.from(hex.match(/../g)!, (byte) => Number.parseInt(byte, 16))
}
