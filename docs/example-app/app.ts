/**
 * A minimal app that signs its users in through oncepass, with openid-client (OpenID-certified).
 * Run it beside oncepass:
 *
 *   ISSUER=http://127.0.0.1:3000 CLIENT_ID=… CLIENT_SECRET=… node --import tsx docs/example-app/app.ts
 *
 * and register it in oncepass with the redirect URI http://127.0.0.1:4000/callback.
 */
import { createServer } from 'node:http'
import * as client from 'openid-client'

const { ISSUER = 'http://127.0.0.1:3000', CLIENT_ID = '', CLIENT_SECRET = '' } = process.env
const PORT = Number(process.env.PORT ?? 4000)
const REDIRECT_URI = `http://127.0.0.1:${PORT}/callback`

// Everything about the provider comes from its discovery document. Plain http is allowed here
// only because this example talks to oncepass on loopback.
const config = await client.discovery(
  new URL(ISSUER),
  CLIENT_ID,
  undefined,
  client.ClientSecretBasic(CLIENT_SECRET),
  ISSUER.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : undefined,
)

// One browser at a time keeps the example short; a real app keeps these in its session.
let pending: { verifier: string; state: string; nonce: string } | undefined
let signedIn: { idToken: string; claims: unknown } | undefined

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${PORT}`)
  const html = (body: string) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>Example app</title>${body}`)
  }
  try {
    if (url.pathname === '/login') {
      pending = {
        verifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
      }
      const location = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      res.writeHead(302, { Location: location.href }).end()
    } else if (url.pathname === '/callback' && pending) {
      // Checks the state, the iss parameter, the ID token's signature, audience and nonce.
      const tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      })
      pending = undefined
      signedIn = { idToken: tokens.id_token!, claims: tokens.claims() }
      res.writeHead(302, { Location: '/' }).end()
    } else if (url.pathname === '/logout' && signedIn) {
      const location = client.buildEndSessionUrl(config, {
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: `http://127.0.0.1:${PORT}/`,
      })
      signedIn = undefined
      res.writeHead(302, { Location: location.href }).end()
    } else if (signedIn) {
      const claims = JSON.stringify(signedIn.claims, null, 2).replace(/</g, '&lt;')
      html(`<h1>Signed in</h1><pre id="claims">${claims}</pre><a href="/logout">Sign out</a>`)
    } else {
      html('<h1>Example app</h1><a href="/login">Sign in with oncepass</a>')
    }
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error))
  }
})

server.listen(PORT, '127.0.0.1', () => console.log(`Example app on http://127.0.0.1:${PORT}`))
