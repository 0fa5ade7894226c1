// User search on both runtimes without ICU: text is case-folded here, in the app, on the way in
// (the user's search key) and on the way out (the typed term), since SQLite's lower() folds ASCII
// letters only and D1 has no ICU extension.

/** Separates the parts of a search key; never in a typed term (control characters are refused). */
const PART = '\n'
/** Marks the start of a word in the key's last part, where one- and two-letter terms match. */
const WORD_START = '\u0002'
/** A term shorter than this matches only at the start of a word. */
export const MIN_SUBSTRING_LENGTH = 3

/**
 * Text as search compares it: NFKC, then Unicode case folding (full folding, as upper-then-lower
 * case gives it: `ß` and `SS` both become `ss`, `Σ` and `ς` both `σ`), then NFKC again.
 *
 * @example
 * foldForSearch('MØLLER') // 'møller'
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC')
}

/** The words of a folded text: runs of letters, marks and digits. */
function wordsOf(folded: string): string[] {
  return folded.split(/[^\p{L}\p{M}\p{N}]+/u).filter((word) => word !== '')
}

/**
 * A user's search key: the folded name first (so the key also sorts users by name), the folded
 * email, then the first two letters of every word of both, each marked as a word start.
 *
 * @example
 * searchKeyOf({ displayName: 'Åsa Öberg', email: 'asa@example.com' })
 * // '\nåsa öberg\nasa@example.com\n\u0002ås\u0002öb\u0002as\u0002ex\u0002co'
 */
export function searchKeyOf(user: { displayName: string; email: string }): string {
  const name = foldForSearch(user.displayName)
  const email = foldForSearch(user.email)
  const starts = new Set(wordsOf(`${name} ${email}`).map((word) => [...word].slice(0, 2).join('')))
  return ['', name, email, [...starts].map((start) => `${WORD_START}${start}`).join('')].join(PART)
}

/**
 * Something a user's key must contain: a needle, or any of several (`anyOf`). A short word
 * matches at the start of a word: after a word-start mark, or at the start of the name or email
 * (keys written before the marks existed have only those).
 */
export type KeyCondition = { contains: string } | { anyOf: string[] }

/**
 * A typed term, folded, as conditions on the search key: the whole phrase as one substring, or
 * every word in any order ("Jansen Anna" finds Anna Jansen). Null when nothing is left to search.
 */
export interface SearchTerm {
  /** Each alternative holds when all of its conditions do. */
  alternatives: KeyCondition[][]
}

/** Whether a typed term can be searched at all: control characters are refused, never matched. */
export function isSearchableTerm(term: string): boolean {
  return !/\p{Cc}/u.test(term)
}

/**
 * The term as key conditions (see `SearchTerm`), or null for a term of only spaces.
 *
 * @example
 * parseSearchTerm('Jansen Anna') // the phrase "jansen anna", or both words anywhere
 */
export function parseSearchTerm(term: string): SearchTerm | null {
  if (!isSearchableTerm(term)) return null
  const phrase = foldForSearch(term).trim().replace(/\s+/gu, ' ')
  if (phrase === '') return null
  const words = [...new Set(phrase.split(' '))]
  const byWords = words.map(wordCondition)
  if (words.length === 1) return { alternatives: [byWords] }
  return { alternatives: [[{ contains: phrase }], byWords] }
}

function wordCondition(word: string): KeyCondition {
  if ([...word].length >= MIN_SUBSTRING_LENGTH) return { contains: word }
  return { anyOf: [`${WORD_START}${word}`, `${PART}${word}`] }
}

/**
 * A full-text (FTS5 trigram) query that every key meeting the term matches, to narrow the users
 * to read; null when some alternative has no needle of three characters or more to look up.
 */
export function fullTextQueryOf(term: SearchTerm): string | null {
  const alternatives = term.alternatives.map((conditions) => {
    const indexed = conditions.map(conditionQuery).filter((query) => query !== null)
    return indexed.length === 0 ? null : indexed.join(' AND ')
  })
  if (alternatives.some((query) => query === null)) return null
  return alternatives.map((query) => `(${query})`).join(' OR ')
}

function conditionQuery(condition: KeyCondition): string | null {
  const needles = 'contains' in condition ? [condition.contains] : condition.anyOf
  if (needles.some((needle) => [...needle].length < MIN_SUBSTRING_LENGTH)) return null
  const phrases = needles.map((needle) => `"${needle.replaceAll('"', '""')}"`)
  return phrases.length === 1 ? phrases[0]! : `(${phrases.join(' OR ')})`
}
