import type { Context, MiddlewareHandler } from 'hono'
import { csrf } from 'hono/csrf'
import { AppError } from '../../core/errors.ts'
import { authenticateBrowserSession } from '../../services/browser-sessions.ts'
import type { AppEnv } from '../env.ts'
import { limitBody } from '../middleware/request-guards.ts'
import { sessionCookie } from './cookies.ts'
import { seeOther } from './render.ts'

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

/**
 * Every form post: a bounded body in a form encoding, sent by a page of this site. Hono's csrf()
 * accepts `Sec-Fetch-Site: same-origin` or an Origin that is one of the configured site origins
 * (never the request's own Host); a browser's explicit cross-site request is refused outright.
 * The SameSite=Strict cookie is a third, independent line.
 */
export const formGuards: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header('Sec-Fetch-Site') === 'cross-site') throw new AppError('CROSS_SITE_REQUEST')
  if (!FORM_TYPE.test(c.req.header('Content-Type') ?? '')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE')
  }
  return limitBody(c, async () => {
    await checkOrigin(c, async () => {
      await readForm(c)
      await next()
    })
  })
}

/** Parsed once here (handlers reuse Hono's cached copy): a body that is no form is a 400. */
async function readForm(c: Context<AppEnv>): Promise<void> {
  try {
    await c.req.parseBody()
  } catch (error) {
    throw error instanceof AppError ? error : new AppError('VALIDATION_FAILED')
  }
}

const checkOrigin = csrf({
  origin: (origin, c) => (c as Context<AppEnv>).var.deps.siteOrigins.includes(origin),
})

/** The signed-in caller of a page, or undefined (a stale cookie is cleared on the way). */
export async function currentActor(c: Context<AppEnv>) {
  const token = sessionCookie.read(c)
  if (!token) return undefined
  try {
    return await authenticateBrowserSession(c.get('deps'), token)
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
      sessionCookie.clear(c)
      return undefined
    }
    throw error
  }
}

/** Pages behind sign-in: a missing, expired or revoked session goes back to /sign-in. */
export const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const actor = await currentActor(c)
  if (!actor) return seeOther(c, '/sign-in')
  c.set('actor', actor)
  return next()
}
