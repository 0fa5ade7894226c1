import { verify } from '@node-rs/argon2'
import { describe, expect, it } from 'vitest'

// Made by the Workers hasher's WebAssembly argon2id (openpgpjs `argon2id`, the same .wasm that
// workerd runs): @node-rs/argon2 on Node must accept them.
const WASM_VECTORS = [
  {
    password: 'correct horse battery staple',
    phc: '$argon2id$v=19$m=19456,t=2,p=1$SYQi7MJ7sczw+48Mj/452A$VQ/ao5IWXr2Gnbo7ME4fI4ARPeId6OnL9JDkDLpCd1Y',
  },
  {
    password: 'Pässwörd-ü-日本 fix',
    phc: '$argon2id$v=19$m=19456,t=2,p=1$0bQb10TZivrz4zuQ1htR/A$gjtPXH9q2Wg8ZUyM95qO09O429mgLx1jY1Al5neEtgY',
  },
]

describe('hashes made on Workers verify on Node', () => {
  it.each(WASM_VECTORS)('$password', async ({ password, phc }) => {
    expect(await verify(phc, password)).toBe(true)
    expect(await verify(phc, `${password}!`)).toBe(false)
  })
})
