import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

// Node-only: reads the SQLite file's bytes, which D1 does not expose.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const reset = (userId: string, token: string, body: unknown = { mode: 'generate' }, headers = {}) =>
  t.post(`users/${userId}/password-reset`, body, { token, headers })

describe('storage on Node', () => {
  it('after a reset the plaintext is nowhere: not in the database file, the log or the audit trail', async () => {
    const admin = await t.seedTenant()
    const bob = await t.seedUser(admin.accessToken, 'user', 'bob@example.com')
    const res = await reset(
      bob.id,
      admin.accessToken,
      { mode: 'generate' },
      { 'Idempotency-Key': 'k-1' },
    )
    const plain = res.json.temporaryPassword as string
    const forms = [
      plain,
      Buffer.from(plain).toString('base64'),
      Buffer.from(plain).toString('base64url'),
      Buffer.from(plain).toString('hex'),
      plain.replaceAll('-', ''),
    ]
    t.database.sqlite.pragma('wal_checkpoint(FULL)')
    const files = [t.databasePath, `${t.databasePath}-wal`]
      .map((path) => {
        try {
          return readFileSync(path)
        } catch {
          return Buffer.alloc(0)
        }
      })
      .map((bytes) => bytes.toString('latin1'))
    const audit = JSON.stringify((await t.get('audit-events?limit=200', admin.accessToken)).json)
    const listings = [
      (await t.get('users', admin.accessToken)).text,
      (await t.get(`users/${bob.id}`, admin.accessToken)).text,
      (await t.get(`users/${bob.id}/password-reset`, admin.accessToken)).text,
    ]
    for (const form of forms) {
      for (const file of files) expect(file.includes(form)).toBe(false)
      expect(t.logLines.join('\n')).not.toContain(form)
      expect(audit).not.toContain(form)
      for (const listing of listings) expect(listing).not.toContain(form)
    }
  })
})
