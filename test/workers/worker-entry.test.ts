import { applyD1Migrations } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'

// The entry is called the way the runtime calls it, through `exports.default.fetch`, and it gets
// the pool's one `env` object: a test changes a binding on that object and always puts it back.
// A valid config is cached per env object, so the failing-config tests run first in this file
// (each test file has its own module instances, so no other file's requests count).

const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  pragma: 'no-cache',
}

const bindings = env as unknown as Record<string, unknown>

async function withBindings<T>(changes: Record<string, unknown>, run: () => Promise<T>) {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, bindings[name]]))
  const restore = (values: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete bindings[name]
      else bindings[name] = value
    }
  }
  restore(changes)
  try {
    return await run()
  } finally {
    restore(saved)
  }
}

function captureLog() {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '))
    })
  }
  return lines
}

afterEach(() => vi.restoreAllMocks())

const signIn = () =>
  exports.default.fetch('https://oncepass.test/api/v1/auth/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.10' },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'a wrong password here' }),
  })

function headersOf(response: Response, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]))
}

async function expectGeneric500(response: Response) {
  expect(response.status).toBe(500)
  expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8')
  expect(headersOf(response, Object.keys(SECURITY_HEADERS))).toEqual(SECURITY_HEADERS)
  const body = (await response.json()) as Record<string, unknown>
  expect(body).toEqual({
    type: 'about:blank',
    title: 'Something went wrong',
    status: 500,
    code: 'INTERNAL_ERROR',
    requestId: expect.stringMatching(/^[\w-]{16}$/),
  })
  expect(response.headers.get('x-request-id')).toBe(body.requestId)
  return body.requestId as string
}

function logRecord(lines: string[], event: string) {
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  const found = records.filter((record) => record.event === event)
  expect(found).toHaveLength(1)
  return found[0]!
}

describe('the entry without a usable signing key', () => {
  const configuredKey = env.ONCEPASS_SIGNING_KEY as string

  it('answers 500 with the security headers and logs which secret to set', async () => {
    const lines = captureLog()
    const response = await withBindings({ ONCEPASS_SIGNING_KEY: undefined }, signIn)
    const requestId = await expectGeneric500(response)

    const record = logRecord(lines, 'config_invalid')
    expect(record).toMatchObject({ level: 'error', requestId })
    expect(record.message).toContain('ONCEPASS_SIGNING_KEY: is missing')
    expect(record.message).toContain('npx wrangler secret put ONCEPASS_SIGNING_KEY')
    expect(lines.join('\n')).not.toContain(configuredKey)
  })

  it('answers the same to a malformed key and never prints it', async () => {
    // Base64url, but only 24 bytes: close enough to a real key that printing it would leak one.
    const malformed = 'q3Jx0Z8vV7mKcT2pWn5hYb6dLs9fRe4u'
    const lines = captureLog()
    const response = await withBindings({ ONCEPASS_SIGNING_KEY: malformed }, signIn)
    await expectGeneric500(response)

    const record = logRecord(lines, 'config_invalid')
    expect(record.message).toMatch(
      /ONCEPASS_SIGNING_KEY: must be base64url .*at least 32 random bytes/,
    )
    expect(record.message).toContain('npx wrangler secret put ONCEPASS_SIGNING_KEY')
    const logged = lines.join('\n')
    expect(logged).not.toContain(malformed)
    expect(logged).not.toContain(malformed.slice(0, 12))
    expect(logged).not.toContain(configuredKey)
  })

  it('stops just the same without a usable encryption key, naming it and never printing it', async () => {
    for (const [value, reason] of [
      [undefined, 'ONCEPASS_ENCRYPTION_KEY: is missing'],
      ['q3Jx0Z8vV7mKcT2pWn5hYb6dLs9fRe4u', 'ONCEPASS_ENCRYPTION_KEY: must be base64url'],
    ] as const) {
      const lines = captureLog()
      await expectGeneric500(await withBindings({ ONCEPASS_ENCRYPTION_KEY: value }, signIn))
      const record = logRecord(lines, 'config_invalid')
      expect(record.message).toContain(reason)
      expect(record.message).toContain('npx wrangler secret put ONCEPASS_ENCRYPTION_KEY')
      if (value) expect(lines.join('\n')).not.toContain(value.slice(0, 12))
    }
  })

  it('serves once the secret is set, and the app answers with the same security headers', async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
    const response = await signIn()
    expect(response.status).toBe(401)
    expect(headersOf(response, Object.keys(SECURITY_HEADERS))).toEqual(SECURITY_HEADERS)
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{16}$/)
  })
})

describe('D1 sessions through the entry', () => {
  /** The real binding behind a spy: it records each withSession() and counts the session's queries. */
  function spiedDatabase() {
    const real = env.DB
    const constraints: string[] = []
    const queries = { prepare: 0, batch: 0 }
    const spy = {
      withSession(constraint: D1SessionConstraint | D1SessionBookmark) {
        constraints.push(constraint)
        const session = real.withSession(constraint)
        return {
          prepare(query: string) {
            queries.prepare++
            return session.prepare(query)
          },
          batch(statements: D1PreparedStatement[]) {
            queries.batch++
            return session.batch(statements)
          },
          getBookmark: () => session.getBookmark(),
        }
      },
      // Anything read or written past the session would fail the request.
      prepare() {
        throw new Error('queried the binding outside a session')
      },
      batch() {
        throw new Error('queried the binding outside a session')
      },
    }
    return { spy, constraints, queries }
  }

  it("reads and writes every request through its own withSession('first-primary')", async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
    const { spy, constraints, queries } = spiedDatabase()
    const [first, second] = await withBindings({ DB: spy }, async () => [
      await signIn(),
      await signIn(),
    ])
    // An unknown account: looked up, then the failure is counted and audited in one batch.
    expect(first!.status).toBe(401)
    expect(second!.status).toBe(401)
    expect(constraints).toEqual(['first-primary', 'first-primary'])
    expect(queries.prepare).toBeGreaterThanOrEqual(2)
    expect(queries.batch).toBeGreaterThanOrEqual(2)
  })

  it('refuses a binding without sessions: generic 500, and the log says why', async () => {
    const lines = captureLog()
    const sessionless = { prepare: () => env.DB.prepare('select 1'), batch: () => [] }
    const response = await withBindings({ DB: sessionless }, signIn)
    const requestId = await expectGeneric500(response)
    const record = logRecord(lines, 'worker_failed')
    expect(record.requestId).toBe(requestId)
    expect(JSON.stringify(record.error)).toContain('The D1 binding has no withSession()')
  })
})
