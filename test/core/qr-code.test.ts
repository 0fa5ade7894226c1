import { describe, expect, it } from 'vitest'
import { renderQrSvg } from '../../src/core/qr-code.ts'

describe('renderQrSvg', () => {
  it('renders an otpauth URI as inline SVG source with nothing active in it', () => {
    const svg = renderQrSvg(
      'otpauth://totp/oncepass:ann%40example.com?issuer=oncepass&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30',
    )
    expect(svg).toMatch(/^<svg[^>]*viewBox="-4 -4 (\d+) \1"/)
    expect(svg).toContain('<path')
    expect(svg).not.toMatch(/<script|<\?xml|href=|on\w+=/i)
  })
})
