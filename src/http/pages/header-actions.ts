import { Hono } from 'hono'
import { signOut } from '../../services/sessions.ts'
import { chooseOwnLanguage } from '../../services/user-language.ts'
import { isLanguage } from '../../ui/copy.ts'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { languageCookie, sessionCookie } from './cookies.ts'
import { readForm } from './forms.ts'
import { currentActor, formGuards } from './guards.ts'
import { type Ctx, seeOther } from './render.ts'

/** The two forms of every page's header: Sign out, and the language switch. */
export function headerActions() {
  return new Hono<AppEnv>()
    .post('/sign-out', formGuards, submitSignOut)
    .post('/language', formGuards, submitLanguage)
}

async function submitSignOut(c: Ctx) {
  const actor = await currentActor(c)
  if (actor) await signOut(c.get('deps'), actor, undefined, requestMeta(c))
  sessionCookie.clear(c)
  return seeOther(c, '/sign-in')
}

/** This browser's pages in that language, and a signed-in user's notices too (their choice). */
async function submitLanguage(c: Ctx) {
  const form = await readForm(c)
  if (isLanguage(form.lang)) {
    languageCookie.write(c, form.lang)
    const actor = await currentActor(c)
    if (actor) await chooseOwnLanguage(c.get('deps'), actor, form.lang)
  }
  return seeOther(c, localPath(form.next ?? ''))
}

/**
 * Only a path of this site, in printable ASCII: never `//host` or a backslash trick that leaves
 * it, and never a control character, which no Location header may carry.
 */
export function localPath(next: string): string {
  return /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/'
}
