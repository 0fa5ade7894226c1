import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../core/errors.ts'
import { authenticate } from '../../services/sessions.ts'
import type { AppEnv } from '../env.ts'

// RFC 7235: the scheme name is case-insensitive; RFC 6750 b64token for the credentials.
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i

/**
 * Requires a valid access token and loads the caller from the database on every request, so a
 * revoked session or a flagged account is refused on its very next call. A password-change
 * challenge is a different token type and audience: it gets a 403 here and opens nothing.
 * Attached per route (see `bearerRoute`), so no route can be left out by a list of paths.
 */
export const authenticated: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = BEARER.exec(c.req.header('Authorization') ?? '')
  if (!match) throw new AppError('UNAUTHENTICATED', { headers: { 'WWW-Authenticate': 'Bearer' } })
  try {
    c.set('actor', await authenticate(c.get('deps'), match[1]!))
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
      throw new AppError('UNAUTHENTICATED', {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      })
    }
    throw error
  }
  return next()
}
