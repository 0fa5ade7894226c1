import { describe, expect, it } from 'vitest'
import {
  foldForSearch,
  fullTextQueryOf,
  parseSearchTerm,
  searchKeyOf,
} from '../../src/core/search-text.ts'

describe('search text', () => {
  it('folds case by Unicode rules and NFKC', () => {
    expect(foldForSearch('MØLLER')).toBe('møller')
    expect(foldForSearch('ÅSA')).toBe('åsa')
    expect(foldForSearch('Straße')).toBe(foldForSearch('STRASSE'))
    expect(foldForSearch('ΟΔΥΣΣΕΥΣ')).toBe(foldForSearch('οδυσσευς'))
    expect(foldForSearch('ﬁnn')).toBe('finn')
    expect(foldForSearch('Ａｎｎａ')).toBe('anna')
  })

  it('keys a user by folded name, email and word starts', () => {
    expect(searchKeyOf({ displayName: 'Åsa Öberg', email: 'asa.oberg@example.com' })).toBe(
      '\nåsa öberg\nasa.oberg@example.com\n\u0002ås\u0002öb\u0002as\u0002ob\u0002ex\u0002co',
    )
  })

  it('reads a term as its phrase, or its words in any order', () => {
    expect(parseSearchTerm('  ')).toBeNull()
    expect(parseSearchTerm('a\u0000b')).toBeNull()
    expect(parseSearchTerm('Jansen  ANNA')).toEqual({
      alternatives: [[{ contains: 'jansen anna' }], [{ contains: 'jansen' }, { contains: 'anna' }]],
    })
    expect(parseSearchTerm('Ör')).toEqual({
      alternatives: [[{ anyOf: ['\u0002ör', '\nör'] }]],
    })
  })

  it('asks the trigram index only what it can answer', () => {
    const query = (term: string) => fullTextQueryOf(parseSearchTerm(term)!)
    expect(query('anna')).toBe('("anna")')
    expect(query('say "hi"')).toBe('("say ""hi""") OR ("say" AND """hi""")')
    expect(query('jo')).toBe('(("\u0002jo" OR "\njo"))')
    expect(query('j')).toBeNull()
    // A single letter beside a longer word: the word narrows, the letter is checked after.
    expect(query('j anna')).toBe('("j anna") OR ("anna")')
    expect(query('a b')).toBeNull()
  })
})
