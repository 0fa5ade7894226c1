import { sha256 } from '@noble/hashes/sha2.js'
import { encodeBase64Url } from '../random.ts'
import { constantTimeEqual } from '../constant-time.ts'

// RFC 7636: a verifier is 43–128 unreserved characters; an S256 challenge is the base64url of a
// SHA-256, 43 characters without padding.
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** Whether `challenge` has the form of an S256 code challenge. */
export function isS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge)
}

/**
 * Whether `verifier` is the one the client committed to with `challenge` (S256 only: `plain` is
 * refused before a code is ever issued). Compared in constant time.
 *
 * @example
 * verifiesChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM') // true
 */
export function verifiesChallenge(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier) || !isS256Challenge(challenge)) return false
  const computed = encodeBase64Url(sha256(new TextEncoder().encode(verifier)))
  return constantTimeEqual(computed, challenge)
}
