import { AppError, type ErrorCode } from '../../core/errors.ts'
import type { ViolationProps } from '../../ui/pages/auth.tsx'
import type { Ctx } from './render.ts'

/**
 * The text fields of the posted form. A body that is not a well-formed form (a broken multipart
 * body, say) is a 400, as bad input always is; a repeated field or a file is not text we accept
 * and is left out, so the schema sees it missing.
 */
export async function readForm(c: Ctx): Promise<Record<string, string>> {
  let body: Record<string, unknown>
  try {
    body = await c.req.parseBody({ all: true })
  } catch {
    throw new AppError('VALIDATION_FAILED')
  }
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value
  }
  return fields
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError }

/**
 * Runs a use case; a refusal with one of `codes` comes back as a value, for the form to show with
 * its reason. Any other error goes on to the pages' one failure page.
 */
export async function attempt<T>(run: () => Promise<T>, codes: ErrorCode[]): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    if (error instanceof AppError && codes.includes(error.code)) return { ok: false, error }
    throw error
  }
}

/** A new password the schema refused before any rule ran: empty, or over the byte limit. */
export function lengthViolation(password: string): ViolationProps[] {
  return [{ code: password ? 'TOO_LONG' : 'TOO_SHORT', message: '' }]
}

/** The rules a PASSWORD_POLICY refusal names, to list by the field. */
export function violationsOf(error: AppError): ViolationProps[] {
  return (error.extra?.violations ?? []) as ViolationProps[]
}
