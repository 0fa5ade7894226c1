import { describe, expect, it } from 'vitest'
import { decodeBase64Url, encodeBase64Url } from '../../src/core/random.ts'

const standard = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

describe('base64url', () => {
  it('encodes as RFC 4648 §5 without padding, for every length and byte', () => {
    expect(encodeBase64Url(new TextEncoder().encode('foobar'))).toBe('Zm9vYmFy')
    expect(encodeBase64Url(new TextEncoder().encode('fooba'))).toBe('Zm9vYmE')
    expect(encodeBase64Url(new TextEncoder().encode('foob'))).toBe('Zm9vYg')
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      expect(encodeBase64Url(bytes)).toBe(standard(bytes))
      expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes)
    }
  })

  it('decodes padded text and standard base64 as before, and refuses anything else', () => {
    expect(decodeBase64Url('Zm9vYg==')).toEqual(new TextEncoder().encode('foob'))
    expect(decodeBase64Url('-_8')).toEqual(decodeBase64Url('+/8'))
    expect(() => decodeBase64Url('Zm9vY')).toThrow(TypeError)
    expect(() => decodeBase64Url('Zm9v*g')).toThrow(TypeError)
    expect(() => decodeBase64Url('Zm 9v')).toThrow(TypeError)
  })
})
