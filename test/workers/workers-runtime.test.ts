import { applyD1Migrations } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createPooledCryptoRandom } from '../../src/core/random.ts'
import { createWasmArgon2Hasher } from '../../src/runtime/workers/argon2-hasher.ts'
import { createD1Database, type D1Binding } from '../../src/runtime/workers/d1-database.ts'

// Made on Node by @node-rs/argon2 (m=19456, t=2, p=1): they must verify in workerd.
const NODE_VECTORS = [
  {
    password: 'correct horse battery staple',
    phc: '$argon2id$v=19$m=19456,t=2,p=1$XjHVyPg3TvbqdeH8UHAZUw$EjDSa34Kc1DPnS1EhDRX0SRjr5YxJmG8bLm/q2r9utQ',
  },
  {
    password: 'Pässwörd-ü-日本 fix',
    phc: '$argon2id$v=19$m=19456,t=2,p=1$TXzvqxz7UnrDwbORm3DHsw$0X1Q6yjPi6kC0L5LywHqTinopbnkSjVA7uIamgbbnVI',
  },
]

describe('argon2id in workerd', () => {
  const hasher = createWasmArgon2Hasher(createPooledCryptoRandom())

  it.each(NODE_VECTORS)(
    'verifies a Node-made hash of $password, and nothing near it',
    async ({ password, phc }) => {
      expect(await hasher.verify(phc, password)).toBe(true)
      expect(await hasher.verify(phc, `${password} `)).toBe(false)
      expect(await hasher.verify(phc, password.slice(0, -1))).toBe(false)
    },
  )

  it('hashes with the production parameters and a fresh 16-byte salt', async () => {
    const a = await hasher.hash('same password twice')
    const b = await hasher.hash('same password twice')
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(a).not.toBe(b)
    expect(await hasher.verify(a, 'same password twice')).toBe(true)
  })

  it('refuses a stored hash that asks for absurd work', async () => {
    const hostile = NODE_VECTORS[0]!.phc.replace('m=19456', 'm=4194304')
    expect(await hasher.verify(hostile, NODE_VECTORS[0]!.password)).toBe(false)
  })
})

// Genuine hashes made (and verified) on Node by @node-rs/argon2 at the isolate's limits and one
// step past each: m ≤ 65,536 KiB, t ≤ 10, p = 1.
const AT_LIMIT = [
  {
    password: 'boundary m=65536 t=1 p=1',
    phc: '$argon2id$v=19$m=65536,t=1,p=1$Fslr2wdYSa9jTv8o03GykA$URm/l21eNQBdtVL9izygEUp3y3xNh3XsGbMCXZMGmcQ',
  },
  {
    password: 'boundary m=8192 t=10 p=1',
    phc: '$argon2id$v=19$m=8192,t=10,p=1$u2pRI/NgGBBcSnMjCn28EQ$9GB8mS6KsCygo87ey12k5r1+iCfckbT6ha9+tNLWbHw',
  },
]
const PAST_LIMIT = [
  {
    password: 'boundary m=65537 t=1 p=1',
    phc: '$argon2id$v=19$m=65537,t=1,p=1$cvrk4RFosCe68HUvZIBd1Q$L3RGbZ7TKiA0DPFcM9vAv+7u3rX6NArdcEr8Ur9FURc',
  },
  {
    password: 'boundary m=8192 t=11 p=1',
    phc: '$argon2id$v=19$m=8192,t=11,p=1$LGkQX/yl2Yt3FcXC+UPxQA$oVgWD8QrvUCt1BDsio8OYncADoxWzQqURfxalnC4ES0',
  },
  {
    password: 'boundary m=8192 t=1 p=2',
    phc: '$argon2id$v=19$m=8192,t=1,p=2$2Azn+XaHMcQsQSKtbsbMqQ$BcNP2Q+DAEqtWPfC3Ydgtoxex1t3hXZF2ZU4/r4v9FY',
  },
]

describe('argon2id work a stored hash may ask of an isolate', () => {
  const hasher = createWasmArgon2Hasher(createPooledCryptoRandom())

  async function timedVerify(phc: string, password: string) {
    const started = performance.now()
    const ok = await hasher.verify(phc, password)
    return { ok, ms: performance.now() - started }
  }

  it.each(AT_LIMIT)('verifies $password', async ({ password, phc }) => {
    expect(await hasher.verify(phc, password)).toBe(true)
    expect(await hasher.verify(phc, `${password}!`)).toBe(false)
  })

  it.each(PAST_LIMIT)(
    'refuses $password without hashing, though the hash is right',
    async ({ password, phc }) => {
      // workerd's clock moves during computation when run locally, so a real hash shows as time.
      const atLimit = await timedVerify(AT_LIMIT[0]!.phc, AT_LIMIT[0]!.password)
      const pastLimit = await timedVerify(phc, password)
      expect(atLimit.ok).toBe(true)
      expect(pastLimit.ok).toBe(false)
      expect(pastLimit.ms).toBeLessThan(Math.max(5, atLimit.ms / 10))
    },
  )

  it('still verifies the production parameters and the Node-made vectors', async () => {
    for (const { password, phc } of NODE_VECTORS)
      expect(await hasher.verify(phc, password)).toBe(true)
    expect(await hasher.verify(await hasher.hash('production'), 'production')).toBe(true)
  })

  it('will not hash with parameters it would refuse to verify', () => {
    const random = createPooledCryptoRandom()
    expect(() =>
      createWasmArgon2Hasher(random, { memoryCost: 65_537, timeCost: 1, parallelism: 1 }),
    ).toThrow(RangeError)
    expect(() =>
      createWasmArgon2Hasher(random, { memoryCost: 19_456, timeCost: 11, parallelism: 1 }),
    ).toThrow(RangeError)
    expect(() =>
      createWasmArgon2Hasher(random, { memoryCost: 19_456, timeCost: 2, parallelism: 2 }),
    ).toThrow(RangeError)
  })
})

describe('D1 adapter', () => {
  it('opens a first-primary session, so revocation checks see the primary', async () => {
    const sessions: string[] = []
    const fake = {
      withSession: (constraint: string) => {
        sessions.push(constraint)
        return { prepare: () => undefined, batch: async () => [] }
      },
    } as unknown as D1Binding
    createD1Database(fake)
    expect(sessions).toEqual(['first-primary'])
  })

  it('has no fallback to the bare binding, whose reads may come from a replica', () => {
    const bare = { prepare: () => undefined, batch: async () => [] } as unknown as D1Binding
    expect(() => createD1Database(bare)).toThrow(/no withSession\(\)/)
  })
})

describe('the deployed entry', () => {
  it('serves the API from the Worker entry with its bindings', async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
    const health = await exports.default.fetch('http://oncepass.test/healthz')
    expect(await health.json()).toEqual({ status: 'ok' })
    const signIn = await exports.default.fetch('http://oncepass.test/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.7' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'a wrong password here' }),
    })
    expect(signIn.status).toBe(401)
    expect(signIn.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    )
  })
})
