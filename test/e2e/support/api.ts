// The JSON API as a second witness: what the pages did, read back without a browser.

export interface ApiUser {
  id: string
  email: string
  role: string
  passwordState: { mustChange: boolean; lastResetAt: string | null }
}

export interface ApiAuditEvent {
  event: string
  targetId: string | null
  outcome: string
}

async function call<T>(baseUrl: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, init)
  const body = await response.text()
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${body}`)
  return JSON.parse(body) as T
}

/** A bearer token for someone whose password needs no change. */
export async function apiToken(baseUrl: string, email: string, password: string): Promise<string> {
  const result = await call<{ status: string; accessToken?: string }>(baseUrl, '/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!result.accessToken) throw new Error(`sign-in for ${email}: ${result.status}`)
  return result.accessToken
}

export async function findUser(baseUrl: string, token: string, email: string): Promise<ApiUser> {
  const page = await call<{ items: ApiUser[] }>(
    baseUrl,
    `/users?search=${encodeURIComponent(email)}`,
    { headers: { authorization: `Bearer ${token}` } },
  )
  const user = page.items.find((item) => item.email === email)
  if (!user) throw new Error(`no user ${email}`)
  return user
}

/** Every audit event about one user (all pages). */
export async function auditEventsFor(
  baseUrl: string,
  token: string,
  userId: string,
): Promise<ApiAuditEvent[]> {
  const events: ApiAuditEvent[] = []
  let cursor: string | null = null
  do {
    const query: string = `/audit-events?userId=${userId}${cursor ? `&cursor=${cursor}` : ''}`
    const page: { items: ApiAuditEvent[]; nextCursor: string | null } = await call(baseUrl, query, {
      headers: { authorization: `Bearer ${token}` },
    })
    events.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return events
}

/** How many password resets were issued to a user, by the audit trail. */
export async function resetsIssued(baseUrl: string, token: string, userId: string) {
  const events = await auditEventsFor(baseUrl, token, userId)
  return events.filter((e) => e.event === 'password_reset_issued' && e.targetId === userId).length
}

/** The API's sign-in answer for these credentials: `signed_in`, `password_change_required`, or an error code. */
export async function signInOutcome(baseUrl: string, email: string, password: string) {
  const response = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  const body = (await response.json()) as { status?: string; code?: string }
  return body.status ?? body.code ?? String(response.status)
}

/** Sign-in with a temporary password and the forced change, through the API: a bearer token. */
export async function apiFirstSignIn(
  baseUrl: string,
  email: string,
  temporaryPassword: string,
  newPassword: string,
): Promise<string> {
  const challenge = await call<{ challengeToken: string }>(baseUrl, '/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: temporaryPassword }),
  })
  const result = await call<{ accessToken: string }>(baseUrl, '/auth/password-change', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challengeToken: challenge.challengeToken, newPassword }),
  })
  return result.accessToken
}

export async function apiCreateUser(
  baseUrl: string,
  token: string,
  user: { email: string; displayName: string; role: string },
): Promise<{ id: string; temporaryPassword: string }> {
  const created = await call<{ user: ApiUser; temporaryPassword: string }>(baseUrl, '/users', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  return { id: created.user.id, temporaryPassword: created.temporaryPassword }
}

export async function apiReset(baseUrl: string, token: string, userId: string): Promise<string> {
  const reset = await call<{ temporaryPassword: string }>(
    baseUrl,
    `/users/${userId}/password-reset`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'generate' }),
    },
  )
  return reset.temporaryPassword
}

/** An app registered by a global admin: its client id and (for a web app) its secret, once. */
export async function apiRegisterApp(
  baseUrl: string,
  token: string,
  app: { name: string; redirectUris: string[]; postLogoutRedirectUris?: string[] },
): Promise<{ clientId: string; clientSecret: string }> {
  const created = await call<{ client: { clientId: string }; clientSecret: string }>(
    baseUrl,
    '/clients',
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'confidential', ...app }),
    },
  )
  return { clientId: created.client.clientId, clientSecret: created.clientSecret }
}

/** Turns on two-step verification for the token's user: the secret, and the first code. */
export async function apiEnrollTotp(
  baseUrl: string,
  token: string,
  currentPassword: string,
  codeFor: (secret: string) => string,
): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const started = await call<{ secret: string }>(baseUrl, '/me/mfa/totp', {
    method: 'POST',
    headers,
    body: JSON.stringify({ currentPassword }),
  })
  await call(baseUrl, '/me/mfa/totp/confirm', {
    method: 'POST',
    headers,
    body: JSON.stringify({ code: codeFor(started.secret) }),
  })
  return started.secret
}
