import { Secret, TOTP } from 'otpauth'
import type { TestApp } from './test-app.ts'

/** The code an authenticator app would show for `secret` (base32) at `atMs`. */
export function totpCode(secret: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: atMs })
}

/**
 * Enrolls the holder of `token` (whose password is `currentPassword`, asked for again) and
 * confirms it; returns the secret and the recovery codes.
 */
export async function enrollTotp(t: TestApp, token: string, currentPassword: string) {
  const started = await t.post('me/mfa/totp', { currentPassword }, { token })
  if (started.status !== 201) throw new Error(`enroll failed: ${started.text}`)
  const secret = started.json.secret as string
  const confirmed = await t.post(
    'me/mfa/totp/confirm',
    { code: totpCode(secret, t.clock.now()) },
    { token },
  )
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.text}`)
  return { secret, recoveryCodes: confirmed.json.recoveryCodes as string[] }
}

/** Moves the fake clock to the next 30-second step, so a fresh code exists. */
export function nextStep(t: TestApp) {
  t.clock.advance(30_000)
}

/** Every spelling of a seed a leak could carry: base32, hex, base64 and base64url. */
export function seedSpellings(secret: string): string[] {
  const bytes = Secret.fromBase32(secret).bytes
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  const base64 = btoa(String.fromCharCode(...bytes))
  const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return [secret, hex, hex.toUpperCase(), base64.replace(/=+$/, ''), base64url]
}
