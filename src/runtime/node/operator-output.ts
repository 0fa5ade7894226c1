import type { OperatorIssued } from '../../services/tenants.ts'

/**
 * The one place a plaintext temporary password is written outside an HTTP response: to the
 * operator's terminal, once, when the CLI or the first start issues it. Never through the logger.
 */
export function printIssued(
  issued: OperatorIssued,
  options: { json: boolean; heading: string },
): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(issued)}\n`)
    return
  }
  process.stdout.write(
    `${options.heading}: ${issued.email} — temporary password: ${issued.temporaryPassword} ` +
      `(shown once; expires ${issued.expiresAt}; must be changed at first sign-in)\n`,
  )
}
