import { base64url, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Bearer tokens as an attacker would present them, through the app: every forged, altered or
// misdirected token is a 401 on a real session's routes; a password-change challenge is a 403
// everywhere but the change step (docs/security.md, Sessions and tokens).

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const encode = (value: unknown) => base64url.encode(JSON.stringify(value))

describe('access tokens presented to GET /me', () => {
  it('refuses every forged, altered or misdirected token with 401 and WWW-Authenticate', async () => {
    const admin = await t.seedTenant()
    const real = decodeJwt(admin.accessToken)
    const key = t.deps.tokens.signingKey
    const nowS = Math.floor(t.clock.now() / 1000)
    const good = { ...real, iat: nowS, exp: nowS + 600 }
    const forge = (header: Record<string, unknown>, payload: Record<string, unknown>, k = key) =>
      new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(k)
    const [header, , signature] = admin.accessToken.split('.')

    const corpus: Record<string, string> = {
      'alg: none': `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(good)}.`,
      'HS512 with the right key': await forge({ alg: 'HS512', typ: 'at+jwt' }, good),
      'another key': await forge(
        { alg: 'HS256', typ: 'at+jwt' },
        good,
        crypto.getRandomValues(new Uint8Array(32)),
      ),
      'wrong audience': await forge({ alg: 'HS256', typ: 'at+jwt' }, { ...good, aud: 'other' }),
      'wrong issuer': await forge({ alg: 'HS256', typ: 'at+jwt' }, { ...good, iss: 'evil' }),
      'wrong typ': await forge({ alg: 'HS256', typ: 'JWT' }, good),
      expired: await forge({ alg: 'HS256', typ: 'at+jwt' }, { ...good, exp: nowS - 60 }),
      'not yet valid': await forge({ alg: 'HS256', typ: 'at+jwt' }, { ...good, nbf: nowS + 600 }),
      'tampered payload': `${header}.${encode({ ...real, sub: 'someone-else' })}.${signature}`,
      'embedded jwk': await (async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256')
        return new SignJWT(good)
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk: await exportJWK(publicKey) })
          .sign(privateKey)
      })(),
      'another session id': await forge({ alg: 'HS256', typ: 'at+jwt' }, { ...good, sid: 'x' }),
    }
    for (const [label, token] of Object.entries(corpus)) {
      const res = await t.get('me', token)
      expect({ label, status: res.status, code: res.json?.code }).toEqual({
        label,
        status: 401,
        code: 'UNAUTHENTICATED',
      })
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    }
    // The real token, with the scheme in any letter case (RFC 7235), still works.
    const lower = await t.call('GET', 'me', {
      headers: { authorization: `bearer ${admin.accessToken}` },
    })
    expect(lower.status).toBe(200)
  })
})

describe('a password-change challenge', () => {
  it('is refused by every bearer route with 403 PASSWORD_CHANGE_REQUIRED, and is a 401 once expired', async () => {
    const admin = await t.seedTenant()
    const created = await t.post(
      'users',
      { email: 'bob@example.com', displayName: 'Bob', role: 'global_admin' },
      { token: admin.accessToken },
    )
    const challenge = (
      await t.post('auth/sign-in', {
        email: 'bob@example.com',
        password: created.json.temporaryPassword,
      })
    ).json

    // Every operation the API documents as taking a bearer token, from the OpenAPI document.
    const doc = (await t.get('/openapi.json')).json
    const bearerRoutes: [string, string][] = []
    for (const [path, operations] of Object.entries<Record<string, { security?: unknown[] }>>(
      doc.paths,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.security?.length) {
          bearerRoutes.push([method.toUpperCase(), path.replace('{id}', created.json.user.id)])
        }
      }
    }
    expect(bearerRoutes.length).toBeGreaterThanOrEqual(10)

    const answers = async () =>
      Promise.all(
        bearerRoutes.map(async ([method, path]) => {
          const res = await t.call(method, path, {
            token: challenge.challengeToken,
            body: method === 'POST' ? {} : undefined,
          })
          return `${method} ${path} ${res.status} ${res.json?.code}`
        }),
      )
    expect(await answers()).toEqual(
      bearerRoutes.map(([method, path]) => `${method} ${path} 403 PASSWORD_CHANGE_REQUIRED`),
    )
    t.clock.advance(11 * 60 * 1000)
    expect(await answers()).toEqual(
      bearerRoutes.map(([method, path]) => `${method} ${path} 401 UNAUTHENTICATED`),
    )
  })
})
