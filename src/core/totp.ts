import { Secret, TOTP } from 'otpauth'
import { type RandomSource } from './random.ts'

/**
 * TOTP as RFC 6238 with the parameters every authenticator app understands: HMAC-SHA-1, 6 digits,
 * a 30-second step, and one step of drift either way. The other hashes and lengths exist only so
 * the RFC's own test vectors can run through the same verify function.
 */
export interface TotpParameters {
  algorithm: 'SHA1' | 'SHA256' | 'SHA512'
  digits: number
  periodSeconds: number
  /** Steps accepted on either side of now; at most 1. */
  window: number
}

export const TOTP_PARAMETERS: TotpParameters = {
  algorithm: 'SHA1',
  digits: 6,
  periodSeconds: 30,
  window: 1,
}

/** 160 bits, the HMAC-SHA-1 output length (RFC 4226 §4 recommends it). */
export const TOTP_SECRET_BYTES = 20

/** A fresh TOTP secret from the injected CSPRNG. */
export function generateTotpSecret(random: RandomSource): Uint8Array {
  return random(new Uint8Array(TOTP_SECRET_BYTES))
}

/** The secret as base32, the form people type into an authenticator app. */
export function encodeTotpSecret(secret: Uint8Array): string {
  return new Secret({ buffer: toArrayBuffer(secret) }).base32
}

/** The time step (counter) that contains `nowMs`. */
export function totpStep(nowMs: number, parameters: TotpParameters = TOTP_PARAMETERS): number {
  return Math.floor(nowMs / 1000 / parameters.periodSeconds)
}

/** The `otpauth://totp/…` URI an authenticator app scans, labelled with the issuer and account. */
export function buildTotpUri(input: {
  secret: Uint8Array
  issuer: string
  account: string
  parameters?: TotpParameters
}): string {
  const parameters = input.parameters ?? TOTP_PARAMETERS
  return createTotp(input.secret, parameters, {
    issuer: input.issuer,
    label: input.account,
  }).toString()
}

/** The code for the step containing `nowMs`; for tests and tools, never needed by the server. */
export function generateTotpCode(
  secret: Uint8Array,
  nowMs: number,
  parameters: TotpParameters = TOTP_PARAMETERS,
): string {
  return createTotp(secret, parameters).generate({ timestamp: nowMs })
}

/**
 * Checks a code against the steps around `nowMs` (server time only) and returns the step it
 * matched, or null. Matching is all this does: the caller must refuse a step at or below the last
 * one it accepted for this secret, so each code works once (otpauth keeps no such state).
 */
export function verifyTotpCode(
  secret: Uint8Array,
  code: string,
  nowMs: number,
  parameters: TotpParameters = TOTP_PARAMETERS,
): number | null {
  if (parameters.window > 1) throw new RangeError('a TOTP window wider than one step')
  if (!new RegExp(`^\\d{${parameters.digits}}$`).test(code)) return null
  const delta = createTotp(secret, parameters).validate({
    token: code,
    timestamp: nowMs,
    window: parameters.window,
  })
  return delta === null ? null : totpStep(nowMs, parameters) + delta
}

function createTotp(
  secret: Uint8Array,
  parameters: TotpParameters,
  names: { issuer?: string; label?: string } = {},
): TOTP {
  return new TOTP({
    ...names,
    secret: new Secret({ buffer: toArrayBuffer(secret) }),
    algorithm: parameters.algorithm,
    digits: parameters.digits,
    period: parameters.periodSeconds,
  })
}

// otpauth keeps the buffer it is given; hand it a copy so callers may reuse or wipe theirs.
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer
}
