// A measuring Worker for `npm run bench:runtimes`: times the Workers hasher inside workerd.
import { createPooledCryptoRandom } from '../../src/core/random.ts'
import { createWasmArgon2Hasher } from '../../src/runtime/workers/argon2-hasher.ts'

const hasher = createWasmArgon2Hasher(createPooledCryptoRandom())
// The first use instantiates the WASM: done once, before anything is timed.
let warm: Promise<string> | undefined

export default {
  async fetch(request: Request): Promise<Response> {
    const n = Number(new URL(request.url).searchParams.get('n') ?? '10')
    const hashMs: number[] = []
    const verifyMs: number[] = []
    await (warm ??= hasher.hash('warm up the instance'))
    for (let i = 0; i < n; i++) {
      let started = Date.now()
      const phc = await hasher.hash(`runtime benchmark password ${i}`)
      hashMs.push(Date.now() - started)
      started = Date.now()
      await hasher.verify(phc, `runtime benchmark password ${i}`)
      verifyMs.push(Date.now() - started)
    }
    return Response.json({ hashMs, verifyMs })
  },
}
