import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { generateOidcKey, loadOidcKeys } from '../../../src/core/oidc/signing-keys.ts'
import {
  signAppAccessToken,
  signIdToken,
  signLogoutToken,
  verifyAppAccessToken,
  verifyIdTokenHint,
} from '../../../src/core/oidc/tokens.ts'

const ISSUER = 'https://id.example'
const NOW = Date.UTC(2026, 11, 6, 10, 0, 0)
const access = {
  issuer: ISSUER,
  clientId: 'app-1',
  sub: 'user-1',
  tid: 'tenant-1',
  scope: 'openid email',
  sid: 'session-1',
  gid: 'grant-1',
  jti: 'token-1',
}

describe('the provider keys', () => {
  it('publish public parts only, with a kid, and keep retired keys verifiable', async () => {
    const old = await generateOidcKey()
    const current = await generateOidcKey()
    const keys = await loadOidcKeys(current, [old])
    expect(keys.jwks.keys.map((key) => key.kid)).toEqual([current.kid, old.kid])
    for (const key of keys.jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
    }
    const before = await signAppAccessToken(await loadOidcKeys(old), access, NOW, 600)
    expect(await verifyAppAccessToken(keys, ISSUER, before, NOW)).not.toBeNull()
  })

  it('refuses a key that is not a private P-256 key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true })
    await expect(loadOidcKeys(await exportJWK(privateKey))).rejects.toThrow(/P-256/)
    const current = await generateOidcKey()
    const publicOnly = { ...current }
    delete publicOnly.d
    await expect(loadOidcKeys(publicOnly)).rejects.toThrow(/private/)
  })
})

describe('tokens an app sees', () => {
  it('are ES256 with the kid of the current key', async () => {
    const keys = await loadOidcKeys(await generateOidcKey())
    const idToken = await signIdToken(
      keys,
      {
        issuer: ISSUER,
        clientId: 'app-1',
        user: { sub: 'user-1', tid: 'tenant-1', email: 'ann@x.example' },
        authTime: NOW - 5000,
        amr: ['pwd', 'otp', 'mfa'],
        sid: 'session-1',
        nonce: 'n-1',
      },
      NOW,
      600,
    )
    expect(decodeProtectedHeader(idToken)).toEqual({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    const accessToken = await signAppAccessToken(keys, access, NOW, 600)
    expect(decodeProtectedHeader(accessToken).typ).toBe('at+jwt')
    expect(await verifyAppAccessToken(keys, ISSUER, accessToken, NOW)).toEqual({
      sub: 'user-1',
      clientId: 'app-1',
      scope: 'openid email',
      tid: 'tenant-1',
      sid: 'session-1',
      gid: 'grant-1',
    })
    expect(await verifyIdTokenHint(keys, ISSUER, idToken)).toEqual({
      sub: 'user-1',
      clientId: 'app-1',
      sid: 'session-1',
    })
  })

  it('refuses forgeries: HS256 with the public key as secret, none, another issuer, expired', async () => {
    const keys = await loadOidcKeys(await generateOidcKey())
    const publicJwk = keys.jwks.keys[0]!
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk))
    const forged = await new SignJWT({
      client_id: 'app-1',
      scope: 'openid',
      tid: 't',
      sid: 's',
      gid: 'g',
    })
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setSubject('user-1')
      .setAudience('app-1')
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 600)
      .sign(secret)
    expect(await verifyAppAccessToken(keys, ISSUER, forged, NOW)).toBeNull()
    const [, payload] = forged.split('.')
    const none = `${btoa(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).replace(/=+$/, '')}.${payload}.`
    expect(await verifyAppAccessToken(keys, ISSUER, none, NOW)).toBeNull()
    const good = await signAppAccessToken(keys, access, NOW, 600)
    expect(await verifyAppAccessToken(keys, 'https://other.example', good, NOW)).toBeNull()
    expect(await verifyAppAccessToken(keys, ISSUER, good, NOW + 700_000)).toBeNull()
    const otherKeys = await loadOidcKeys(await generateOidcKey())
    expect(await verifyAppAccessToken(otherKeys, ISSUER, good, NOW)).toBeNull()
    // An access token is no ID token hint, and a logout token neither.
    expect(await verifyIdTokenHint(keys, ISSUER, good)).toBeNull()
    const logout = await signLogoutToken(
      keys,
      { issuer: ISSUER, clientId: 'app-1', sub: 'user-1', sid: 'session-1', jti: 'j' },
      NOW,
    )
    expect(await verifyAppAccessToken(keys, ISSUER, logout, NOW)).toBeNull()
    expect(await verifyIdTokenHint(keys, ISSUER, logout)).toBeNull()
  })

  it('takes an expired ID token as a sign-out hint', async () => {
    const keys = await loadOidcKeys(await generateOidcKey())
    const idToken = await signIdToken(
      keys,
      {
        issuer: ISSUER,
        clientId: 'app-1',
        user: { sub: 'user-1', tid: 'tenant-1' },
        authTime: NOW,
        amr: ['pwd'],
        sid: 'session-1',
      },
      NOW - 86_400_000,
      600,
    )
    expect(await verifyIdTokenHint(keys, ISSUER, idToken)).toEqual({
      sub: 'user-1',
      clientId: 'app-1',
      sid: 'session-1',
    })
    expect(await verifyIdTokenHint(keys, 'https://other.example', idToken)).toBeNull()
  })
})

describe('verified access tokens', () => {
  it('are remembered by their exact text until they expire, per issuer', async () => {
    const keys = await loadOidcKeys(await generateOidcKey())
    const token = await signAppAccessToken(keys, access, NOW, 600)
    const first = await verifyAppAccessToken(keys, ISSUER, token, NOW)
    expect(await verifyAppAccessToken(keys, ISSUER, token, NOW + 1000)).toEqual(first)
    expect(await verifyAppAccessToken(keys, 'https://other.example', token, NOW)).toBeNull()
    expect(await verifyAppAccessToken(keys, ISSUER, token, NOW + 606_000)).toBeNull()
    // Another spelling of the same token is verified in full, and refused when altered.
    expect(await verifyAppAccessToken(keys, ISSUER, `${token.slice(0, -2)}AA`, NOW)).toBeNull()
  })
})
