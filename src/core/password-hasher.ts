import { isPasswordTooLarge, normalizePassword } from './password-policy.ts'

/**
 * The port every runtime implements for password hashing: argon2id, PHC strings.
 * Node uses @node-rs/argon2; Workers a WASM build. Both produce and accept the same strings.
 */
export interface PasswordHasher {
  /** A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh 16-byte salt. */
  hash(password: string): Promise<string>
  /** Constant-time check of `password` against a PHC string; false for any malformed hash. */
  verify(hash: string, password: string): Promise<boolean>
}

export interface Argon2Params {
  /** KiB */
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** The parameters oncepass hashes with: OWASP's argon2id floor (m=19 MiB, t=2, p=1). */
export const argon2Params: Readonly<Argon2Params> = {
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
}

const PHC_PARAMS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/

/** True when a stored hash was made with weaker parameters than today's: rehash it at sign-in. */
export function needsRehash(hash: string, params = argon2Params): boolean {
  const match = PHC_PARAMS.exec(hash)
  if (!match) return true
  const [, m, t, p] = match.map(Number)
  return m! < params.memoryCost || t! < params.timeCost || p !== params.parallelism
}

/**
 * Hashes a password in its one canonical form (NFKC). Refuses oversized input before the
 * hasher sees it, so a megabyte "password" costs nothing. The cap applies after normalisation
 * too: NFKC can expand one character into eighteen.
 */
export function hashPassword(hasher: PasswordHasher, password: string): Promise<string> {
  const normalized = normalizePassword(password)
  if (isPasswordTooLarge(password) || isPasswordTooLarge(normalized)) {
    throw new RangeError('password too large to hash')
  }
  return hasher.hash(normalized)
}

/** Verifies a password in its canonical form; oversized input never reaches the hasher. */
export async function verifyPassword(
  hasher: PasswordHasher,
  hash: string,
  password: string,
): Promise<boolean> {
  if (isPasswordTooLarge(password)) return false
  const normalized = normalizePassword(password)
  if (isPasswordTooLarge(normalized)) return false
  return hasher.verify(hash, normalized)
}
