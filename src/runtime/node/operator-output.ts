import type { RegisteredClient } from '../../services/clients.ts'
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

/**
 * A registered app, to the operator's terminal: its client ID and, for a web app, its secret,
 * once (only its digest is kept). With `json`, one object and nothing else on stdout.
 */
export function printClient(
  registered: RegisteredClient,
  options: { json: boolean; tenantId: string },
): void {
  const { client, clientSecret } = registered
  if (options.json) {
    const { clientId, name, type, redirectUris } = client
    const shown = { clientId, name, type, redirectUris, ...(clientSecret ? { clientSecret } : {}) }
    process.stdout.write(`${JSON.stringify(shown)}\n`)
    return
  }
  const lines = [
    `Registered ${client.type === 'public' ? 'single-page or native app' : 'web app'} ${client.name} for tenant ${options.tenantId}`,
    `  client ID:      ${client.clientId}`,
    ...(clientSecret
      ? [`  client secret:  ${clientSecret}  (shown once; only its digest is kept)`]
      : []),
    ...client.redirectUris.map((uri) => `  redirect URI:   ${uri}`),
    '  discovery:      <ONCEPASS_PUBLIC_URL>/.well-known/openid-configuration',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}
