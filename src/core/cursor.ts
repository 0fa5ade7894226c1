import { AppError } from './errors.ts'

// Every paged list's opaque cursor: JSON in base64url, because standard base64's `+` and `/`
// are mangled in a query string (`+` reads back as a space) unless the client escapes them.

/** The opaque cursor of a keyset position. */
export function encodeCursor(position: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * The position in a cursor made by `encodeCursor`, checked by `isPosition`; anything else is
 * VALIDATION_FAILED.
 */
export function decodeCursor<T>(cursor: string, isPosition: (value: unknown) => value is T): T {
  try {
    if (/^[A-Za-z0-9_-]*$/.test(cursor)) {
      const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
        Uint8Array.from(binary, (c) => c.charCodeAt(0)),
      )
      const value = JSON.parse(text) as unknown
      if (isPosition(value)) return value
    }
  } catch {
    // fall through: not base64url, not UTF-8 or not JSON
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid.' })
}
