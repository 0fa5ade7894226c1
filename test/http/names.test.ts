import { afterEach, describe, expect, it } from 'vitest'
import { isDisplaySafeName } from '../../src/core/names.ts'
import { createTenantWithAdmin } from '../../src/services/tenants.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const SETUP_TOKEN = 'a-setup-token-of-at-least-32-characters'
const unsafe = [
  'Admin\u202e\u0000evil',
  'Admin\u0000',
  'line\nbreak',
  'tab\there',
  'bell\u0007',
  'c1\u0085',
  'del\u007f',
  'isolate\u2066x\u2069',
  'mark\u200f',
  'arabic mark\u061c',
  'sep\u2028x',
  'lone \ud800 surrogate',
]

describe('names people will see', () => {
  it('a display name with a control or bidi character is a 400 VALIDATION_FAILED', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    for (const name of unsafe) {
      expect(isDisplaySafeName(name), JSON.stringify(name)).toBe(false)
      const res = await t.post(
        'users',
        { email: 'eve@example.com', displayName: name, role: 'user' },
        { token: admin.accessToken },
      )
      expect(res.status, JSON.stringify(name)).toBe(400)
      expect(res.json).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'displayName', message: expect.stringMatching(/control characters/) }],
      })
    }
    expect(await t.rows('select id from users where email = ?', 'eve@example.com')).toEqual([])
  })

  it('a tenant name with a control or bidi character is a 400 at setup, and in the service', async () => {
    t = await createTestApp({ setupToken: SETUP_TOKEN })
    const res = await t.post(
      'setup',
      { tenantName: 'Acme\u202e\u0000', adminEmail: 'root@acme.example' },
      { headers: { Authorization: `Bearer ${SETUP_TOKEN}` } },
    )
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'tenantName' }] })
    await expect(
      createTenantWithAdmin(t.deps, { name: 'Acme\u2067', adminEmail: 'root@acme.example' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(await t.rows('select id from tenants')).toEqual([])
  })

  it('names in any script, with accents, joiners and emoji, are fine', async () => {
    t = await createTestApp()
    const admin = await t.seedTenant()
    for (const [i, name] of ['Zoë O’Brien', 'محمد', '李小龍', 'Ana 👩‍💻', 'Ｆｕｌｌ'].entries()) {
      expect(isDisplaySafeName(name)).toBe(true)
      const res = await t.post(
        'users',
        { email: `user${i}@example.com`, displayName: name, role: 'user' },
        { token: admin.accessToken },
      )
      expect(res.status).toBe(201)
      expect(res.json.user.displayName).toBe(name)
    }
  })
})
