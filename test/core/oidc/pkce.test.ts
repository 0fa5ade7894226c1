import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from '../../../src/core/constant-time.ts'
import { isS256Challenge, verifiesChallenge } from '../../../src/core/oidc/pkce.ts'

describe('PKCE S256', () => {
  // RFC 7636 Appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

  it('accepts the RFC example and nothing else', () => {
    expect(verifiesChallenge(verifier, challenge)).toBe(true)
    expect(verifiesChallenge(`${verifier.slice(0, -1)}l`, challenge)).toBe(false)
    expect(verifiesChallenge(verifier, `${challenge.slice(0, -1)}N`)).toBe(false)
  })

  it('refuses verifiers and challenges of the wrong form, plain included', () => {
    expect(verifiesChallenge(verifier, verifier)).toBe(false)
    expect(verifiesChallenge('short', challenge)).toBe(false)
    expect(verifiesChallenge('a'.repeat(129), challenge)).toBe(false)
    expect(verifiesChallenge(`${verifier} `, challenge)).toBe(false)
    expect(isS256Challenge(challenge)).toBe(true)
    expect(isS256Challenge(`${challenge}=`)).toBe(false)
    expect(isS256Challenge('plain-verifier-that-is-long-enough-to-pass-as-one')).toBe(false)
  })

  it('compares without an early exit, and unequal lengths are unequal', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'abcd')).toBe(false)
  })
})
