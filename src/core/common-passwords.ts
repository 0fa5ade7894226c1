import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * The common-password list of zxcvbn-ts (about 49,000 leaked passwords, maintained upstream),
 * lower-cased for whole-password comparison as NIST 800-63B asks. Built once, on first use.
 */
let commonPasswords: Set<string> | undefined

export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()))
  return commonPasswords.has(password.toLowerCase())
}

/**
 * A common password in one of the shapes people give it to pass a length rule: padded with
 * digits or symbols before or after (`password1234567`, `2024!Summer!!`), or said again and again
 * (`letmeinletmein`). The word itself must be on the list and at least four letters long.
 *
 * @example
 * isCommonPasswordShape('Password1234567') // true
 */
export function isCommonPasswordShape(password: string): boolean {
  const lower = password.toLowerCase()
  const word = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  if (word.length < 4) return false
  if (word !== lower && isCommonPassword(word)) return true
  const repeated = /^(.{4,}?)\1+$/u.exec(word)
  return repeated !== null && isCommonPassword(repeated[1]!)
}
