import type { RequestMeta } from './caller.ts'

/**
 * The language a notice to `recipient` is written in: the recipient's own, when their user row
 * holds one, else the language of the request that caused it.
 */
export function noticeLanguage(recipient: object, meta: RequestMeta): string {
  const own = (recipient as { language?: unknown }).language
  return typeof own === 'string' && own !== '' ? own : meta.language
}
