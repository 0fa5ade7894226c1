import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../env.ts'

// The browser's session and its forced-change challenge live in HttpOnly, SameSite=Strict cookies.
// Over https they carry the __Host- prefix and Secure (bound to this exact origin, path /); on a
// plain-http loopback deployment browsers refuse Secure cookies, so both are left off there.
const SESSION = 'oncepass_session'
const CHALLENGE = 'oncepass_challenge'
const MFA = 'oncepass_mfa'
const LANGUAGE = 'oncepass_lang'
const AUTHORIZATION = 'oncepass_authorization'
const FLASH = 'oncepass_flash'

function isSecure(c: Context<AppEnv>): boolean {
  return c.get('deps').publicUrl?.startsWith('https://') ?? false
}

function write(
  c: Context<AppEnv>,
  name: string,
  value: string,
  maxAgeSeconds: number,
  sameSite: 'Strict' | 'Lax' = 'Strict',
) {
  const secure = isSecure(c)
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite,
    path: '/',
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
    ...(secure ? { prefix: 'host' as const, secure: true } : {}),
  })
}

function read(c: Context<AppEnv>, name: string): string | undefined {
  const value = isSecure(c) ? getCookie(c, name, 'host') : getCookie(c, name)
  return value || undefined
}

function clear(c: Context<AppEnv>, name: string) {
  const secure = isSecure(c)
  deleteCookie(c, name, { path: '/', ...(secure ? { prefix: 'host' as const, secure: true } : {}) })
}

export const sessionCookie = {
  read: (c: Context<AppEnv>) => read(c, SESSION),
  /** Lives as long as the session can: the server decides earlier ends (idle, revocation). */
  write: (c: Context<AppEnv>, token: string) =>
    write(c, SESSION, token, c.get('deps').settings.sessionAbsoluteSeconds),
  clear: (c: Context<AppEnv>) => clear(c, SESSION),
}

export const challengeCookie = {
  read: (c: Context<AppEnv>) => read(c, CHALLENGE),
  write: (c: Context<AppEnv>, token: string, expiresAt: string) =>
    write(c, CHALLENGE, token, (Date.parse(expiresAt) - c.get('deps').clock.now()) / 1000),
  clear: (c: Context<AppEnv>) => clear(c, CHALLENGE),
}

/** The MFA step's token between the password and the code: as short-lived as the token. */
export const mfaCookie = {
  read: (c: Context<AppEnv>) => read(c, MFA),
  write: (c: Context<AppEnv>, token: string, expiresAt: string) =>
    write(c, MFA, token, (Date.parse(expiresAt) - c.get('deps').clock.now()) / 1000),
  clear: (c: Context<AppEnv>) => clear(c, MFA),
}

/** The language switch's choice: not a secret, but still ours only. */
export const languageCookie = {
  read: (c: Context<AppEnv>) => getCookie(c, LANGUAGE),
  write: (c: Context<AppEnv>, lang: string) =>
    setCookie(c, LANGUAGE, lang, {
      path: '/',
      sameSite: 'Lax',
      httpOnly: true,
      secure: isSecure(c),
      maxAge: 365 * 24 * 60 * 60,
    }),
}

/**
 * An app's authorization request, waiting while its user signs in (see
 * `core/oidc/pending-request.ts`). Lax, unlike the others: it is set by the answer to the app's
 * cross-site redirect and must come back on the sign-in pages that follow.
 */
export const authorizationCookie = {
  read: (c: Context<AppEnv>) => read(c, AUTHORIZATION),
  write: (c: Context<AppEnv>, token: string, maxAgeSeconds: number) =>
    write(c, AUTHORIZATION, token, maxAgeSeconds, 'Lax'),
  clear: (c: Context<AppEnv>) => clear(c, AUTHORIZATION),
}

/** What the next page this browser opens says happened (after the redirect that follows a form). */
export const flashes = ['password-set', 'request-dismissed'] as const

export type Flash = (typeof flashes)[number]

/** The flash, for one page: written with a redirect, read and cleared by the page it leads to. */
export const flashCookie = {
  read: (c: Context<AppEnv>): Flash | undefined =>
    flashes.find((flash) => flash === read(c, FLASH)),
  write: (c: Context<AppEnv>, flash: Flash) => write(c, FLASH, flash, 60),
  clear: (c: Context<AppEnv>) => clear(c, FLASH),
}
