import { OpenAPIHono } from '@hono/zod-openapi'
import { requestPasswordReset } from '../../services/forgot-password.ts'
import { completeMfaSignIn } from '../../services/mfa-sign-in.ts'
import { completePasswordChange } from '../../services/password-change.ts'
import { refreshSession, signOut } from '../../services/sessions.ts'
import { signIn } from '../../services/sign-in.ts'
import { runAfterResponse } from '../after-response.ts'
import type { AppEnv } from '../env.ts'
import { apiRoute, bearerRoute, jsonBody, jsonResponse, problems, z } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import {
  ForgotPasswordBody,
  MfaBody,
  MfaRequired,
  PasswordChangeBody,
  PasswordChangeRequired,
  RefreshBody,
  SignedIn,
  SignInBody,
  SignOutBody,
} from '../schemas.ts'

const signInRoute = apiRoute({
  method: 'post',
  path: '/sign-in',
  tags: ['auth'],
  summary: 'Sign in with email and password',
  request: jsonBody(SignInBody),
  responses: {
    200: jsonResponse(
      z.union([SignedIn, PasswordChangeRequired, MfaRequired]),
      'Signed in, or a second factor or a forced change is required',
    ),
    ...problems(400, 401, 415, 429),
  },
})

const mfaRoute = apiRoute({
  method: 'post',
  path: '/mfa',
  tags: ['auth'],
  summary: 'Complete a sign-in with a TOTP code or a recovery code',
  request: jsonBody(MfaBody),
  responses: {
    200: jsonResponse(
      z.union([SignedIn, PasswordChangeRequired]),
      'Signed in, or a forced change is required',
    ),
    ...problems(401, 429),
  },
})

const passwordChangeRoute = apiRoute({
  method: 'post',
  path: '/password-change',
  tags: ['auth'],
  summary: 'Complete the forced password change with the challenge from sign-in',
  request: jsonBody(PasswordChangeBody),
  responses: {
    200: jsonResponse(SignedIn, 'Password set; a new session'),
    ...problems(401, 422, 429),
  },
})

const refreshRoute = apiRoute({
  method: 'post',
  path: '/refresh',
  tags: ['auth'],
  summary: 'Rotate a refresh token',
  request: jsonBody(RefreshBody),
  responses: { 200: jsonResponse(SignedIn, 'New tokens'), ...problems(401) },
})

const signOutRoute = bearerRoute({
  method: 'post',
  path: '/sign-out',
  tags: ['auth'],
  summary: 'End the current session and its refresh family',
  request: jsonBody(SignOutBody, false),
  responses: { 204: { description: 'Signed out' } },
})

const forgotRoute = apiRoute({
  method: 'post',
  path: '/forgot-password',
  tags: ['auth'],
  summary: 'Ask an admin for a reset (always 202, whether or not the email exists)',
  request: jsonBody(ForgotPasswordBody),
  responses: { 202: { description: 'Accepted' } },
})

export function authRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(signInRoute, async (c) => {
    const result = await signIn(c.get('deps'), c.req.valid('json'), requestMeta(c))
    return c.json(result, 200)
  })
  app.openapi(mfaRoute, async (c) =>
    c.json(await completeMfaSignIn(c.get('deps'), c.req.valid('json'), requestMeta(c)), 200),
  )
  app.openapi(passwordChangeRoute, async (c) => {
    return c.json(
      await completePasswordChange(c.get('deps'), c.req.valid('json'), requestMeta(c)),
      200,
    )
  })
  app.openapi(refreshRoute, async (c) => {
    return c.json(
      await refreshSession(c.get('deps'), c.req.valid('json').refreshToken, requestMeta(c)),
      200,
    )
  })
  app.openapi(signOutRoute, async (c) => {
    const body = c.req.valid('json') ?? {}
    await signOut(c.get('deps'), c.get('actor'), body.refreshToken, requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(forgotRoute, async (c) => {
    const followUp = await requestPasswordReset(
      c.get('deps'),
      c.req.valid('json').email,
      requestMeta(c),
    )
    // What depends on the email waits until the answer has left: its timing tells nothing.
    if (followUp) runAfterResponse(c, followUp)
    return c.body(null, 202)
  })
  return app
}
