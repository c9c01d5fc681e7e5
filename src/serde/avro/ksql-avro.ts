/**
 * ksqlDB's translation between SQL types and Avro schemas (AvroSchemas / AvroDataTranslator over
 * Kafka Connect's AvroData), and the AVRO row serde: Confluent's wire format (magic byte 0, the
 * 4-byte schema id, the Avro binary body).
 *
 * - Written schemas: a record `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema` whose fields
 *   are optional (`["null", T]`, default null); nested records are named after their path
 *   (`KsqlDataSourceSchema_ADDRESS`); DECIMAL is bytes with logicalType decimal; DATE, TIME and
 *   TIMESTAMP are int date / int time-millis / long timestamp-millis; MAP with STRING keys is an
 *   Avro map, other keys an array of `{key, value}` records (Connect's MapEntry); a single
 *   unwrapped key or value is the bare (optional) type.
 * - Reading: the writer's schema comes from the registry by the id in the record; record fields
 *   match columns case-insensitively (missing fields are null), numbers widen to the column type.
 */
import type { Column } from '../../types/schema.js'
import { Decimal } from '../../types/decimal.js'
import type { Type } from '../../types/type.js'
import type { Struct, Value } from '../../types/values.js'
import {
  ensureFit,
  javaDoubleToString,
  javaFloatToString,
  type RowSerde,
  SerdeError,
  type SerdeOptions,
} from '../common.js'
import { readWirePrefix, type SchemaRegistry, subjectName, writeWirePrefix } from '../schema-registry.js'
import {
  type AvroType,
  type AvroValue,
  bytesDecimal,
  decimalBytes,
  decodeAvro,
  encodeAvro,
  nonNull,
  parseAvroSchema,
} from './avro.js'

export const KSQL_RECORD_NAME = 'KsqlDataSourceSchema'
export const KSQL_NAMESPACE = 'io.confluent.ksql.avro_schemas'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function optional(t: Json): Json {
  return ['null', t]
}

/** The Avro schema (JSON form) of a SQL type; `name` names nested records. */
export function avroSchemaJson(t: Type, name: string): Json {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean'
    case 'INTEGER':
      return 'int'
    case 'BIGINT':
      return 'long'
    case 'DOUBLE':
      return 'double'
    case 'STRING':
      return 'string'
    case 'BYTES':
      return 'bytes'
    case 'DATE':
      return {
        type: 'int',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Date',
        logicalType: 'date',
      }
    case 'TIME':
      return {
        type: 'int',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Time',
        logicalType: 'time-millis',
      }
    case 'TIMESTAMP':
      return {
        type: 'long',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Timestamp',
        logicalType: 'timestamp-millis',
      }
    case 'DECIMAL':
      return {
        type: 'bytes',
        scale: t.scale,
        precision: t.precision,
        'connect.version': 1,
        'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) },
        'connect.name': 'org.apache.kafka.connect.data.Decimal',
        logicalType: 'decimal',
      }
    case 'ARRAY':
      return { type: 'array', items: optional(avroSchemaJson(t.element, name)) }
    case 'MAP':
      if (t.key.kind === 'STRING')
        return { type: 'map', values: optional(avroSchemaJson(t.value, `${name}_MapValue`)) }
      return {
        type: 'array',
        items: {
          type: 'record',
          name: `${name}_MapEntry`,
          namespace: KSQL_NAMESPACE,
          fields: [
            { name: 'key', type: optional(avroSchemaJson(t.key, `${name}_MapKey`)), default: null },
            { name: 'value', type: optional(avroSchemaJson(t.value, `${name}_MapValue`)), default: null },
          ],
          'connect.internal.type': 'MapEntry',
        },
      }
    case 'STRUCT':
      return {
        type: 'record',
        name: name.slice(name.lastIndexOf('.') + 1),
        namespace: KSQL_NAMESPACE,
        fields: t.fields.map((f) => ({
          name: f.name,
          type: optional(avroSchemaJson(f.type, `${name}_${f.name}`)),
          default: null,
        })),
      }
  }
}

/**
 * The schema ksqlDB registers for a key or value: a record of the columns, or (a single column,
 * unwrapped) the column's optional type.
 */
export function ksqlAvroSchema(columns: readonly Column[], unwrapped: boolean, fullName?: string): Json {
  const name = fullName ?? `${KSQL_NAMESPACE}.${KSQL_RECORD_NAME}`
  const simple = name.slice(name.lastIndexOf('.') + 1)
  const ns = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined
  if (unwrapped && columns.length === 1) return optional(avroSchemaJson(columns[0]!.type, simple))
  return {
    type: 'record',
    name: simple,
    ...(ns !== undefined ? { namespace: ns } : {}),
    fields: columns.map((c) => ({
      name: c.name,
      type: optional(avroSchemaJson(c.type, `${simple}_${c.name}`)),
      default: null,
    })),
    'connect.name': name,
  }
}

// ---- values ----

function describe(v: unknown): string {
  return typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'array' : 'object') : typeof v
}

/** The branch of a (writer or target) schema that holds a value of SQL type `t`. */
function branchFor(a: AvroType, t: Type): AvroType {
  if (a.type !== 'union') return a
  const rest = a.branches.filter((b) => b.type !== 'null')
  if (rest.length === 1) return rest[0]!
  const want: Record<string, readonly string[]> = {
    BOOLEAN: ['boolean'],
    INTEGER: ['int', 'long'],
    BIGINT: ['long', 'int'],
    DOUBLE: ['double', 'float'],
    STRING: ['string', 'enum'],
    BYTES: ['bytes', 'fixed'],
    DECIMAL: ['bytes', 'fixed'],
    DATE: ['int'],
    TIME: ['int'],
    TIMESTAMP: ['long'],
    ARRAY: ['array'],
    MAP: ['map', 'array'],
    STRUCT: ['record'],
  }
  const kinds = want[t.kind] ?? []
  return rest.find((b) => kinds.includes(b.type)) ?? rest[0]!
}

function isNullable(a: AvroType): boolean {
  return a.type === 'null' || (a.type === 'union' && a.branches.some((b) => b.type === 'null'))
}

function structField(s: Struct, name: string): Value {
  if (name in s) return s[name] ?? null
  const upper = name.toUpperCase()
  for (const k of Object.keys(s)) if (k.toUpperCase() === upper) return s[k] ?? null
  return null
}

/** A SQL value as a generic Avro value of schema `a`. */
export function toAvroValue(t: Type, a: AvroType, v: Value, path = ''): AvroValue {
  if (v === null) {
    if (!isNullable(a))
      throw new SerdeError(
        `Invalid value: null used for required field: "${path}", schema type: ${a.type.toUpperCase()}`,
      )
    return null
  }
  const b = branchFor(a, t)
  switch (b.type) {
    case 'boolean':
      return v as boolean
    case 'int':
      return Number(v) | 0
    case 'long':
      return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))
    case 'float':
    case 'double':
      return v instanceof Decimal ? v.toNumber() : Number(v)
    case 'string':
    case 'enum':
      return typeof v === 'string' ? v : String(v)
    case 'bytes':
    case 'fixed':
      if (b.logicalType === 'decimal' && v instanceof Decimal) {
        const fit = ensureFit(v, b.precision ?? (t.kind === 'DECIMAL' ? t.precision : 38), b.scale ?? 0)
        return decimalBytes(fit.unscaled)
      }
      return v as Uint8Array
    case 'array': {
      if (t.kind === 'MAP') {
        const entry = nonNull(b.items)
        return [...(v as ReadonlyMap<Value, Value>)].map(([k, x]) =>
          toAvroValue(
            {
              kind: 'STRUCT',
              fields: [
                { name: 'key', type: t.key },
                { name: 'value', type: t.value },
              ],
            },
            entry,
            { key: k, value: x },
            path,
          ),
        )
      }
      const el = t.kind === 'ARRAY' ? t.element : t
      return (v as readonly Value[]).map((x) => toAvroValue(el, b.items, x, path))
    }
    case 'map': {
      const out = new Map<string, AvroValue>()
      const vt = t.kind === 'MAP' ? t.value : t
      for (const [k, x] of v as ReadonlyMap<Value, Value>)
        out.set(String(k), toAvroValue(vt, b.values, x, path))
      return out
    }
    case 'record': {
      const out: Record<string, AvroValue> = {}
      const fields = t.kind === 'STRUCT' ? t.fields : []
      const s = v as Struct
      for (const f of b.fields) {
        const upper = f.name.toUpperCase()
        const ft = fields.find((x) => x.name === f.name) ?? fields.find((x) => x.name.toUpperCase() === upper)
        if (ft === undefined) {
          out[f.name] = (f.default as AvroValue | undefined) ?? null
          if (out[f.name] === null && !isNullable(f.type))
            throw new SerdeError(
              `Invalid value: null used for required field: "${f.name}", schema type: ${nonNull(f.type).type.toUpperCase()}`,
            )
          continue
        }
        const x = structField(s, ft.name)
        // a null field takes the field's default, as Connect's Struct.get does over the Connect
        // schema AvroData makes of a registered schema (KEY_/VALUE_SCHEMA_ID)
        if (x === null && f.default !== undefined && f.default !== null) {
          out[f.name] = f.default as AvroValue
          continue
        }
        out[f.name] = toAvroValue(ft.type, f.type, x, f.name)
      }
      return out
    }
    default:
      throw new SerdeError(`Cannot write ${describe(v)} as Avro ${b.type}`)
  }
}

function mismatch(t: Type, a: AvroType, path: string): never {
  throw new SerdeError(`Cannot convert Avro ${a.type} to ${t.kind}${path === '' ? '' : ` (field ${path})`}`)
}

function recordField(r: { readonly [k: string]: AvroValue }, name: string): AvroValue {
  if (name in r) return r[name] ?? null
  const upper = name.toUpperCase()
  for (const k of Object.keys(r)) if (k.toUpperCase() === upper) return r[k] ?? null
  return null
}

function writerField(a: AvroType, name: string): AvroType | undefined {
  if (a.type !== 'record') return undefined
  const upper = name.toUpperCase()
  return (a.fields.find((f) => f.name === name) ?? a.fields.find((f) => f.name.toUpperCase() === upper))?.type
}

/** A generic Avro value read with writer schema `a` as a value of SQL type `t`. */
export function fromAvroValue(t: Type, a: AvroType, v: AvroValue, path = ''): Value {
  if (v === null) return null
  const b = branchFor(a, t)
  switch (t.kind) {
    case 'BOOLEAN':
      if (typeof v !== 'boolean') mismatch(t, b, path)
      return v
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      if (typeof v === 'number') return Math.trunc(v) | 0
      if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v))
      return mismatch(t, b, path)
    case 'BIGINT':
      if (typeof v === 'bigint') return v
      if (typeof v === 'number') return BigInt(Math.trunc(v))
      return mismatch(t, b, path)
    case 'TIMESTAMP':
      if (typeof v === 'bigint') return Number(v)
      if (typeof v === 'number') return Math.trunc(v)
      return mismatch(t, b, path)
    case 'DOUBLE':
      if (typeof v === 'number') return v
      if (typeof v === 'bigint') return Number(v)
      return mismatch(t, b, path)
    case 'STRING':
      // ConnectDataTranslator: STRING accepts the integer, floating point and boolean types and
      // takes String.valueOf of them
      if (typeof v === 'string') return v
      if (typeof v === 'boolean' || typeof v === 'bigint') return String(v)
      if (typeof v === 'number') {
        if (b.type === 'int') return String(v)
        if (b.type === 'float') return javaFloatToString(v)
        if (b.type === 'double') return javaDoubleToString(v)
      }
      return mismatch(t, b, path)
    case 'BYTES':
      if (v instanceof Uint8Array) return v
      return mismatch(t, b, path)
    case 'DECIMAL': {
      if (v instanceof Uint8Array && (b.type === 'bytes' || b.type === 'fixed')) {
        const d = new Decimal(bytesDecimal(v), b.scale ?? 0)
        return ensureFit(d, t.precision, t.scale)
      }
      if (typeof v === 'number') return ensureFit(Decimal.parse(String(v)), t.precision, t.scale)
      if (typeof v === 'string') return ensureFit(Decimal.parse(v), t.precision, t.scale)
      return mismatch(t, b, path)
    }
    case 'ARRAY': {
      if (!Array.isArray(v) || b.type !== 'array') return mismatch(t, b, path)
      return (v as readonly AvroValue[]).map((x) => fromAvroValue(t.element, b.items, x, path))
    }
    case 'MAP': {
      const out = new Map<Value, Value>()
      if (v instanceof Map && b.type === 'map') {
        for (const [k, x] of v as ReadonlyMap<string, AvroValue>)
          out.set(mapKey(t.key, k), fromAvroValue(t.value, b.values, x, path))
        return out
      }
      if (Array.isArray(v) && b.type === 'array') {
        const entry = nonNull(b.items)
        for (const e of v as readonly { readonly [k: string]: AvroValue }[]) {
          out.set(
            fromAvroValue(t.key, writerField(entry, 'key') ?? entry, e.key ?? null, path),
            fromAvroValue(t.value, writerField(entry, 'value') ?? entry, e.value ?? null, path),
          )
        }
        return out
      }
      return mismatch(t, b, path)
    }
    case 'STRUCT': {
      if (
        typeof v !== 'object' ||
        v instanceof Uint8Array ||
        v instanceof Map ||
        Array.isArray(v) ||
        b.type !== 'record'
      )
        return mismatch(t, b, path)
      const r = v as { readonly [k: string]: AvroValue }
      const out: Record<string, Value> = {}
      for (const f of t.fields) {
        const wf = writerField(b, f.name)
        out[f.name] = wf === undefined ? null : fromAvroValue(f.type, wf, recordField(r, f.name), f.name)
      }
      return out
    }
  }
}

function mapKey(t: Type, k: string): Value {
  switch (t.kind) {
    case 'INTEGER':
      return Number.parseInt(k, 10)
    case 'BIGINT':
      return BigInt(k)
    case 'DOUBLE':
      return Number(k)
    case 'BOOLEAN':
      return k === 'true'
    default:
      return k
  }
}

// ---- schema inference ----

/** Connect's type of an Avro schema, as ksqlDB's ConnectSchemaTranslator maps it to SQL. */
export function avroToSqlType(a: AvroType, upper: boolean): Type {
  switch (a.type) {
    case 'union': {
      const rest = a.branches.filter((b) => b.type !== 'null')
      if (rest.length !== 1)
        throw new SerdeError('Unsupported Avro union: only ["null", T] unions are supported')
      return avroToSqlType(rest[0]!, upper)
    }
    case 'boolean':
      return { kind: 'BOOLEAN' }
    case 'int':
      if (a.logicalType === 'date') return { kind: 'DATE' }
      if (a.logicalType === 'time-millis') return { kind: 'TIME' }
      return { kind: 'INTEGER' }
    case 'long':
      if (a.logicalType === 'timestamp-millis') return { kind: 'TIMESTAMP' }
      return { kind: 'BIGINT' }
    case 'float':
    case 'double':
      return { kind: 'DOUBLE' }
    case 'string':
    case 'enum':
      return { kind: 'STRING' }
    case 'bytes':
    case 'fixed':
      if (a.logicalType === 'decimal')
        return { kind: 'DECIMAL', precision: a.precision ?? 64, scale: a.scale ?? 0 }
      return { kind: 'BYTES' }
    case 'array': {
      const items = nonNull(a.items)
      if (items.type === 'record' && isMapEntry(items)) {
        return {
          kind: 'MAP',
          key: avroToSqlType(items.fields[0]!.type, upper),
          value: avroToSqlType(items.fields[1]!.type, upper),
        }
      }
      return { kind: 'ARRAY', element: avroToSqlType(a.items, upper) }
    }
    case 'map':
      return { kind: 'MAP', key: { kind: 'STRING' }, value: avroToSqlType(a.values, upper) }
    case 'record':
      return {
        kind: 'STRUCT',
        fields: a.fields.map((f) => ({
          name: upper ? f.name.toUpperCase() : f.name,
          type: avroToSqlType(f.type, upper),
        })),
      }
    case 'null':
      throw new SerdeError('Unsupported Avro type: null')
  }
}

function isMapEntry(r: { readonly name: string; readonly fields: readonly { name: string }[] }): boolean {
  return (
    r.name.endsWith('MapEntry') &&
    r.fields.length === 2 &&
    r.fields[0]!.name === 'key' &&
    r.fields[1]!.name === 'value'
  )
}

/**
 * The columns of a registered key or value schema (ksqlDB's schema inference): a value record's
 * fields, else one column (ROWKEY, a record key being one STRUCT column / ROWVAL; so is a value
 * with WRAP_SINGLE_VALUE=false, UNWRAP_SINGLES). Names are upper-cased unless the schema was
 * chosen by id.
 */
export function avroColumns(schema: string, isKey: boolean, upper: boolean, unwrapped = false): Column[] {
  const a = nonNull(parseAvroSchema(schema))
  const namespace = isKey ? 'KEY' : 'VALUE'
  if (a.type === 'record' && !isKey && !unwrapped) {
    return a.fields.map((f) => ({
      name: upper ? f.name.toUpperCase() : f.name,
      type: avroToSqlType(f.type, upper),
      namespace,
    }))
  }
  return [{ name: isKey ? 'ROWKEY' : 'ROWVAL', type: avroToSqlType(a, upper), namespace }]
}

// ---- serde ----

export interface RegistrySerdeOptions extends SerdeOptions {
  readonly registry: SchemaRegistry
  readonly topic: string
  /** KEY_SCHEMA_ID / VALUE_SCHEMA_ID: write with this registered schema. */
  readonly schemaId?: number
  /** KEY_SCHEMA_FULL_NAME / VALUE_SCHEMA_FULL_NAME: the record's full name. */
  readonly schemaFullName?: string
}

/** Whether a single column is written bare: keys by default, values with UNWRAP_SINGLES. */
export function isUnwrapped(columns: readonly Column[], options: SerdeOptions): boolean {
  if (columns.length !== 1) return false
  return options.isKey ? options.wrapSingle !== true : options.wrapSingle === false
}

/** The Avro row serde (see the module comment). */
export function createAvroSerde(columns: readonly Column[], options: RegistrySerdeOptions): RowSerde {
  const { registry } = options
  const unwrapped = isUnwrapped(columns, options)
  const subject = subjectName(options.topic, options.isKey)
  let writer: { id: number; schema: AvroType } | undefined
  const writerSchema = (): { id: number; schema: AvroType } => {
    if (writer !== undefined) return writer
    if (options.schemaId !== undefined) {
      const s = registry.byId(options.schemaId)
      if (s === undefined)
        throw new SerdeError(`Schema not found; error code: 40403 (id ${options.schemaId})`)
      writer = { id: options.schemaId, schema: parseAvroSchema(s.schema) }
    } else {
      const json = ksqlAvroSchema(columns, unwrapped, options.schemaFullName)
      const id = registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(json) })
      writer = { id, schema: parseAvroSchema(json) }
    }
    return writer
  }
  const readers = new Map<number, AvroType>()
  const readerOf = (id: number): AvroType => {
    let t = readers.get(id)
    if (t === undefined) {
      const s = registry.byId(id)
      if (s === undefined) throw new SerdeError(`Schema not found; error code: 40403 (id ${id})`)
      t = parseAvroSchema(s.schema)
      readers.set(id, t)
    }
    return t
  }
  const rowType: Type = { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) }
  const side = options.isKey ? 'key' : 'value'
  return {
    serialize(values) {
      if (values === null) return null
      const w = writerSchema()
      try {
        const body =
          unwrapped || (columns.length === 1 && nonNull(w.schema).type !== 'record')
            ? encodeAvro(w.schema, toAvroValue(columns[0]!.type, w.schema, values[0] ?? null))
            : encodeAvro(
                w.schema,
                toAvroValue(
                  rowType,
                  w.schema,
                  Object.fromEntries(columns.map((c, i) => [c.name, values[i] ?? null])),
                ),
              )
        return writeWirePrefix(w.id, body)
      } catch (e) {
        throw new SerdeError(
          `Error serializing message to topic: ${options.topic}. ${e instanceof Error ? e.message : String(e)}`,
        )
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null
      try {
        const { id, body } = readWirePrefix(bytes)
        const schema = readerOf(id)
        const v = decodeAvro(schema, body)
        if (v === null) return null
        const s = nonNull(schema)
        if (columns.length === 1 && (unwrapped || s.type !== 'record'))
          return [fromAvroValue(columns[0]!.type, schema, v)]
        const row = fromAvroValue(rowType, schema, v) as Struct
        return columns.map((c) => row[c.name] ?? null)
      } catch (e) {
        throw new SerdeError(
          `Failed to deserialize ${side} from topic: ${options.topic}. ${e instanceof Error ? e.message : String(e)}`,
        )
      }
    },
  }
}
