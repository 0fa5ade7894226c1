import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'

const TOKEN = 'a-setup-token-of-at-least-32-characters'
let t: TestApp | undefined
afterEach(() => t?.close())

const body = { tenantName: 'Acme', adminEmail: 'Root@Acme.example' }

describe('POST /setup (first tenant of a fresh deployment)', () => {
  it('does not exist unless a setup token is configured', async () => {
    t = await createTestApp()
    const res = await t.post('setup', body, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(404)
  })

  it('needs the token, creates the first admin once, and shows the password once', async () => {
    t = await createTestApp({ setupToken: TOKEN })
    expect((await t.post('setup', body)).status).toBe(401)
    expect(
      (await t.post('setup', body, { headers: { Authorization: 'Bearer wrong-token' } })).status,
    ).toBe(401)
    const bad = await t.post(
      'setup',
      { tenantName: '' },
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    )
    expect(bad.status).toBe(400)

    const res = await t.post('setup', body, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.json).toMatchObject({ email: 'root@acme.example' })
    expect(res.json.temporaryPassword).toMatch(/^[\w]{4}(-[\w]{4}){3}$/)

    const again = await t.post(
      'setup',
      { ...body, adminEmail: 'other@acme.example' },
      {
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    )
    expect(again.status).toBe(409)
    expect(again.json.code).toBe('ALREADY_SET_UP')

    const signIn = await t.post('auth/sign-in', {
      email: 'root@acme.example',
      password: res.json.temporaryPassword,
    })
    expect(signIn.json.status).toBe('password_change_required')
  })

  it('of two concurrent setups exactly one succeeds', async () => {
    t = await createTestApp({ setupToken: TOKEN })
    const headers = { Authorization: `Bearer ${TOKEN}` }
    const results = await Promise.all([
      t.post('setup', body, { headers }),
      t.post('setup', { ...body, adminEmail: 'second@acme.example' }, { headers }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
    expect(await t.rows('select id from tenants')).toHaveLength(1)
  })
})
