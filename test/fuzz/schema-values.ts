import fc from 'fast-check'
import type { OpenApiDocument } from '../helpers/openapi-validator.ts'

// Values for fuzzing, drawn from the JSON Schemas of the app's own /openapi.json: each draw says
// whether it keeps to its schema, so a check can demand a 4xx for the ones that break it. Only
// the keywords the document's request schemas use are understood (type, properties, required,
// additionalProperties, enum, minLength, maxLength, minimum, maximum, format, anyOf/oneOf, $ref).

type Schema = Record<string, any>

/** A value and whether it satisfies the schema it was drawn for. */
export interface Drawn<T = unknown> {
  value: T
  valid: boolean
}

/** Control characters: C0 (NUL first), DEL, C1; what a C string, a header or a log chokes on. */
const CONTROLS = ['\0', '\x01', '\x08', '\x0b', '\x1b', '\x1f', '\x7f', '\u0085', '\t', '\r\n']

/** Text that has broken parsers before: quotes, escapes, LIKE and FTS syntax, odd Unicode. */
const NASTY_PIECES = [
  '\u2028',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\u{1f600}',
  'é',
  '"',
  "'",
  '\\',
  '%',
  '%00',
  '%zz',
  '_',
  '*',
  '^',
  '../',
  '/',
  '//evil.example',
  ' OR 1=1 --',
  'NEAR(',
  '${x}',
  '<script>',
  '&',
  '=',
  ';',
  '@',
]

const piece = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...CONTROLS) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
)

/** Any text at all, with a bias towards the pieces above; sometimes shaped as a local path. */
export const nastyText = (maxPieces = 12) =>
  fc
    .tuple(fc.array(piece, { maxLength: maxPieces }), fc.nat(4))
    .map(([parts, shape]) => (shape === 0 ? '/' : '') + parts.join(''))

/** Text whose length in code points lies within the bounds (padded or cut to fit). */
function textWithin(min: number, max: number): fc.Arbitrary<string> {
  const fitted = (text: string) => {
    const points = [...text]
    while (points.length < min) points.push('x')
    return points.slice(0, max).join('')
  }
  return fc.oneof(
    nastyText().map(fitted),
    fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
  )
}

const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.tuple(nastyText(4), fc.domain()).map(([local, domain]) => `${local || 'a'}@${domain}`),
)

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema
  const name = schema.$ref.replace('#/components/schemas/', '')
  const target = document.components?.schemas?.[name]
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`)
  return resolve(document, target)
}

/** A value that satisfies `schema` (valid: true). */
export function validValue(document: OpenApiDocument, raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw)
  const alternatives: Schema[] | undefined = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((part) => validValue(document, part)))
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]))
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'email') return emailLike.filter((e) => e.length <= 254)
      return textWithin(schema.minLength ?? 0, schema.maxLength ?? 300)
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(validValue(document, schema.items ?? {}), { maxLength: 3 })
    case 'object':
      return validObject(document, schema)
    default:
      return fc.jsonValue()
  }
}

function validObject(document: OpenApiDocument, schema: Schema) {
  const properties: Record<string, Schema> = schema.properties ?? {}
  const required = new Set<string>(schema.required ?? [])
  const model: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [name, inner] of Object.entries(properties)) model[name] = validValue(document, inner)
  return fc.record(model, { requiredKeys: [...required] })
}

/**
 * A value that breaks `schema` in one way (valid: false): the wrong type, a length or bound
 * overstepped, a value outside the enum, a required property missing, an unknown one added.
 * Returns undefined when the schema admits anything.
 */
export function invalidValue(
  document: OpenApiDocument,
  raw: Schema,
): fc.Arbitrary<unknown> | undefined {
  const schema = resolve(document, raw)
  const alternatives: Schema[] | undefined = schema.anyOf ?? schema.oneOf
  if (alternatives) {
    // Breaking every alternative at once: a non-object (all of ours are objects) does that.
    return fc.oneof(fc.constant(null), fc.string(), fc.array(fc.integer(), { maxLength: 2 }))
  }
  const wrongType = wrongTypeFor(schema.type)
  const ways: fc.Arbitrary<unknown>[] = wrongType ? [wrongType] : []
  if (schema.enum) {
    ways.push(nastyText(3).filter((text) => !schema.enum.includes(text)))
  }
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) {
      ways.push(fc.nat(20).map((extra) => 'y'.repeat(schema.maxLength + 1 + extra)))
    }
    if ((schema.minLength ?? 0) > 0) {
      ways.push(fc.string({ maxLength: schema.minLength - 1 }))
    }
    if (schema.format === 'email') ways.push(fc.constantFrom('not-an-email', 'a@', '@b.c', 'a b@c'))
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.maximum !== undefined) ways.push(fc.integer({ min: schema.maximum + 1 }))
    if (schema.minimum !== undefined) ways.push(fc.integer({ max: schema.minimum - 1 }))
    if (schema.type === 'integer') ways.push(fc.constantFrom(1.5, -0.25))
  }
  if (schema.type === 'object') ways.push(...invalidObjects(document, schema))
  return ways.length > 0 ? fc.oneof(...ways) : undefined
}

function wrongTypeFor(type: unknown): fc.Arbitrary<unknown> | undefined {
  const byType: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(['a'])),
    integer: fc.oneof(fc.string(), fc.boolean(), fc.constant(null)),
    number: fc.oneof(fc.string(), fc.boolean(), fc.constant(null)),
    boolean: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    object: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant([])),
    array: fc.oneof(fc.string(), fc.constant({})),
  }
  return typeof type === 'string' ? byType[type] : undefined
}

function invalidObjects(document: OpenApiDocument, schema: Schema): fc.Arbitrary<unknown>[] {
  const properties: Record<string, Schema> = schema.properties ?? {}
  const required: string[] = schema.required ?? []
  const whole = validObject(document, schema) as fc.Arbitrary<Record<string, unknown>>
  const ways: fc.Arbitrary<unknown>[] = []
  if (required.length > 0) {
    ways.push(
      fc.tuple(whole, fc.constantFrom(...required)).map(([object, name]) => {
        const rest = { ...object }
        delete rest[name]
        return rest
      }),
    )
  }
  if (schema.additionalProperties === false) {
    const unknownName = fc
      .constantFrom('role', 'isAdmin', 'passwordHash', '__proto__', 'constructor', 'x')
      .filter((name) => !(name in properties))
    ways.push(
      fc
        .tuple(whole, unknownName, fc.jsonValue())
        .map(([object, name, value]) => JSON.parse(JSON.stringify({ ...object, [name]: value }))),
    )
  }
  const broken = Object.entries(properties).flatMap(([name, inner]) => {
    const bad = invalidValue(document, inner)
    return bad
      ? [fc.tuple(whole, bad).map(([object, value]) => ({ ...object, [name]: value }))]
      : []
  })
  ways.push(...broken)
  return ways
}

/** Mostly valid values, some broken ones, each labelled. */
export function drawValue(document: OpenApiDocument, schema: Schema): fc.Arbitrary<Drawn> {
  const valid = validValue(document, schema).map((value) => ({ value, valid: true }))
  const invalid = invalidValue(document, schema)
  if (!invalid) return valid
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: invalid.map((value) => ({ value, valid: false })) },
  )
}
