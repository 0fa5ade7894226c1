import fc from 'fast-check'
import type { OpenApiDocument } from '../helpers/openapi-validator.ts'
import { type Drawn, drawValue, nastyText } from './schema-values.ts'

// Requests for every operation of /openapi.json and every route of the web UI, as fast-check
// arbitraries. Who signs a request (admin, user, nobody) and which real ids it names are drawn as
// references and filled in when it is sent, so a seed replays the same requests in a fresh app.

/** Who a request is sent as: resolved to a bearer token or a session cookie when sent. */
export type Caller = 'none' | 'admin' | 'user' | 'garbage' | 'setup'
/** An id of a real record, filled in when sent, or literal text. */
export type IdRef = { ref: 'admin' | 'user' | 'stranger' } | { text: string; invalid?: boolean }

export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'text'; contentType: string | undefined; text: string }
  | { kind: 'bytes'; contentType: string; bytes: Uint8Array }

export interface FuzzRequest {
  method: string
  /** A route pattern (`/users/:id`); its `:param`s are filled from `params`. */
  route: string
  params: Record<string, IdRef>
  /** The raw query string, `?` excluded (percent-escapes and all). */
  query: string
  caller: Caller
  body: FuzzBody
  headers: Record<string, string>
  /** The request breaks its schema (the API's) or is not a readable form (the pages'). */
  invalid: boolean
  /** A guard answers before authentication: a foreign origin, a wrong type, an oversized body. */
  guarded: boolean
}

/** One thing to fuzz: an API operation or a page route, with its request arbitrary. */
export interface FuzzTarget {
  surface: 'api' | 'page'
  label: string
  /** The API operation needs a caller (the document says so), or the page is behind sign-in. */
  protected: boolean
  requests: fc.Arbitrary<FuzzRequest>
}

const SITE_ORIGIN = 'http://localhost'
const MAX_BODY = 16 * 1024

const clientIp = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('', 'unknown', '::ffff:10.0.0.1', '1.2.3.4, 5.6.7.8', '\x01'),
)

interface OriginHeaders {
  headers: Record<string, string>
  foreign: boolean
}

/** The request's origin headers: mostly this site; sometimes none, sometimes foreign. */
const originHeaders = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constant<OriginHeaders>({ headers: { Origin: SITE_ORIGIN }, foreign: false }),
  },
  { weight: 1, arbitrary: fc.constant<OriginHeaders>({ headers: {}, foreign: false }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<OriginHeaders>(
      { headers: { Origin: 'https://evil.example' }, foreign: true },
      { headers: { 'Sec-Fetch-Site': 'cross-site' }, foreign: true },
      { headers: { Origin: 'null' }, foreign: true },
    ),
  },
)

const realId: fc.Arbitrary<IdRef> = fc
  .constantFrom('admin' as const, 'user' as const, 'stranger' as const)
  .map((ref) => ({ ref }))

const idRef = (literal: fc.Arbitrary<string>): fc.Arbitrary<IdRef> =>
  fc.oneof(
    { weight: 3, arbitrary: realId },
    { weight: 2, arbitrary: literal.map((text): IdRef => ({ text })).filter(isPathSegment) },
  )

/** An id that stays one segment of the same path: not empty, not `.` or `..` (URLs fold those). */
function isPathSegment(ref: IdRef): boolean {
  return !('text' in ref) || !['', '.', '..'].includes(ref.text)
}

/** encodeURIComponent for any text: a lone surrogate goes as U+FFFD's bytes, never a throw. */
export function escapeText(text: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.!~*'()]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** `name=value` pairs as a query string: escaped properly, or raw text with broken escapes. */
function queryString(pairs: fc.Arbitrary<[string, string][]>): fc.Arbitrary<string> {
  const encoded = pairs.map((list) =>
    list.map(([name, value]) => `${escapeText(name)}=${escapeText(value)}`),
  )
  return fc.oneof(
    { weight: 4, arbitrary: encoded.map((parts) => parts.join('&')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(encoded, fc.constantFrom('%00', '%zz', '%', '&&=', '=%E0%A4%A', '%0d%0a', '+%2B'))
        .map(([parts, raw]) => [...parts, raw].join('&')),
    },
  )
}

// ---------------------------------------------------------------------------------------------
// The JSON API, from the document

type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, any> }[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, any> }> }
  security?: unknown[]
}

/** One target per operation of the document. */
export function apiTargets(document: OpenApiDocument): FuzzTarget[] {
  const targets: FuzzTarget[] = []
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, Operation][]) {
      const route = template.replace(/\{([^}]+)\}/g, ':$1')
      const needsCaller = (operation.security?.length ?? 0) > 0
      targets.push({
        surface: 'api',
        label: `${method.toUpperCase()} ${template}`,
        protected: needsCaller,
        requests: apiRequests(document, method.toUpperCase(), route, operation),
      })
    }
  }
  return targets
}

function apiRequests(
  document: OpenApiDocument,
  method: string,
  route: string,
  operation: Operation,
): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? []
  const pathParams = parameters.filter((p) => p.in === 'path')
  const queryParams = parameters.filter((p) => p.in === 'query')
  const params = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        fc.oneof(
          { weight: 3, arbitrary: realId },
          {
            weight: 2,
            arbitrary: urlValue(p.schema)
              .map(({ text, valid }): IdRef => ({ text, invalid: !valid }))
              .filter(isPathSegment),
          },
        ),
      ]),
    ),
  )
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.option(urlValue(p.schema), { nil: undefined, freq: 3 }).map((drawn) => ({
          name: p.name,
          drawn,
        })),
      ),
    )
    .chain((drawnParams) => {
      const pairs = drawnParams.flatMap(({ name, drawn }) =>
        drawn ? [[name, drawn.text] as [string, string]] : [],
      )
      const invalid = drawnParams.some(({ drawn }) => drawn && !drawn.valid)
      return queryString(fc.constant(pairs)).map((text) => ({ text, invalid }))
    })
  const callers: Caller[] = route.endsWith('/setup')
    ? ['setup', 'none', 'garbage', 'admin']
    : ['admin', 'user', 'none', 'garbage']
  return fc
    .record({
      params,
      query,
      caller: fc.constantFrom(...callers),
      body: ['GET', 'HEAD'].includes(method)
        ? fc.constant({ body: { kind: 'none' as const }, invalid: false, guarded: false })
        : apiBody(document, operation),
      origin: ['GET', 'HEAD'].includes(method) ? fc.constant(undefined) : originHeaders,
      ip: clientIp,
    })
    .map(({ params, query, caller, body, origin, ip }) => {
      const paramsInvalid = Object.values(params).some((p) => 'invalid' in p && p.invalid)
      return {
        method,
        route,
        params,
        query: query.text,
        caller,
        body: body.body,
        headers: { ...origin?.headers, 'x-test-client-ip': ip },
        invalid: body.invalid || query.invalid || paramsInvalid,
        guarded: body.guarded || (origin?.foreign ?? false),
      }
    })
}

/**
 * Text for a path or query parameter (always a string on the wire), and whether it keeps to the
 * parameter's schema: a string's length bounds, an integer's form and range.
 */
function urlValue(schema: Record<string, any>): fc.Arbitrary<{ text: string; valid: boolean }> {
  if (schema.type === 'integer') {
    const { minimum = -1e9, maximum = 1e9 } = schema
    return fc
      .oneof(
        { weight: 6, arbitrary: fc.integer({ min: minimum, max: maximum }).map(String) },
        { weight: 1, arbitrary: fc.integer().map(String) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', '1.5', '1e1', ' 7', '0x10', 'NaN', '-0', '9'.repeat(20)),
        },
        { weight: 1, arbitrary: nastyText(3) },
      )
      .map((text) => {
        const n = Number(text)
        const valid = text.trim() !== '' && Number.isInteger(n) && n >= minimum && n <= maximum
        return { text, valid }
      })
  }
  const { minLength = 0, maxLength = 300 } = schema
  return fc
    .oneof(
      { weight: 8, arbitrary: nastyText() },
      { weight: 1, arbitrary: fc.nat(40).map((extra) => 'z'.repeat(maxLength + 1 + extra)) },
    )
    .map((text) => {
      const length = [...text].length
      return { text, valid: length >= minLength && length <= maxLength }
    })
}

interface ApiBody {
  body: FuzzBody
  invalid: boolean
  guarded: boolean
}

function apiBody(document: OpenApiDocument, operation: Operation): fc.Arbitrary<ApiBody> {
  const schema = operation.requestBody?.content['application/json']?.schema
  const json = (text: string): FuzzBody => ({ kind: 'text', contentType: 'application/json', text })
  const none: ApiBody = {
    body: { kind: 'none' },
    invalid: operation.requestBody?.required ?? false,
    guarded: false,
  }
  if (!schema) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant({ ...none, invalid: false }) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => stray(json(JSON.stringify(v)))) },
    )
  }
  return fc.oneof(
    {
      weight: 8,
      arbitrary: drawValue(document, schema).map((drawn: Drawn) => ({
        body: json(JSON.stringify(drawn.value)),
        invalid: !drawn.valid,
        guarded: false,
      })),
    },
    { weight: 1, arbitrary: fc.constant(none) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"a":', 'nul', '[1,]', '\u0000', '{"email":"\\ud800"}', '"x"')
        .map((text) => ({ body: json(text), invalid: true, guarded: false })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/jsonx',
            undefined,
          ),
          nastyText(),
        )
        .map(([contentType, text]) => ({
          body: { kind: 'text' as const, contentType, text: text || 'x' },
          invalid: true,
          guarded: true,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.nat(4096).map((extra) => ({
        body: json(`{"email":"${'a'.repeat(MAX_BODY + extra)}"}`),
        invalid: true,
        guarded: true,
      })),
    },
  )
}

/** A body where the operation takes none: it may be ignored or refused, never a 5xx. */
function stray(body: FuzzBody): ApiBody {
  return { body, invalid: false, guarded: false }
}

// ---------------------------------------------------------------------------------------------
// The web UI, from the app's route table

/** One target per page route (GET and POST) outside the API, from the built app's routes. */
export function pageTargets(
  routes: { method: string; path: string }[],
  formFields: Map<string, string[]>,
): FuzzTarget[] {
  const allNames = [...new Set([...formFields.values()].flat())].sort()
  const seen = new Set<string>()
  const targets: FuzzTarget[] = []
  for (const { method, path } of routes) {
    if (method === 'ALL' || path.includes('*') || path.startsWith('/api/')) continue
    if (path === '/healthz' || path === '/openapi.json' || seen.has(`${method} ${path}`)) continue
    seen.add(`${method} ${path}`)
    targets.push({
      surface: 'page',
      label: `${method} ${path}`,
      protected: /^\/(account|admin)(\/|$)/.test(path),
      requests: pageRequests(method, path, fieldsOf(path, formFields) ?? allNames),
    })
  }
  return targets
}

/** The fields of the rendered forms that post to `route` (its `:id`s matching any id). */
function fieldsOf(route: string, formFields: Map<string, string[]>): string[] | undefined {
  const pattern = new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`)
  const names = [...formFields].flatMap(([action, fields]) => (pattern.test(action) ? fields : []))
  return names.length > 0 ? [...new Set(names)] : undefined
}

function pageRequests(
  method: string,
  route: string,
  fieldNames: string[],
): fc.Arbitrary<FuzzRequest> {
  const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  const params = fc.record(
    Object.fromEntries(names.map((name) => [name, idRef(nastyText(4))])),
  ) as fc.Arbitrary<Record<string, IdRef>>
  const pairs = fc.array(
    fc.tuple(
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fieldNames) }, nastyText(2)),
      nastyText(),
    ),
    { maxLength: 6 },
  )
  const body: fc.Arbitrary<ApiBody> =
    method === 'POST' ? formBody(pairs) : fc.constant({ body: { kind: 'none' }, ...VALID })
  return fc
    .record({
      params,
      query: fc.option(queryString(pairs), { nil: '', freq: 2 }),
      caller: fc.constantFrom<Caller>('admin', 'user', 'none', 'garbage'),
      body,
      origin: method === 'POST' ? originHeaders : fc.constant(undefined),
      extraCookies: fc.option(
        fc.constantFrom('oncepass_challenge=x', 'oncepass_mfa=%00', 'oncepass_lang=xx'),
        { nil: undefined, freq: 4 },
      ),
      ip: clientIp,
    })
    .map(({ params, query, caller, body, origin, extraCookies, ip }) => ({
      method,
      route,
      params,
      query,
      caller,
      body: body.body,
      headers: {
        ...origin?.headers,
        'x-test-client-ip': ip,
        ...(extraCookies ? { 'x-fuzz-cookie': extraCookies } : {}),
      },
      invalid: body.invalid,
      guarded: body.guarded || (origin?.foreign ?? false),
    }))
}

const VALID = { invalid: false, guarded: false }
const encoder = new TextEncoder()

function formBody(pairs: fc.Arbitrary<[string, string][]>): fc.Arbitrary<ApiBody> {
  const urlencoded = 'application/x-www-form-urlencoded'
  return fc.oneof(
    {
      weight: 5,
      arbitrary: queryString(pairs).map((text) => ({
        body: { kind: 'text' as const, contentType: urlencoded, text },
        ...VALID,
      })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(pairs, fc.constantFrom('xYz', '----b0undary', '"quoted b"'))
        .map(([list, boundary]) => ({
          body: {
            kind: 'bytes' as const,
            contentType: `multipart/form-data; boundary=${boundary}`,
            bytes: encoder.encode(multipart(list, boundary.replaceAll('"', ''))),
          },
          ...VALID,
        })),
    },
    { weight: 3, arbitrary: malformedMultipart(pairs) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('text/plain', 'application/json', undefined), nastyText())
        .map(([contentType, text]) => ({
          body: { kind: 'text' as const, contentType, text },
          invalid: true,
          guarded: true,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.nat(4096).map((extra) => ({
        body: {
          kind: 'text' as const,
          contentType: urlencoded,
          text: `a=${'b'.repeat(MAX_BODY + extra)}`,
        },
        invalid: true,
        guarded: true,
      })),
    },
  )
}

function multipart(pairs: [string, string][], boundary: string): string {
  const parts = pairs.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '')}"\r\n\r\n${value}\r\n`,
  )
  return `${parts.join('')}--${boundary}--\r\n`
}

/** Multipart bodies a parser must refuse: no boundary, a wrong one, cut short, garbage. */
function malformedMultipart(pairs: fc.Arbitrary<[string, string][]>): fc.Arbitrary<ApiBody> {
  return fc
    .tuple(
      pairs,
      fc.constantFrom('no-boundary', 'wrong-boundary', 'truncated', 'garbage', 'no-disposition'),
      nastyText(6),
    )
    .map(([list, how, noise]) => {
      const valid = multipart(list.length > 0 ? list : [['a', 'b']], 'b1')
      const shapes: Record<string, [string, string]> = {
        'no-boundary': ['multipart/form-data', valid],
        'wrong-boundary': ['multipart/form-data; boundary=other', valid],
        truncated: ['multipart/form-data; boundary=b1', valid.slice(0, valid.length - 9)],
        garbage: ['multipart/form-data; boundary=b1', `${noise}--b1\r\n${noise}`],
        'no-disposition': [
          'multipart/form-data; boundary=b1',
          `--b1\r\n\r\n${noise}\r\n--b1--\r\n`,
        ],
      }
      const [contentType, text] = shapes[how]!
      return { body: { kind: 'text' as const, contentType, text }, invalid: true, guarded: false }
    })
}
