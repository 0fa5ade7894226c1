import { OpenAPIHono } from '@hono/zod-openapi'
import {
  confirmTotpEnrollment,
  disableTotp,
  startTotpEnrollment,
  verifyStepUp,
} from '../../services/mfa.ts'
import { changeOwnPassword } from '../../services/password-change.ts'
import { chooseOwnLanguage, readOwnAccount } from '../../services/user-language.ts'
import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import { bearerRoute, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import {
  ChangeOwnPasswordBody,
  DisableTotpBody,
  Me,
  MfaCodeBody,
  RecoveryCodes,
  StartTotpBody,
  TotpEnrollment,
  UpdateMeBody,
} from '../schemas.ts'

const meRoute = bearerRoute({
  method: 'get',
  path: '/',
  tags: ['me'],
  summary: 'The signed-in user',
  responses: { 200: jsonResponse(Me, 'The caller') },
})

const updateMeRoute = bearerRoute({
  method: 'patch',
  path: '/',
  tags: ['me'],
  summary: 'Choose the language of your notices (en, nl, da or sv)',
  request: jsonBody(UpdateMeBody),
  responses: { 200: jsonResponse(Me, 'The caller, as changed') },
})

const changePasswordRoute = bearerRoute({
  method: 'post',
  path: '/password',
  tags: ['me'],
  summary: 'Change your own password (ends your other sessions)',
  request: jsonBody(ChangeOwnPasswordBody),
  responses: { 204: { description: 'Changed' }, ...problems(409, 422, 429) },
})

const enrollRoute = bearerRoute({
  method: 'post',
  path: '/mfa/totp',
  tags: ['me'],
  summary:
    'Start a TOTP enrollment with your current password: a new secret, its otpauth URI and QR code (pending); a wrong password is 401 INVALID_CREDENTIALS and counts toward the sign-in lock',
  request: jsonBody(StartTotpBody),
  responses: {
    201: jsonResponse(TotpEnrollment, 'Pending until confirmed'),
    ...problems(409, 429),
  },
})

const confirmRoute = bearerRoute({
  method: 'post',
  path: '/mfa/totp/confirm',
  tags: ['me'],
  summary: 'Confirm the enrollment with a code; the recovery codes are shown this once',
  request: jsonBody(MfaCodeBody),
  responses: {
    200: jsonResponse(RecoveryCodes, 'TOTP is on; ten one-time recovery codes'),
    ...problems(400, 409, 415),
  },
})

const disableRoute = bearerRoute({
  method: 'delete',
  path: '/mfa/totp',
  tags: ['me'],
  summary: 'Turn TOTP off with your current password and a current code',
  request: jsonBody(DisableTotpBody),
  responses: { 204: { description: 'Removed' }, ...problems(400, 409, 415, 429) },
})

const verifyRoute = bearerRoute({
  method: 'post',
  path: '/mfa/verify',
  tags: ['me'],
  summary: 'Re-verify with a code (step-up) before an action that asks for it',
  request: jsonBody(MfaCodeBody),
  responses: { 204: { description: 'Verified' }, ...problems(400, 409, 415, 429) },
})

export function meRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(meRoute, async (c) => c.json(await describeMe(c), 200))
  app.openapi(updateMeRoute, async (c) => {
    await chooseOwnLanguage(c.get('deps'), c.get('actor'), c.req.valid('json').language)
    return c.json(await describeMe(c), 200)
  })
  app.openapi(changePasswordRoute, async (c) => {
    await changeOwnPassword(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(enrollRoute, async (c) =>
    c.json(
      await startTotpEnrollment(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c)),
      201,
    ),
  )
  app.openapi(confirmRoute, async (c) =>
    c.json(
      await confirmTotpEnrollment(
        c.get('deps'),
        c.get('actor'),
        c.req.valid('json'),
        requestMeta(c),
      ),
      200,
    ),
  )
  app.openapi(disableRoute, async (c) => {
    await disableTotp(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(verifyRoute, async (c) => {
    await verifyStepUp(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c))
    return c.body(null, 204)
  })
  return app
}

/** The caller as `GET /me` shows them. */
async function describeMe(c: Context<AppEnv>) {
  const { id, email, displayName, role, tenantId } = c.get('actor')
  const { totp, language } = await readOwnAccount(c.get('deps'), c.get('actor'))
  return { id, email, displayName, role, tenantId, language, mfa: { totp } }
}
