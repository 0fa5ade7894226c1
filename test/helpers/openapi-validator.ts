// Checks recorded responses against the app's own /openapi.json, the way a response validator in
// front of the service would (Prism in proxy mode): the status is documented for the operation, the
// content type is one the document names, and the body matches its schema. Runtime-neutral (no
// node:*), so the HTTP suite can use it on Node and in workerd alike.

export interface RecordedResponse {
  method: string
  /** The request path, without the query. */
  path: string
  status: number
  contentType: string | null
  text: string
  json: unknown
}

type Schema = Record<string, any>
interface Response {
  description?: string
  content?: Record<string, { schema?: Schema }>
  $ref?: string
}
interface Operation {
  responses: Record<string, Response>
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema>; responses?: Record<string, Response> }
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** The documented path template a concrete path falls under (`/users/{id}` for `/users/u1`). */
export function matchTemplate(document: OpenApiDocument, path: string): string | undefined {
  return Object.keys(document.paths).find((template) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')
    return new RegExp(`^${pattern}$`).test(path)
  })
}

/**
 * Every way a recorded response departs from the document, as readable lines (empty when it
 * conforms). Documented paths are checked wherever they live (`/healthz` too); other paths
 * outside the API's prefix (the document itself, pages) are not the document's business, and an
 * unknown path under that prefix must be a 404 problem.
 */
export function checkResponse(document: OpenApiDocument, record: RecordedResponse): string[] {
  const at = `${record.method} ${record.path} → ${record.status}`
  if (record.method === 'OPTIONS') return []
  const template = matchTemplate(document, record.path)
  if (!template) {
    const apiPaths = Object.keys(document.paths).filter((path) => path.startsWith('/api/'))
    if (!record.path.startsWith(commonPrefix(apiPaths))) return []
    if (record.status !== 404) return [`${at}: unknown path answered other than 404`]
    return checkMediaType(at, record, 'application/problem+json')
  }
  const operations = document.paths[template]!
  const method = record.method.toLowerCase()
  const operation = operations[method === 'head' ? 'get' : method]
  const label = `${record.method} ${template} → ${record.status}`
  if (!operation) {
    // A wrong method on a documented path: each of its operations must say 405 can happen.
    const documented = METHODS.filter((m) => operations[m]).every(
      (m) => resolveResponse(document, operations[m]!.responses['405']) !== undefined,
    )
    if (record.status !== 405) return [`${label}: undocumented method answered other than 405`]
    return documented ? [] : [`${label}: 405 is not documented on the path's operations`]
  }
  const response = resolveResponse(
    document,
    operation.responses[String(record.status)] ??
      operation.responses[`${String(record.status)[0]}XX`] ??
      operation.responses.default,
  )
  if (!response) return [`${label}: status not documented`]
  if (!response.content || Object.keys(response.content).length === 0) {
    return record.text === '' ? [] : [`${label}: documented without a body, but has one`]
  }
  const mediaType = record.contentType?.split(';')[0]!.trim().toLowerCase() ?? ''
  const media = response.content[mediaType]
  if (!media) {
    return [`${label}: content type ${mediaType || '(none)'} not documented`]
  }
  if (!media.schema) return []
  return validateSchema(document, media.schema, record.json, '$').map(
    (error) => `${label}: ${error}`,
  )
}

function checkMediaType(at: string, record: RecordedResponse, expected: string): string[] {
  const mediaType = record.contentType?.split(';')[0]!.trim().toLowerCase()
  return mediaType === expected ? [] : [`${at}: content type ${mediaType} instead of ${expected}`]
}

function commonPrefix(paths: string[]): string {
  const prefix = paths.reduce((common, path) => {
    let i = 0
    while (i < common.length && common[i] === path[i]) i++
    return common.slice(0, i)
  }, paths[0] ?? '')
  return prefix.slice(0, prefix.lastIndexOf('/') + 1)
}

function resolveResponse(
  document: OpenApiDocument,
  response: Response | undefined,
): Response | undefined {
  if (!response?.$ref) return response
  const name = response.$ref.replace('#/components/responses/', '')
  return document.components?.responses?.[name]
}

function resolveSchema(document: OpenApiDocument, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema
  const name = schema.$ref.replace('#/components/schemas/', '')
  const target = document.components?.schemas?.[name]
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`)
  return resolveSchema(document, target)
}

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value)
  return actual === type || (type === 'number' && actual === 'integer')
}

/**
 * A JSON Schema (2020-12 as OpenAPI 3.1 uses it) subset checker: the keywords the document's
 * zod-generated schemas use. An unknown validation keyword is reported rather than ignored, so
 * the checker can never pass a body silently because it skipped a rule.
 */
export function validateSchema(
  document: OpenApiDocument,
  rawSchema: Schema,
  value: unknown,
  where: string,
): string[] {
  const schema = resolveSchema(document, rawSchema)
  const errors: string[] = []
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) errors.push(`${where}: schema keyword "${key}" is not checked`)
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (!types.some((type) => hasType(value, type))) {
      return [...errors, `${where}: ${typeOf(value)} is not ${types.join('|')}`]
    }
  }
  if (schema.nullable === true && value === null) return errors
  if ('const' in schema && value !== schema.const) {
    errors.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`)
  }
  if (schema.enum && !schema.enum.includes(value)) {
    errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`)
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      errors.push(`${where}: shorter than ${schema.minLength}`)
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      errors.push(`${where}: longer than ${schema.maxLength}`)
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${where}: does not match ${schema.pattern}`)
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
      errors.push(`${where}: not a date-time`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${where}: below ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${where}: above ${schema.maximum}`)
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...validateSchema(document, schema.items, item, `${where}[${i}]`)),
    )
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    for (const name of schema.required ?? []) {
      if (!(name in object)) errors.push(`${where}: missing required "${name}"`)
    }
    const properties: Record<string, Schema> = schema.properties ?? {}
    for (const [name, inner] of Object.entries(object)) {
      if (properties[name]) {
        errors.push(...validateSchema(document, properties[name], inner, `${where}.${name}`))
      } else if (schema.additionalProperties === false) {
        errors.push(`${where}: unexpected property "${name}"`)
      } else if (typeof schema.additionalProperties === 'object') {
        errors.push(
          ...validateSchema(document, schema.additionalProperties, inner, `${where}.${name}`),
        )
      }
    }
  }
  for (const part of schema.allOf ?? []) {
    errors.push(...validateSchema(document, part, value, where))
  }
  const alternatives: Schema[] | undefined = schema.anyOf ?? schema.oneOf
  if (alternatives) {
    const passing = alternatives.filter(
      (part) => validateSchema(document, part, value, where).length === 0,
    ).length
    if (passing === 0) errors.push(`${where}: matches none of the alternatives`)
    if (schema.oneOf && passing > 1) errors.push(`${where}: matches more than one alternative`)
  }
  return errors
}

// Annotations (no effect on validity) and the validation keywords checked above.
const KNOWN_KEYWORDS = new Set([
  ...['$ref', 'type', 'nullable', 'const', 'enum', 'minLength', 'maxLength', 'pattern'],
  ...['format', 'minimum', 'maximum', 'items', 'required', 'properties', 'additionalProperties'],
  ...['allOf', 'anyOf', 'oneOf'],
  ...['description', 'example', 'examples', 'title', 'default', 'deprecated', 'readOnly'],
])
