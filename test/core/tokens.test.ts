import { base64url, SignJWT, generateKeyPair, exportJWK } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cryptoRandom, randomToken } from '../../src/core/random.ts'
import {
  hashToken,
  signAccessToken,
  signChallengeToken,
  signMfaToken,
  type TokenConfig,
  verifyAccessToken,
  verifyChallengeToken,
  verifyMfaToken,
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

/** A config with a key of its own, so no other test's verified tokens are remembered for it. */
const freshConfig = (): TokenConfig => ({
  ...config,
  signingKey: crypto.getRandomValues(new Uint8Array(32)),
})

/** The decoded header and payload of a token, as another party would read them. */
function decode(token: string) {
  const [header, payload] = token.split('.', 2)
  const json = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part)))
  return { header: json(header!), payload: json(payload!) }
}

describe('what each token says on the wire', () => {
  it('access: HS256, typ at+jwt (RFC 9068), the API audience, exp = iat + ttl', async () => {
    const token = await signAccessToken(config, claims, now + 999, 600)
    expect(decode(token)).toEqual({
      header: { alg: 'HS256', typ: 'at+jwt' },
      payload: { ...claims, iss: 'oncepass', aud: 'oncepass-api', iat: nowS, exp: nowS + 600 },
    })
  })

  it('change challenge and MFA step: their own typ and audience, so neither opens anything else', async () => {
    const step = { sub: 'user-1', jti: 'c1', ver: 3 }
    const body = { sub: 'user-1', jti: 'c1', ver: 3, iss: 'oncepass', iat: nowS, exp: nowS + 300 }
    expect(decode(await signChallengeToken(config, step, now, 300))).toEqual({
      header: { alg: 'HS256', typ: 'pwchange+jwt' },
      payload: { ...body, aud: 'oncepass-api:password-change' },
    })
    expect(decode(await signMfaToken(config, step, now, 300))).toEqual({
      header: { alg: 'HS256', typ: 'mfa+jwt' },
      payload: { ...body, aud: 'oncepass-api:mfa' },
    })
  })
})

describe('MFA step tokens', () => {
  const step = { sub: 'user-1', jti: 'm1', ver: 2 }

  it('round-trip, expire, and are refused as any other kind of token and vice versa', async () => {
    const mfa = await signMfaToken(config, step, now, 300)
    expect(await verifyMfaToken(config, mfa, now)).toEqual(step)
    expect(await verifyMfaToken(config, mfa, now + 306_000)).toBeNull()
    expect(await verifyChallengeToken(config, mfa, now)).toBeNull()
    expect(await verifyAccessToken(config, mfa, now)).toBeNull()
    const challenge = await signChallengeToken(config, step, now, 300)
    expect(await verifyMfaToken(config, challenge, now)).toBeNull()
    expect(
      await verifyMfaToken(config, await signAccessToken(config, claims, now, 300), now),
    ).toBeNull()
  })
})

describe('claims of the wrong type, correctly signed', () => {
  const forgeWith = (typ: string, aud: string, payload: Record<string, unknown>) =>
    forge({ alg: 'HS256', typ }, { iss: 'oncepass', aud, iat: nowS, exp: nowS + 600, ...payload })

  it.each([
    ['a numeric sid', { sid: 1 }],
    ['an object tid', { tid: { id: 'tenant-1' } }],
    ['a numeric sub', { sub: 7 }],
  ])('an access token with %s is refused', async (_label, change) => {
    const token = await forgeWith('at+jwt', 'oncepass-api', { ...claims, ...change })
    expect(await verifyAccessToken(config, token, now)).toBeNull()
  })

  it.each([
    ['a numeric jti', { jti: 5 }],
    ['a numeric sub', { sub: 5 }],
    ['a string ver', { ver: '3' }],
    ['a fractional ver', { ver: 2.5 }],
    ['no ver', { ver: undefined }],
  ])('a challenge or MFA token with %s is refused', async (_label, change) => {
    const payload = { sub: 'user-1', jti: 'c1', ver: 3, ...change }
    const challenge = await forgeWith('pwchange+jwt', 'oncepass-api:password-change', payload)
    expect(await verifyChallengeToken(config, challenge, now)).toBeNull()
    const mfa = await forgeWith('mfa+jwt', 'oncepass-api:mfa', payload)
    expect(await verifyMfaToken(config, mfa, now)).toBeNull()
  })
})

describe('verified access tokens are remembered until they expire', () => {
  afterEach(() => vi.restoreAllMocks())

  it('a second check of the same token skips the signature, and gives the same claims', async () => {
    const fresh = freshConfig()
    const token = await signAccessToken(fresh, claims, now, 600)
    // A full check parses the header and the claims once the tag holds; a remembered token, nothing.
    const parse = vi.spyOn(JSON, 'parse')
    expect(await verifyAccessToken(fresh, token, now)).toEqual(claims)
    expect(parse).toHaveBeenCalledTimes(2)
    expect(await verifyAccessToken(fresh, token, now + 1000)).toEqual(claims)
    expect(parse).toHaveBeenCalledTimes(2)
  })

  it('a remembered token still expires, with the same few seconds of tolerance', async () => {
    const fresh = freshConfig()
    const token = await signAccessToken(fresh, claims, now, 600)
    expect(await verifyAccessToken(fresh, token, now)).toEqual(claims)
    const exp = nowS * 1000 + 600_000
    expect(await verifyAccessToken(fresh, token, exp + 4_999)).toEqual(claims)
    expect(await verifyAccessToken(fresh, token, exp + 5_000)).toBeNull()
    expect(await verifyAccessToken(fresh, token, now)).toEqual(claims)
  })

  it('at most 10,000 are remembered: the oldest is forgotten first', async () => {
    const fresh = freshConfig()
    const tokens = await Promise.all(
      Array.from({ length: 10_001 }, (_, i) =>
        signAccessToken(fresh, { ...claims, sid: `s${i}` }, now, 600),
      ),
    )
    for (const token of tokens.slice(0, 10_000)) await verifyAccessToken(fresh, token, now)
    const parse = vi.spyOn(JSON, 'parse')
    const checkedInFull = () => parse.mock.calls.length / 2
    // Full: the first is still remembered.
    await verifyAccessToken(fresh, tokens[0]!, now)
    expect(checkedInFull()).toBe(0)
    // One more pushes the oldest out (a hit does not make it younger); the newest stays.
    await verifyAccessToken(fresh, tokens[10_000]!, now)
    expect(checkedInFull()).toBe(1)
    await verifyAccessToken(fresh, tokens[0]!, now)
    expect(checkedInFull()).toBe(2)
    await verifyAccessToken(fresh, tokens[10_000]!, now)
    expect(checkedInFull()).toBe(2)
  }, 60_000)

  it('a token that is not three base64url parts of JSON is invalid, never an error', async () => {
    const good = await signAccessToken(config, claims, now, 600)
    const [header, payload] = good.split('.')
    for (const token of [
      '',
      'a.b',
      'a.b.c.d',
      `${header}.${payload}.+/=`,
      `${header}.${payload}.`,
    ]) {
      expect(await verifyAccessToken(config, token, now)).toBeNull()
      expect(await verifyChallengeToken(config, token, now)).toBeNull()
    }
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
