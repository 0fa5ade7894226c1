import type { Language } from './copy.ts'

// Building an Intl.DateTimeFormat costs far more than formatting with one: one per language.
const dateFormats = new Map<Language, Intl.DateTimeFormat>()

/** A date in the page's language, with its time zone spelled out (UTC: the server has no other). */
export function formatTime(lang: Language, iso: string | null): string {
  if (!iso) return '—'
  return `${dateFormatFor(lang).format(new Date(iso))} UTC`
}

function dateFormatFor(lang: Language): Intl.DateTimeFormat {
  let format = dateFormats.get(lang)
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    })
    dateFormats.set(lang, format)
  }
  return format
}
