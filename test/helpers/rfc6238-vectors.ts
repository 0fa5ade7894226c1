import type { TotpParameters } from '../../src/core/totp.ts'

/** RFC 6238 Appendix B: 8-digit codes, 30-second steps, one ASCII seed per hash. */
const SEEDS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const

const TABLE: [seconds: number, sha1: string, sha256: string, sha512: string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

export interface Rfc6238Vector {
  algorithm: TotpParameters['algorithm']
  secret: Uint8Array
  seconds: number
  code: string
  /** T in the RFC's table: the step the code belongs to */
  step: number
}

export const RFC6238_VECTORS: Rfc6238Vector[] = TABLE.flatMap(([seconds, ...codes]) =>
  (['SHA1', 'SHA256', 'SHA512'] as const).map((algorithm, i) => ({
    algorithm,
    secret: new TextEncoder().encode(SEEDS[algorithm]),
    seconds,
    code: codes[i]!,
    step: Math.floor(seconds / 30),
  })),
)

export const rfcParameters = (algorithm: TotpParameters['algorithm']): TotpParameters => ({
  algorithm,
  digits: 8,
  periodSeconds: 30,
  window: 1,
})
