import { AppError } from '../core/errors.ts'
import { isLanguage } from '../core/languages.ts'
import type { Guard, Statement } from '../db/database.ts'
import { findOwnAccount, setBrowserLanguage, setChosenLanguage, type UserRow } from '../db/users.ts'
import type { Actor, RequestMeta } from './caller.ts'
import type { Deps } from './deps.ts'

// Each user's language, for the notices written to them: their last choice in the language
// switch (or `PATCH /me`), else their browser's at their last sign-in, else the language of the
// admin who added them.

/** The signed-in user chooses the language of their notices (en, nl, da or sv). */
export async function chooseOwnLanguage(deps: Deps, actor: Actor, language: string): Promise<void> {
  if (!isLanguage(language)) throw new AppError('VALIDATION_FAILED')
  await deps.database.writeAtomically([setChosenLanguage(deps.database.db, actor.id, language)])
}

/**
 * For a sign-in's write: the language the request came in, if it says anything about the user's
 * (a choice in the switch is the user's choice; a browser's is taken unless they chose one).
 */
export function signInLanguageStatements(
  deps: Deps,
  user: Pick<UserRow, 'id'>,
  meta: RequestMeta,
  guard: Guard,
): Statement[] {
  const { db } = deps.database
  switch (meta.languageFrom) {
    case 'switch':
      return [setChosenLanguage(db, user.id, meta.language, guard)]
    case 'browser':
      return [setBrowserLanguage(db, user.id, meta.language, guard)]
    default:
      return []
  }
}

/** The caller's own second factor and language, for `GET /me`. */
export async function readOwnAccount(
  deps: Deps,
  actor: Actor,
): Promise<{ totp: boolean; language: string }> {
  const row = await findOwnAccount(deps.database.db, actor.id)
  return { totp: row?.totpConfirmedAt != null, language: row?.language ?? 'en' }
}
