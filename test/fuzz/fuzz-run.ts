import fc from 'fast-check'
import { checkResponse, type OpenApiDocument } from '../helpers/openapi-validator.ts'
import { createTestApp, type TestApp } from '../helpers/test-app.ts'
import { createPrincipals, type Principals } from './fuzz-principals.ts'
import {
  apiTargets,
  escapeText,
  type FuzzRequest,
  type FuzzTarget,
  pageTargets,
} from './fuzz-requests.ts'

// The contract fuzzer: for each target (every operation of /openapi.json, every page route of the
// app's route table) it sends fast-check's requests and checks each answer. A target stops at its
// first new kind of failure, which fast-check shrinks to a small request and reports with the
// seed and path that replay it; the run then goes on with the next seed.

export interface FuzzOptions {
  seed: number
  /** Requests per target (before shrinking). */
  runs: number
  /** Only the targets whose label contains this text. */
  only?: string
  /** Replays one counterexample: with `seed`, the path fast-check reported. */
  path?: string
  /** Sends the requests to a real @hono/node-server on 127.0.0.1 instead of `app.request`. */
  send?: (t: TestApp, request: Request) => Promise<Response>
  /** Told of each target as it starts (progress for long runs). */
  onTarget?: (target: FuzzTarget, index: number, count: number) => void
}

export interface FuzzFailure {
  target: string
  reason: string
  seed: number
  path: string
  request: string
}

export interface FuzzReport {
  requests: number
  statuses: Map<number, number>
  targets: { label: string; requests: number; statuses: Set<number> }[]
  failures: FuzzFailure[]
}

const SETUP_TOKEN = 'fuzz-setup-token-'.padEnd(43, 'x')

/** Runs the fuzzer against a fresh test app, which it closes. */
export async function fuzzApp(options: FuzzOptions): Promise<FuzzReport> {
  const t = await createTestApp({ setupToken: SETUP_TOKEN })
  try {
    const principals = createPrincipals(t, SETUP_TOKEN)
    await principals.ensureLive()
    const document = (await t.get('/openapi.json')).json as OpenApiDocument
    const fields = await formFields(t, principals)
    const targets = [...apiTargets(document), ...pageTargets(t.app.routes, fields)].filter(
      (target) =>
        !options.only ||
        (options.path ? target.label === options.only : target.label.includes(options.only)),
    )
    return await fuzzTargets(t, principals, document, targets, options)
  } finally {
    await t.close()
  }
}

async function fuzzTargets(
  t: TestApp,
  principals: Principals,
  document: OpenApiDocument,
  targets: FuzzTarget[],
  options: FuzzOptions,
): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, statuses: new Map(), targets: [], failures: [] }
  const known = new Set<string>()
  const send = options.send ?? ((app, request) => Promise.resolve(app.app.request(request)))
  let dirty = false
  for (const [index, target] of targets.entries()) {
    options.onTarget?.(target, index, targets.length)
    const seen = { label: target.label, requests: 0, statuses: new Set<number>() }
    report.targets.push(seen)
    let lastFailure: { reasons: string[]; request: FuzzRequest } | undefined
    const property = fc.asyncProperty(target.requests, async (fuzzRequest) => {
      if (dirty) await principals.ensureLive()
      const request = toRequest(fuzzRequest, principals)
      const response = await send(t, request)
      const text = await response.text()
      report.requests++
      seen.requests++
      seen.statuses.add(response.status)
      report.statuses.set(response.status, (report.statuses.get(response.status) ?? 0) + 1)
      dirty = fuzzRequest.method !== 'GET' && response.status < 400
      const reasons = checkAnswer(document, target, fuzzRequest, request, response, text)
      const fresh = reasons.filter((reason) => !known.has(`${target.label}: ${reason}`))
      if (fresh.length > 0) lastFailure = { reasons: fresh, request: fuzzRequest }
      return fresh.length === 0
    })
    let remaining = options.runs
    for (let round = 0; remaining > 0; round++) {
      const seed = options.seed + round * 7919
      const result = await fc.check(property, {
        seed,
        numRuns: remaining,
        ...(options.path ? { path: options.path } : {}),
      })
      if (!result.failed) break
      const failing = lastFailure
      const counterexample = result.counterexample?.[0] ?? failing?.request
      for (const reason of failing?.reasons ?? [describeError(result.errorInstance)]) {
        known.add(`${target.label}: ${reason}`)
        report.failures.push({
          target: target.label,
          reason,
          seed,
          path: result.counterexamplePath ?? '',
          request: describe(counterexample),
        })
      }
      if (options.path) break
      remaining -= result.numRuns
    }
  }
  return report
}

/** The fields of each form the pages render, by the form's action, for the page targets to post. */
async function formFields(t: TestApp, principals: Principals): Promise<Map<string, string[]>> {
  const userId = principals.id({ ref: 'user' })
  const paths = [
    ...['/sign-in', '/forgot-password', '/account', '/account/two-step', '/admin/users'],
    ...['/admin/users/new', '/admin/requests', '/admin/audit', `/admin/users/${userId}`],
    `/admin/users/${userId}/reset`,
  ]
  const fields = new Map<string, Set<string>>()
  for (const path of paths) {
    const res = await t.app.request(path, { headers: { Cookie: principals.cookie('admin') ?? '' } })
    const html = await res.text()
    for (const [, action, inner] of html.matchAll(
      /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g,
    )) {
      const names = fields.get(action!) ?? new Set<string>()
      for (const [, name] of inner!.matchAll(/\bname="([^"]+)"/g)) names.add(name!)
      fields.set(action!, names)
    }
  }
  return new Map([...fields].map(([action, names]) => [action, [...names].sort()]))
}

/** The fetch Request a drawn request stands for, with its real ids, token and cookies. */
export function toRequest(fuzz: FuzzRequest, principals: Principals): Request {
  const path = fuzz.route.replace(/:(\w+)/g, (_, name: string) =>
    escapeText(principals.id(fuzz.params[name]!)),
  )
  const headers = new Headers()
  for (const [name, value] of Object.entries(fuzz.headers)) {
    if (name !== 'x-fuzz-cookie') headers.set(name, value)
  }
  const isApi = path.startsWith('/api/')
  const bearer = isApi ? principals.bearer(fuzz.caller) : undefined
  if (bearer) headers.set('Authorization', `Bearer ${bearer}`)
  const cookies = [
    isApi ? undefined : principals.cookie(fuzz.caller),
    fuzz.headers['x-fuzz-cookie'],
  ]
  const cookie = cookies.filter(Boolean).join('; ')
  if (cookie) headers.set('Cookie', cookie)
  let body: string | Uint8Array | undefined
  if (fuzz.body.kind !== 'none') {
    if (fuzz.body.contentType !== undefined) headers.set('Content-Type', fuzz.body.contentType)
    body = fuzz.body.kind === 'text' ? fuzz.body.text : fuzz.body.bytes
  }
  const url = `http://localhost${path}${fuzz.query ? `?${fuzz.query}` : ''}`
  const request = new Request(url, { method: fuzz.method, headers, body })
  // A string body makes fetch add its own text/plain type: the drawn request had none.
  if (fuzz.body.kind === 'text' && fuzz.body.contentType === undefined) {
    request.headers.delete('Content-Type')
  }
  return request
}

// Node's http module refuses to send a header value with these (and @hono/node-server then
// answers a bare 500 of its own, without any of our headers).
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/

/** Every way an answer breaks the contract, as short reasons that name no drawn value. */
export function checkAnswer(
  document: OpenApiDocument,
  target: FuzzTarget,
  fuzz: FuzzRequest,
  request: Request,
  response: Response,
  text: string,
): string[] {
  const reasons: string[] = []
  const status = response.status
  const headers = response.headers
  if (status >= 500) reasons.push(`server error ${status}`)
  reasons.push(...missingSecurityHeaders(headers, target.surface))
  for (const [name, value] of headers) {
    if (UNSENDABLE.test(value)) reasons.push(`header ${name} holds a character Node cannot send`)
  }
  const noCaller = fuzz.caller === 'none' || fuzz.caller === 'garbage'
  if (target.surface === 'api') {
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      // checkResponse reports a body that should have been JSON
    }
    const record = {
      method: request.method,
      path: new URL(request.url).pathname,
      status,
      contentType: headers.get('content-type'),
      text,
      json,
    }
    for (const violation of checkResponse(document, record)) {
      reasons.push(`undocumented: ${violation.replace(/^\S+ \S+ → \d+: /, '')} (${status})`)
    }
    if ((fuzz.invalid || fuzz.guarded) && (status < 400 || status >= 500)) {
      reasons.push(`invalid input answered ${status}`)
    }
    if (target.protected && noCaller && !fuzz.guarded && status !== 401) {
      reasons.push(`no credentials answered ${status}, not 401`)
    }
    return reasons
  }
  const signInRedirect = status === 303 && headers.get('location') === '/sign-in'
  if (target.protected && noCaller) {
    if (!signInRedirect) reasons.push(`no session answered ${status}, not 303 to /sign-in`)
  } else if (fuzz.invalid && fuzz.method === 'POST' && (status < 400 || status >= 500)) {
    reasons.push(`unreadable form answered ${status}`)
  }
  if (fuzz.guarded && fuzz.method === 'POST' && !(target.protected && noCaller) && status < 400) {
    reasons.push(`guarded form answered ${status}`)
  }
  return reasons
}

const BASE_HEADERS: Record<string, string | RegExp> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    /^default-src 'none';.*frame-ancestors 'none'; base-uri 'none'; object-src 'none'$/,
}

/** The headers every answer carries (docs/security.md, HTTP), and no-store on the API. */
export function missingSecurityHeaders(headers: Headers, surface: 'api' | 'page'): string[] {
  const missing: string[] = []
  for (const [name, expected] of Object.entries(BASE_HEADERS)) {
    const value = headers.get(name)
    const ok =
      typeof expected === 'string' ? value === expected : value !== null && expected.test(value)
    if (!ok) missing.push(`header ${name} is ${value === null ? 'missing' : `"${value}"`}`)
  }
  if (surface === 'api' && headers.get('cache-control') !== 'no-store') {
    missing.push(`header cache-control is "${headers.get('cache-control')}"`)
  }
  for (const leak of ['x-powered-by', 'server']) {
    if (headers.has(leak)) missing.push(`header ${leak} is sent`)
  }
  return missing
}

/** An exception the check threw (not an answer it judged), with its cause. */
function describeError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause
  return cause === undefined ? String(error) : `${String(error)} (${String(cause)})`
}

function describe(request: FuzzRequest | undefined): string {
  if (!request) return '(none)'
  const body =
    request.body.kind === 'none'
      ? ''
      : ` ${request.body.contentType ?? '(no type)'} ${JSON.stringify(
          request.body.kind === 'text'
            ? request.body.text
            : new TextDecoder().decode(request.body.bytes),
        ).slice(0, 300)}`
  const params =
    Object.keys(request.params).length > 0 ? ` params=${JSON.stringify(request.params)}` : ''
  return `${request.method} ${request.route}${request.query ? `?${request.query}` : ''} as ${request.caller}${params}${body}`
}

/** The run as lines a person reads: requests, statuses, targets, each failure with its replay. */
export function formatReport(report: FuzzReport, options: FuzzOptions): string {
  const lines = [
    `${report.requests} requests to ${report.targets.length} targets (seed ${options.seed}, ${options.runs} runs each)`,
  ]
  const histogram = [...report.statuses.entries()].sort(([a], [b]) => a - b)
  lines.push(`statuses: ${histogram.map(([status, n]) => `${status}×${n}`).join('  ')}`)
  lines.push(`failures: ${report.failures.length}`)
  for (const failure of report.failures) {
    lines.push(
      `  ${failure.target}: ${failure.reason}`,
      `    request: ${failure.request}`,
      `    replay:  npm run fuzz -- --only '${failure.target}' --seed ${failure.seed} --path '${failure.path}'`,
    )
  }
  return lines.join('\n')
}
