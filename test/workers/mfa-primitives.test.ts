import { describe, expect, it } from 'vitest'
import { renderQrSvg } from '../../src/core/qr-code.ts'
import { cryptoRandom } from '../../src/core/random.ts'
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  recoveryCodeCandidates,
} from '../../src/core/recovery-codes.ts'
import { createKeyring, openSecret, sealSecret } from '../../src/core/secret-box.ts'
import {
  buildTotpUri,
  generateTotpCode,
  generateTotpSecret,
  totpStep,
  verifyTotpCode,
} from '../../src/core/totp.ts'
import { RFC6238_VECTORS, rfcParameters } from '../helpers/rfc6238-vectors.ts'

// The same primitives as on Node, inside workerd: otpauth's browser build, Web Crypto AES-GCM,
// lean-qr.
describe('TOTP in workerd: RFC 6238 Appendix B through verifyTotpCode', () => {
  it('has all 18 vectors', () => expect(RFC6238_VECTORS).toHaveLength(18))

  it.each(RFC6238_VECTORS)(
    '$algorithm at T=$seconds s accepts $code',
    ({ algorithm, secret, seconds, code, step }) => {
      const parameters = rfcParameters(algorithm)
      expect(verifyTotpCode(secret, code, seconds * 1000, parameters)).toBe(step)
      expect(generateTotpCode(secret, seconds * 1000, parameters)).toBe(code)
    },
  )

  it('accepts ±1 step and refuses ±2', () => {
    const secret = new TextEncoder().encode('oncepass-window-test')
    const now = Date.UTC(2026, 10, 22, 12, 0, 12)
    const codeAt = (offset: number) => generateTotpCode(secret, now + offset * 30_000)
    for (const offset of [-1, 0, 1]) {
      expect(verifyTotpCode(secret, codeAt(offset), now)).toBe(totpStep(now) + offset)
    }
    for (const offset of [-2, 2]) expect(verifyTotpCode(secret, codeAt(offset), now)).toBeNull()
  })
})

describe('seed encryption, recovery codes and QR in workerd', () => {
  it('seals and opens with Web Crypto AES-GCM, and nothing else opens it', async () => {
    const keyring = createKeyring([crypto.getRandomValues(new Uint8Array(32))])
    const seed = generateTotpSecret(cryptoRandom)
    const sealed = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    expect(await openSecret(keyring, sealed, 'user-1')).toEqual(seed)
    expect(await openSecret(keyring, sealed, 'user-2')).toBeNull()
    const other = createKeyring([crypto.getRandomValues(new Uint8Array(32))])
    expect(await openSecret(other, sealed, 'user-1')).toBeNull()
  })

  it('hashes recovery codes the same way', () => {
    const keyring = createKeyring([crypto.getRandomValues(new Uint8Array(32))])
    const [code] = generateRecoveryCodes(cryptoRandom)
    expect(recoveryCodeCandidates(keyring, code!.toLowerCase())).toContain(
      hashRecoveryCode(keyring, code!),
    )
  })

  it('renders the enrollment QR code as SVG', () => {
    const secret = generateTotpSecret(cryptoRandom)
    const svg = renderQrSvg(
      buildTotpUri({ secret, issuer: 'oncepass', account: 'ann@example.com' }),
    )
    expect(svg).toMatch(/^<svg[^>]*viewBox=/)
    expect(svg).toContain('<path')
  })
})
