import { AppError } from './errors.ts'

// Control characters (C0, DEL, C1), line and paragraph separators, lone surrogates, and the
// bidirectional formatting characters that can make a name display as something else
// (`Admin\u202eevil` renders reversed). Joiners and variation selectors stay allowed: names and
// emoji need them.
const UNSAFE_NAME_CHARACTER =
  /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** Why a name that is not display-safe is refused. */
export const UNSAFE_NAME_MESSAGE =
  'Must not contain control characters, line breaks or bidirectional formatting characters.'

/** True when `name` is safe to show: no control, separator or bidi formatting character. */
export function isDisplaySafeName(name: string): boolean {
  return !UNSAFE_NAME_CHARACTER.test(name)
}

/** Refuses a name that is not display-safe, as VALIDATION_FAILED naming the field. */
export function assertDisplaySafeName(field: string, name: string): void {
  if (!isDisplaySafeName(name)) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `${field}: ${UNSAFE_NAME_MESSAGE}`,
      extra: { errors: [{ path: field, message: UNSAFE_NAME_MESSAGE }] },
    })
  }
}
