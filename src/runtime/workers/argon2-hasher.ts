import noSimdModule from 'argon2id/dist/no-simd.wasm'
import simdModule from 'argon2id/dist/simd.wasm'
import type { computeHash } from 'argon2id/lib/setup'
import setupWasm from 'argon2id/lib/setup.js'
import { type Argon2Params, argon2Params, type PasswordHasher } from '../../core/password-hasher.ts'
import { formatArgon2Phc, parseArgon2Phc, timingSafeEqual } from '../../core/phc.ts'
import type { RandomSource } from '../../core/random.ts'

const SALT_BYTES = 16
const HASH_BYTES = 32

// Tighter than parseArgon2Phc's bounds, which are sized for Node. The WASM memory starts at 1040
// pages (65 MiB) of the isolate's 128 MB and a grown WebAssembly memory never shrinks: m ≤ 65,536
// KiB fits in it as it is. t bounds the CPU a stored hash can claim on the isolate's one thread,
// and the lanes run one after another here, so p > 1 only adds work.
const WASM_LIMITS = { maxMemoryCost: 65_536, maxTimeCost: 10, parallelism: 1 }

const withinWasmLimits = (params: Argon2Params) =>
  params.memoryCost <= WASM_LIMITS.maxMemoryCost &&
  params.timeCost <= WASM_LIMITS.maxTimeCost &&
  params.parallelism === WASM_LIMITS.parallelism

// The openpgpjs loader calls each function with its imports and expects { module, instance }.
// Instantiated synchronously (workerd forbids compiling at run time, not instantiating): the
// isolate's first hash then settles within its own turn, and no concurrent request is ever left
// waiting on a promise that another request resolves, which workerd cancels as a hung request.
const instantiate = (module: WebAssembly.Module) => (imports: WebAssembly.Imports) => ({
  module,
  instance: new WebAssembly.Instance(module, imports),
})

// One argon2 instance per isolate, made at its first hash: each reserves ~65 MiB of the 128 MB.
let argon2: Promise<computeHash> | undefined
const loadArgon2 = () => (argon2 ??= setupWasm(instantiate(simdModule), instantiate(noSimdModule)))

const encoder = new TextEncoder()

/**
 * The Workers hasher: argon2id compiled to WebAssembly (openpgpjs `argon2id`, statically
 * imported), with the same parameters and PHC strings as the Node hasher, so a hash made on one
 * runtime verifies on the other. Verification honours the stored parameters within bounds
 * (`parseArgon2Phc`'s, then this isolate's: m ≤ 65,536 KiB, t ≤ 10, p = 1; beyond them it answers
 * false without hashing) and compares in constant time.
 */
export function createWasmArgon2Hasher(
  random: RandomSource,
  params: Argon2Params = argon2Params,
): PasswordHasher {
  if (!withinWasmLimits(params)) {
    throw new RangeError('argon2 parameters beyond what a Workers isolate can verify')
  }
  return {
    async hash(password) {
      const compute = await loadArgon2()
      const salt = random(new Uint8Array(SALT_BYTES))
      const hash = compute({
        password: encoder.encode(password),
        salt,
        parallelism: params.parallelism,
        passes: params.timeCost,
        memorySize: params.memoryCost,
        tagLength: HASH_BYTES,
      })
      return formatArgon2Phc({ ...params, salt, hash })
    },
    async verify(stored, password) {
      const phc = parseArgon2Phc(stored)
      if (!phc || !withinWasmLimits(phc)) return false
      const compute = await loadArgon2()
      const actual = compute({
        password: encoder.encode(password),
        salt: phc.salt,
        parallelism: phc.parallelism,
        passes: phc.timeCost,
        memorySize: phc.memoryCost,
        tagLength: phc.hash.length,
      })
      return timingSafeEqual(actual, phc.hash)
    },
  }
}
