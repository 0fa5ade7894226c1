import { hash } from '@node-rs/argon2'
import { describe, expect, it } from 'vitest'
import { formatArgon2Phc, parseArgon2Phc, timingSafeEqual } from '../../src/core/phc.ts'

describe('argon2id PHC strings', () => {
  it('round-trips a hash made by @node-rs/argon2', async () => {
    const phc = await hash('Pässwörd-ü-日本', {
      algorithm: 2,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    })
    const parsed = parseArgon2Phc(phc)!
    expect(parsed).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 })
    expect(parsed.salt).toHaveLength(16)
    expect(parsed.hash).toHaveLength(32)
    expect(formatArgon2Phc(parsed)).toBe(phc)
  })

  it.each([
    [
      'another algorithm',
      '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ],
    [
      'another version',
      '$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ],
    [
      'absurd memory',
      '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ],
    [
      'absurd time',
      '$argon2id$v=19$m=19456,t=999,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ],
    [
      'a short salt',
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ],
    ['garbage', 'not a hash'],
    ['an empty string', ''],
  ])('rejects %s', (_label, phc) => {
    expect(parseArgon2Phc(phc)).toBeNull()
  })

  it('compares bytes in constant time and exactly', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true)
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false)
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false)
  })
})
