/** The languages oncepass speaks: its pages, its mails and each user's notices. */
export const languages = ['en', 'nl', 'da', 'sv'] as const

export type Language = (typeof languages)[number]

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value)
}
