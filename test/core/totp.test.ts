import { describe, expect, it } from 'vitest'
import {
  buildTotpUri,
  encodeTotpSecret,
  generateTotpCode,
  generateTotpSecret,
  TOTP_PARAMETERS,
  totpStep,
  verifyTotpCode,
} from '../../src/core/totp.ts'
import { RFC6238_VECTORS, rfcParameters } from '../helpers/rfc6238-vectors.ts'

describe('verifyTotpCode: RFC 6238 Appendix B', () => {
  it('has all 18 vectors', () => expect(RFC6238_VECTORS).toHaveLength(18))

  it.each(RFC6238_VECTORS)(
    '$algorithm at T=$seconds s accepts $code and returns its step',
    ({ algorithm, secret, seconds, code, step }) => {
      const parameters = rfcParameters(algorithm)
      expect(verifyTotpCode(secret, code, seconds * 1000, parameters)).toBe(step)
      expect(verifyTotpCode(secret, code, seconds * 1000, { ...parameters, window: 0 })).toBe(step)
      expect(generateTotpCode(secret, seconds * 1000, parameters)).toBe(code)
      const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10)
      expect(verifyTotpCode(secret, wrong, seconds * 1000, parameters)).toBeNull()
    },
  )
})

describe('verifyTotpCode: the window, with an injected clock', () => {
  // A fixed secret and time, so the test is deterministic (no chance collision between steps).
  const secret = new TextEncoder().encode('oncepass-window-test')
  // 12 s into a step, so ±1 and ±2 steps are whole steps away.
  const now = Date.UTC(2026, 10, 22, 12, 0, 12)
  const step = totpStep(now)
  const codeAt = (offsetSteps: number) => generateTotpCode(secret, now + offsetSteps * 30_000)

  it.each([-1, 0, 1])('accepts the code of step %i and returns that step', (offset) => {
    expect(verifyTotpCode(secret, codeAt(offset), now)).toBe(step + offset)
  })

  it.each([-2, 2, -3, 3])('refuses the code of step %i', (offset) => {
    expect([-1, 0, 1].map(codeAt)).not.toContain(codeAt(offset))
    expect(verifyTotpCode(secret, codeAt(offset), now)).toBeNull()
  })

  it('moves with the clock: a step boundary is exact', () => {
    const start = step * 30_000
    expect(verifyTotpCode(secret, codeAt(-1), start + 30_000)).toBeNull()
    expect(verifyTotpCode(secret, codeAt(-1), start + 29_999)).toBe(step - 1)
  })

  it('refuses anything but six digits, without throwing', () => {
    const code = codeAt(0)
    for (const input of [
      '',
      code.slice(1),
      `${code}0`,
      ` ${code}`,
      `${code.slice(0, 5)}a`,
      '１２３４５６',
    ]) {
      expect(verifyTotpCode(secret, input, now)).toBeNull()
    }
  })

  it('will not widen the window past one step', () => {
    expect(() => verifyTotpCode(secret, codeAt(0), now, { ...TOTP_PARAMETERS, window: 2 })).toThrow(
      new RangeError('a TOTP window wider than one step'),
    )
  })
})

describe('secrets and URIs', () => {
  it('draws a 160-bit secret from the injected source', () => {
    let calls = 0
    const secret = generateTotpSecret((bytes) => {
      calls++
      return bytes.fill(7)
    })
    expect(calls).toBe(1)
    expect(secret).toEqual(new Uint8Array(20).fill(7))
  })

  it('builds an otpauth URI with issuer, account and the base32 secret', () => {
    const secret = new TextEncoder().encode('12345678901234567890')
    const uri = buildTotpUri({ secret, issuer: 'oncepass', account: 'ann@example.com' })
    expect(encodeTotpSecret(secret)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    expect(uri).toBe(
      'otpauth://totp/oncepass:ann%40example.com?issuer=oncepass&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30',
    )
  })
})
