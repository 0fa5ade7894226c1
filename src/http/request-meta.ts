import type { Context } from 'hono'
import type { RequestMeta } from '../services/caller.ts'
import { chooseLanguage, isLanguage } from '../ui/copy.ts'
import type { AppEnv } from './env.ts'
import { languageCookie } from './pages/cookies.ts'

/**
 * The request facts the use cases take: our own request id, the real client IP, and the language
 * the caller reads (the switch's choice, else `Accept-Language`), as the pages pick it.
 */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  const chosen = isLanguage(languageCookie.read(c))
  return {
    requestId: c.get('requestId'),
    ip: c.get('deps').clientIp(c),
    language: requestLanguage(c),
    languageFrom: chosen ? 'switch' : c.req.header('Accept-Language') ? 'browser' : undefined,
  }
}

/** The language a page is rendered in and a notice written in, for this request. */
export function requestLanguage(c: Context<AppEnv>) {
  return chooseLanguage(c.req.header('Accept-Language'), languageCookie.read(c))
}
