// A measuring Worker for `npm run bench:runtimes`: times the Workers hasher inside workerd.
import { createPooledCryptoRandom } from '../../src/core/random.ts'
import { createWasmArgon2Hasher } from '../../src/runtime/workers/argon2-hasher.ts'

const hasher = createWasmArgon2Hasher(createPooledCryptoRandom())

export default {
  async fetch(request: Request): Promise<Response> {
    const n = Number(new URL(request.url).searchParams.get('n') ?? '10')
    const hashMs: number[] = []
    const verifyMs: number[] = []
    await hasher.hash('warm up the instance') // the first use instantiates the WASM
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
