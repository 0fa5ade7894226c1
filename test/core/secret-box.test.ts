import { describe, expect, it } from 'vitest'
import { cryptoRandom, decodeBase64Url, encodeBase64Url } from '../../src/core/random.ts'
import {
  createKeyring,
  keyIdOf,
  needsResealing,
  openSecret,
  sealSecret,
} from '../../src/core/secret-box.ts'

const newKey = () => crypto.getRandomValues(new Uint8Array(32))
const seed = new TextEncoder().encode('12345678901234567890')

describe('sealSecret / openSecret', () => {
  const keyring = createKeyring([newKey()])

  it('round-trips, with the key id in the clear and no plaintext in the output', async () => {
    const sealed = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+$/)
    expect(sealed.split('.')[1]).toBe(keyring.currentId)
    expect(sealed).not.toContain(encodeBase64Url(seed))
    expect(await openSecret(keyring, sealed, 'user-1')).toEqual(seed)
  })

  it('uses a fresh IV every time', async () => {
    const a = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    const b = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    expect(a).not.toBe(b)
  })

  it('does not open under another key, or with the key id relabelled', async () => {
    const sealed = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    const other = createKeyring([newKey()])
    expect(await openSecret(other, sealed, 'user-1')).toBeNull()
    // A ring that holds both keys: relabelling the ciphertext with the other id must fail too.
    const both = createKeyring([
      other.keys.values().next().value!,
      keyring.keys.get(keyring.currentId)!,
    ])
    const relabelled = sealed.replace(keyring.currentId, other.currentId)
    expect(await openSecret(both, sealed, 'user-1')).toEqual(seed)
    expect(await openSecret(both, relabelled, 'user-1')).toBeNull()
  })

  it('does not open for another context (a seed copied to another user)', async () => {
    const sealed = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    expect(await openSecret(keyring, sealed, 'user-2')).toBeNull()
  })

  it('refuses any tampering: each byte of the IV and the ciphertext, and a bad shape', async () => {
    const sealed = await sealSecret(keyring, seed, 'user-1', cryptoRandom)
    const [version, keyId, iv, body] = sealed.split('.') as [string, string, string, string]
    for (const part of ['iv', 'body'] as const) {
      const bytes = decodeBase64Url(part === 'iv' ? iv : body)
      for (let i = 0; i < bytes.length; i++) {
        const flipped = bytes.slice()
        flipped[i]! ^= 1
        const text = encodeBase64Url(flipped)
        const tampered = [version, keyId, part === 'iv' ? text : iv, part === 'body' ? text : body]
        expect(await openSecret(keyring, tampered.join('.'), 'user-1')).toBeNull()
      }
    }
    const truncated = [version, keyId, iv, body.slice(0, -4)].join('.')
    for (const bad of ['', sealed.replace('v1.', 'v2.'), `${sealed}.x`, truncated, 'v1...']) {
      expect(await openSecret(keyring, bad, 'user-1')).toBeNull()
    }
  })
})

describe('key rotation', () => {
  it('opens old ciphertexts after a new key is added, and says which to reseal', async () => {
    const oldKey = newKey()
    const before = createKeyring([oldKey])
    const sealed = await sealSecret(before, seed, 'user-1', cryptoRandom)
    const after = createKeyring([newKey(), oldKey])
    expect(after.currentId).not.toBe(before.currentId)
    expect(needsResealing(after, sealed)).toBe(true)
    expect(await openSecret(after, sealed, 'user-1')).toEqual(seed)
    const resealed = await sealSecret(after, seed, 'user-1', cryptoRandom)
    expect(needsResealing(after, resealed)).toBe(false)
    expect(await openSecret(before, resealed, 'user-1')).toBeNull()
  })

  it('derives stable key ids and refuses keys that are not 256 bits', () => {
    const key = newKey()
    expect(keyIdOf(key)).toBe(keyIdOf(key.slice()))
    expect(() => createKeyring([])).toThrow(RangeError)
    expect(() => createKeyring([new Uint8Array(16)])).toThrow(RangeError)
  })
})
