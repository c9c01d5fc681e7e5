/**
 * The protobuf schema ksqlDB derives from SQL columns for PROTOBUF_NOSR (Confluent's
 * ProtobufData.fromConnectSchema over ksqlDB's Connect schema of the columns):
 *
 * - a message `ConnectDefault1` whose fields are the columns, numbered 1, 2, ... in order, named
 *   as the columns; proto3, so scalars have no presence (null is written as nothing and read as the
 *   type's default) unless the nullable representation says `optional` or `wrapper`;
 * - BOOLEAN `bool`, INTEGER `int32`, BIGINT `int64`, DOUBLE `double`, STRING `string`, BYTES
 *   `bytes`, DECIMAL `confluent.type.Decimal` (unscaled big-endian bytes, precision, scale), DATE
 *   `google.type.Date`, TIME `google.type.TimeOfDay`, TIMESTAMP `google.protobuf.Timestamp`;
 * - ARRAY a `repeated` field of the element type (packed for numbers and booleans), an array of
 *   arrays is refused ("Array cannot be nested"); MAP a `repeated` entry message (key = 1,
 *   value = 2), STRING keys only; STRUCT a nested message;
 * - a single unwrapped value: primitives in a `google.protobuf.*Value` wrapper (value = 1);
 *   ARRAY and MAP cannot be a root.
 */
import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import { SerdeError } from './common.js'

/** How columns that may be null are written (ksqlDB's `*_PROTOBUF_NULLABLE_REPRESENTATION`). */
export type NullableRepresentation = 'DEFAULT' | 'OPTIONAL' | 'WRAPPER'

export type ProtoScalar =
  | 'bool'
  | 'int32'
  | 'int64'
  | 'double'
  | 'string'
  | 'bytes'
  // only in registered schemas (PROTOBUF with a schema registry)
  | 'float'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'

export type ProtoFieldType =
  | { readonly kind: 'scalar'; readonly scalar: ProtoScalar }
  /** A primitive in a google.protobuf wrapper message (nullable representation WRAPPER). */
  | { readonly kind: 'wrapper'; readonly scalar: ProtoScalar }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'message'; readonly message: ProtoMessage }
  | { readonly kind: 'map'; readonly entry: ProtoMessage }
  /** A registered schema's enum: read as the symbol's name (a STRING). */
  | {
      readonly kind: 'enum'
      readonly byNumber: ReadonlyMap<number, string>
      readonly byName: ReadonlyMap<string, number>
    }

export interface ProtoField {
  readonly name: string
  readonly number: number
  /** ARRAY columns (and MAP entries). */
  readonly repeated: boolean
  /** proto3 `optional`: presence is written (nullable representation OPTIONAL). */
  readonly optional: boolean
  readonly type: ProtoFieldType
  /** The SQL type of the field's value (the element type for arrays). */
  readonly sqlType: Type
}

export interface ProtoMessage {
  readonly name: string
  readonly fields: readonly ProtoField[]
}

/** The root of a key or value: a message of the columns, or one unwrapped value. */
export type ProtoRoot =
  | { readonly kind: 'message'; readonly message: ProtoMessage }
  | { readonly kind: 'single'; readonly field: ProtoField }

const SCALARS: Partial<Record<Type['kind'], ProtoScalar>> = {
  BOOLEAN: 'bool',
  INTEGER: 'int32',
  BIGINT: 'int64',
  DOUBLE: 'double',
  STRING: 'string',
  BYTES: 'bytes',
}

const WRAPPER_NAMES: Partial<Record<ProtoScalar, string>> = {
  bool: 'google.protobuf.BoolValue',
  int32: 'google.protobuf.Int32Value',
  int64: 'google.protobuf.Int64Value',
  double: 'google.protobuf.DoubleValue',
  string: 'google.protobuf.StringValue',
  bytes: 'google.protobuf.BytesValue',
  float: 'google.protobuf.FloatValue',
  uint32: 'google.protobuf.UInt32Value',
  uint64: 'google.protobuf.UInt64Value',
}

/** The scalar of a google.protobuf wrapper message name, or undefined. */
export function wrapperScalar(name: string): ProtoScalar | undefined {
  for (const [scalar, n] of Object.entries(WRAPPER_NAMES)) if (n === name) return scalar as ProtoScalar
  return undefined
}

/** Scalars written packed when repeated (proto3's default for numeric types). */
export function isPackable(t: ProtoFieldType): boolean {
  return (t.kind === 'scalar' && t.scalar !== 'string' && t.scalar !== 'bytes') || t.kind === 'enum'
}

/** ksqlDB's ProtobufNoSRSerdeFactory.SchemaValidator: MAP keys must be STRING. */
export function checkProtobufTypes(columns: readonly Column[]): void {
  const visit = (t: Type): void => {
    switch (t.kind) {
      case 'MAP':
        if (t.key.kind !== 'STRING') {
          throw new SerdeError(
            'PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.',
          )
        }
        visit(t.value)
        return
      case 'ARRAY':
        visit(t.element)
        return
      case 'STRUCT':
        for (const f of t.fields) visit(f.type)
        return
      default:
        return
    }
  }
  for (const c of columns) visit(c.type)
}

class Namer {
  #next = 1
  name(): string {
    return `ConnectDefault${this.#next++}`
  }
}

function fieldType(t: Type, nullable: NullableRepresentation, namer: Namer): ProtoFieldType {
  const scalar = SCALARS[t.kind]
  if (scalar !== undefined) {
    return nullable === 'WRAPPER' ? { kind: 'wrapper', scalar } : { kind: 'scalar', scalar }
  }
  switch (t.kind) {
    case 'DECIMAL':
      return { kind: 'decimal', precision: t.precision, scale: t.scale }
    case 'DATE':
      return { kind: 'date' }
    case 'TIME':
      return { kind: 'time' }
    case 'TIMESTAMP':
      return { kind: 'timestamp' }
    case 'STRUCT':
      return {
        kind: 'message',
        message: messageOf(
          namer.name(),
          t.fields.map((f) => ({ name: f.name, type: f.type })),
          nullable,
          namer,
        ),
      }
    case 'MAP': {
      const name = `${namer.name()}Entry`
      return {
        kind: 'map',
        entry: {
          name,
          fields: [field('key', 1, t.key, 'DEFAULT', namer), field('value', 2, t.value, 'DEFAULT', namer)],
        },
      }
    }
    default:
      throw new SerdeError('Array cannot be nested')
  }
}

function field(
  name: string,
  number: number,
  t: Type,
  nullable: NullableRepresentation,
  namer: Namer,
): ProtoField {
  if (t.kind === 'ARRAY') {
    if (t.element.kind === 'ARRAY') throw new SerdeError('Array cannot be nested')
    // ProtobufData would write a repeated map entry per map, which no reader can tell apart.
    if (t.element.kind === 'MAP') throw new SerdeError('Array of maps is not supported')
    return {
      name,
      number,
      repeated: true,
      optional: false,
      type: fieldType(t.element, nullable, namer),
      sqlType: t.element,
    }
  }
  return {
    name,
    number,
    repeated: t.kind === 'MAP',
    optional: nullable === 'OPTIONAL' && t.kind !== 'MAP',
    type: fieldType(t, nullable, namer),
    sqlType: t,
  }
}

function messageOf(
  name: string,
  columns: readonly { readonly name: string; readonly type: Type }[],
  nullable: NullableRepresentation,
  namer: Namer,
): ProtoMessage {
  return { name, fields: columns.map((c, i) => field(c.name, i + 1, c.type, nullable, namer)) }
}

/**
 * The schema of a key or value: `unwrapped` = a single column written on its own (UNWRAP_SINGLES).
 * Throws SerdeError for types protobuf cannot hold (nested arrays, non-STRING map keys, an
 * unwrapped ARRAY or MAP).
 */
export function protoRoot(
  columns: readonly Column[],
  unwrapped: boolean,
  nullable: NullableRepresentation = 'DEFAULT',
): ProtoRoot {
  checkProtobufTypes(columns)
  const namer = new Namer()
  if (unwrapped && columns.length === 1) {
    const c = columns[0]!
    if (c.type.kind === 'ARRAY' || c.type.kind === 'MAP') {
      throw new SerdeError(`Unsupported root schema of type ${c.type.kind}`)
    }
    if (c.type.kind === 'STRUCT') {
      const inner = fieldType(c.type, nullable, namer)
      if (inner.kind === 'message') return { kind: 'message', message: inner.message }
    }
    return { kind: 'single', field: field('value', 1, c.type, 'DEFAULT', namer) }
  }
  return { kind: 'message', message: messageOf(namer.name(), columns, nullable, namer) }
}

// ---------------------------------------------------------------------------------------------
// .proto text (as ksqlDB prints the schema it derives)

function typeName(f: ProtoField, nested: string[], indent: string): string {
  const t = f.type
  switch (t.kind) {
    case 'scalar':
      return t.scalar
    case 'wrapper':
      return WRAPPER_NAMES[t.scalar] ?? t.scalar
    case 'enum':
      return 'int32'
    case 'decimal':
      return 'confluent.type.Decimal'
    case 'date':
      return 'google.type.Date'
    case 'time':
      return 'google.type.TimeOfDay'
    case 'timestamp':
      return 'google.protobuf.Timestamp'
    case 'message':
      nested.push(messageText(t.message, indent))
      return t.message.name
    case 'map': {
      const key = typeName(t.entry.fields[0]!, nested, indent)
      const value = typeName(t.entry.fields[1]!, nested, indent)
      return `map<${key}, ${value}>`
    }
  }
}

function messageText(m: ProtoMessage, indent: string): string {
  const inner = `${indent}  `
  const nested: string[] = []
  const lines = m.fields.map((f) => {
    const type = typeName(f, nested, inner)
    const label = f.type.kind === 'map' ? '' : f.repeated ? 'repeated ' : f.optional ? 'optional ' : ''
    const opts =
      f.type.kind === 'decimal'
        ? ` [(confluent.field_meta) = {\n${inner}  params: [\n${inner}    {\n${inner}      key: "precision",\n${inner}      value: "${f.type.precision}"\n${inner}    },\n${inner}    {\n${inner}      key: "scale",\n${inner}      value: "${f.type.scale}"\n${inner}    }\n${inner}  ]\n${inner}}]`
        : ''
    return `${inner}${label}${type} ${f.name} = ${f.number}${opts};\n`
  })
  return `${indent}message ${m.name} {\n${lines.join('')}${nested.join('')}${indent}}\n`
}

function imports(root: ProtoRoot): string[] {
  const found = new Set<string>()
  const visit = (f: ProtoField): void => {
    const t = f.type
    if (t.kind === 'decimal') found.add('confluent/meta.proto').add('confluent/type/decimal.proto')
    else if (t.kind === 'date') found.add('google/type/date.proto')
    else if (t.kind === 'time') found.add('google/type/timeofday.proto')
    else if (t.kind === 'timestamp') found.add('google/protobuf/timestamp.proto')
    else if (t.kind === 'wrapper') found.add('google/protobuf/wrappers.proto')
    else if (t.kind === 'message') for (const g of t.message.fields) visit(g)
    else if (t.kind === 'map') for (const g of t.entry.fields) visit(g)
  }
  if (root.kind === 'message') for (const f of root.message.fields) visit(f)
  else visit(root.field)
  return [...found].sort()
}

/** The .proto text of the schema (proto3, one message with nested types). */
export function protoSchemaText(root: ProtoRoot): string {
  const head = 'syntax = "proto3";\n\n'
  const imps = imports(root)
  const importText = imps.length === 0 ? '' : `${imps.map((i) => `import "${i}";`).join('\n')}\n\n`
  if (root.kind === 'single') {
    const t = root.field.type
    const name =
      t.kind === 'scalar' || t.kind === 'wrapper' ? WRAPPER_NAMES[t.scalar] : typeName(root.field, [], '')
    return `${head}${importText}// ${name}\n`
  }
  return `${head}${importText}${messageText(root.message, '')}`
}
