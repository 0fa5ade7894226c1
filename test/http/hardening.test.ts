import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// What an attacker tries next once the obvious doors are shut: the service's own name as a
// password, a forged log record smuggled in through a name or a path, and a revoked token
// presented again in another spelling.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe("the service's own name in a new password", () => {
  it('padded with digits or symbols, is refused at the forced change and at POST /me/password, in any case or spacing', async () => {
    const admin = await t.seedTenant()
    const created = await t.post(
      'users',
      { email: 'bob@example.com', displayName: 'Bob', role: 'user' },
      { token: admin.accessToken },
    )
    const challenge = await t.post('auth/sign-in', {
      email: 'bob@example.com',
      password: created.json.temporaryPassword,
    })
    expect(challenge.json.policy.rules).toContain(
      "not this service's name padded with digits or symbols",
    )
    const refused = await t.post('auth/password-change', {
      challengeToken: challenge.json.challengeToken,
      newPassword: 'OncePass-2026-06-30!',
    })
    expect(refused.status).toBe(422)
    expect(refused.json.violations.map((v: { code: string }) => v.code)).toEqual([
      'CONTAINS_SERVICE_NAME',
    ])

    const own = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: 'once pass 2026 !!!!!!' },
      { token: admin.accessToken },
    )
    expect(own.status).toBe(422)
    expect(own.json.violations.map((v: { code: string }) => v.code)).toEqual([
      'CONTAINS_SERVICE_NAME',
    ])
    // The old password still works: nothing changed.
    expect(
      (await t.post('auth/sign-in', { email: admin.email, password: admin.password })).status,
    ).toBe(200)
    // A passphrase that only mentions the name is fine.
    const mentions = await t.post(
      'me/password',
      { currentPassword: admin.password, newPassword: 'my new oncepass passphrase' },
      { token: admin.accessToken },
    )
    expect(mentions.status).toBe(204)
  })
})

describe('log injection', () => {
  it('a newline and a forged JSON record stay one escaped field of one log line', async () => {
    const forged = '\n{"level":"error","event":"forged"}\n'
    const admin = await t.seedTenant()
    const before = t.logLines.length
    // Whether or not a name with a line break is accepted, it must not split a log line.
    const created = await t.post(
      'users',
      { email: 'eve@example.com', displayName: `Eve${forged}`, role: 'user' },
      { token: admin.accessToken },
    )
    if (created.status === 201) {
      await t.post(
        `users/${created.json.user.id}/password-reset`,
        { mode: 'generate' },
        { token: admin.accessToken },
      )
    }
    const path = `/api/v1/users/${encodeURIComponent(`x${forged}`)}`
    expect((await t.get(path, admin.accessToken)).status).toBe(404)

    const lines = t.logLines.slice(before)
    expect(lines.length).toBeGreaterThan(0)
    const records = lines.map((line) => {
      expect(line).not.toContain('\n')
      return JSON.parse(line) as Record<string, unknown>
    })
    expect(records.filter((record) => record.event === 'forged')).toEqual([])
    // The request's own line carries the forged text inside its one path field, escaped.
    const access = records.filter(
      (record) => record.event === 'http_request' && String(record.path).includes('forged'),
    )
    expect(access).toHaveLength(1)
    expect(String(access[0]!.path)).toContain('\n{"level"')
  })
})

describe('a revoked access token in another spelling', () => {
  it('is refused after revocation, whichever spelling was accepted and cached before', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const token = bob.accessToken
    const [header, payload, signature] = token.split('.') as [string, string, string]
    // The last character of a 32-byte signature carries 2 unused bits: flipping them spells the
    // same bytes differently, where a decoder allows it.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(signature.at(-1)!)
    const nonCanonical = signature.slice(0, -1) + alphabet[last ^ 0b11]
    const toBase64 = (part: string) => part.replace(/-/g, '+').replace(/_/g, '/')
    const spellings = [
      token,
      `${token}=`,
      `${header}.${payload}.${signature}==`,
      `${header}=.${payload}.${signature}`,
      `${header}.${payload}.${nonCanonical}`,
      `${toBase64(header)}.${toBase64(payload)}.${toBase64(signature)}`,
    ]
    // Presented while valid: each spelling is accepted (and cached) or refused, never anything else.
    for (const spelling of spellings) {
      expect([200, 401]).toContain((await t.get('me', spelling)).status)
    }
    expect((await t.get('me', token)).status).toBe(200)

    expect((await t.post('auth/sign-out', undefined, { token })).status).toBe(204)
    for (const spelling of spellings) {
      const res = await t.get('me', spelling)
      expect({ spelling, status: res.status }).toEqual({ spelling, status: 401 })
    }

    // The same after an admin reset revokes a fresh session.
    const fresh = await t.post('auth/sign-in', { email: bob.email, password: bob.password })
    const [h, p, s] = fresh.json.accessToken.split('.') as [string, string, string]
    const other = `${h}.${p}.${s}=`
    expect([200, 401]).toContain((await t.get('me', other)).status)
    expect((await t.get('me', fresh.json.accessToken)).status).toBe(200)
    const reset = await t.post(
      `users/${bob.id}/password-reset`,
      { mode: 'generate' },
      { token: admin.accessToken },
    )
    expect(reset.status).toBe(201)
    expect((await t.get('me', fresh.json.accessToken)).status).toBe(401)
    expect((await t.get('me', other)).status).toBe(401)
  })
})
