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
