import { decodeCursor, encodeCursor } from '../core/cursor.ts'
import { AppError } from '../core/errors.ts'
import type { ListPosition, UserOrder, UserRow } from '../db/users.ts'

// The cursors of the users list: where the next and the previous page start, in its order. The
// commonest one (on by email) stays a plain email, as it always was; the others are objects.

interface StoredPosition {
  /** The order: email or name. */
  o: 'e' | 'n'
  k: string
  /** After or before the key. */
  d: 'a' | 'b'
  /** The key's own user included. */
  i?: 1
}

export function encodeListCursor(order: UserOrder, position: ListPosition): string {
  if (order === 'email' && position.direction === 'after' && !position.inclusive) {
    return encodeCursor(position.key)
  }
  const stored: StoredPosition = {
    o: order === 'email' ? 'e' : 'n',
    k: position.key,
    d: position.direction === 'after' ? 'a' : 'b',
    ...(position.inclusive ? { i: 1 } : {}),
  }
  return encodeCursor(stored)
}

/** The position in a cursor of this list; one made for another order is VALIDATION_FAILED. */
export function decodeListCursor(order: UserOrder, cursor: string): ListPosition {
  const value = decodeCursor(cursor, isListCursor)
  if (typeof value === 'string') {
    if (order !== 'email') throw invalidCursor()
    return { key: value, direction: 'after' }
  }
  if (value.o !== (order === 'email' ? 'e' : 'n')) throw invalidCursor()
  return { key: value.k, direction: value.d === 'a' ? 'after' : 'before', inclusive: value.i === 1 }
}

const invalidCursor = () =>
  new AppError('VALIDATION_FAILED', { detail: 'The cursor is not one of this list.' })

function isListCursor(value: unknown): value is string | StoredPosition {
  if (typeof value === 'string') return true
  if (typeof value !== 'object' || value === null) return false
  const { o, k, d, i } = value as Record<string, unknown>
  return (
    (o === 'e' || o === 'n') &&
    typeof k === 'string' &&
    (d === 'a' || d === 'b') &&
    (i === undefined || i === 1)
  )
}

/**
 * A page of `limit` users out of the rows read from `position` (one more than asked, to tell
 * whether more follow), with where the pages before and after it start. A page that read a
 * bounded stretch without filling up resumes from where it stopped reading (`readTo`).
 */
export function pageOf(
  rows: UserRow[],
  readTo: string | null,
  query: { order: UserOrder; position: ListPosition | null; limit: number },
): { page: UserRow[]; next: ListPosition | null; previous: ListPosition | null } {
  const { order, position, limit } = query
  const key = (row: UserRow) => (order === 'email' ? row.email : row.searchKey)
  const more = rows.length > limit
  if (position?.direction === 'before') {
    // Read backwards: the row furthest from the position is the extra one.
    const page = more ? rows.slice(1) : rows
    const first = page[0]
    const previousFrom = more && first ? key(first) : readTo
    return {
      page,
      previous: previousFrom === null ? null : { key: previousFrom, direction: 'before' },
      next: besideOrPast(page.at(-1), key, position, 'after'),
    }
  }
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextFrom = more && last ? key(last) : readTo
  return {
    page,
    next: nextFrom === null ? null : { key: nextFrom, direction: 'after' },
    previous: position ? besideOrPast(page[0], key, position, 'before') : null,
  }
}

/**
 * The position going the other way: past the page's edge row, or (for a page with no row) back
 * across the position the page started from, its own key included if the page excluded it.
 */
function besideOrPast(
  edge: UserRow | undefined,
  key: (row: UserRow) => string,
  from: ListPosition,
  direction: 'after' | 'before',
): ListPosition {
  if (edge) return { key: key(edge), direction }
  return { key: from.key, direction, inclusive: !from.inclusive }
}
