/**
 * How ksqlDB's test runner writes and reads PROTOBUF_NOSR records (ValueSpecProtobufNoSRSerdeSupplier):
 * the test file's value is converted to the columns' types (SpecToConnectConverter.specToConnect:
 * numbers and booleans from their text, BYTES from base64, DECIMAL fitted to the column, struct
 * fields matched case-insensitively), then written as a message of *all* the columns (the runner
 * always wraps, keys included); output bytes are read with the same schema and turned back into
 * JSON-like values (connectToSpec: BYTES as base64, DECIMAL exact, DATE / TIME / TIMESTAMP as
 * numbers, field names as the columns').
 */
import { base64Decode, base64Encode, ensureFit, SerdeError } from '../serde/common.js'
import { decodeProtobuf, encodeProtobuf } from '../serde/protobuf.js'
import {
  fieldSqlType,
  parseProtoSchema,
  protoMessageAt,
  type ProtoImports,
  readMessageIndexes,
  writeMessageIndexes,
} from '../serde/protobuf-parse.js'
import { type NullableRepresentation, type ProtoMessage, protoRoot } from '../serde/protobuf-schema.js'
import { writeWirePrefix } from '../serde/schema-registry.js'
import { Decimal } from '../types/decimal.js'
import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'
import { JsonDecimal, type JsonObject, type JsonValue } from './jsonc.js'

function text(v: JsonValue): string {
  if (v instanceof JsonDecimal) return v.text
  if (typeof v === 'string') return v
  return String(v)
}

function javaInt(v: JsonValue): number {
  const s = text(v)
  if (!/^[+-]?\d+$/.test(s)) throw new SerdeError(`For input string: "${s}"`)
  const n = Number(s)
  if (n < -2147483648 || n > 2147483647) throw new SerdeError(`For input string: "${s}"`)
  return n
}

function javaLong(v: JsonValue): bigint {
  const s = text(v)
  if (!/^[+-]?\d+$/.test(s)) throw new SerdeError(`For input string: "${s}"`)
  return BigInt.asIntN(64, BigInt(s))
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
}

/** SpecToConnectConverter.specToConnect over Eddy's value model. */
export function specToValue(spec: JsonValue, type: Type): Value {
  if (spec === null) return null
  switch (type.kind) {
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return javaInt(spec)
    case 'BIGINT':
      return javaLong(spec)
    case 'TIMESTAMP':
      return Number(javaLong(spec))
    case 'DOUBLE':
      return Number(text(spec))
    case 'BOOLEAN':
      return text(spec).toLowerCase() === 'true'
    case 'STRING':
      return text(spec)
    case 'BYTES':
      return typeof spec === 'string' ? base64Decode(spec) : null
    case 'DECIMAL': {
      if (typeof spec === 'string') {
        return ensureFit(Decimal.parse(spec), type.precision, type.scale)
      }
      if (spec instanceof JsonDecimal || typeof spec === 'number' || typeof spec === 'bigint') {
        return ensureFit(Decimal.parse(text(spec)), type.precision, type.scale)
      }
      throw new SerdeError('DECIMAL type requires JSON number in test data')
    }
    case 'ARRAY':
      if (!Array.isArray(spec)) throw new SerdeError(`Expected an array, got ${text(spec)}`)
      return (spec as readonly JsonValue[]).map((e) => specToValue(e, type.element))
    case 'MAP': {
      if (!isObject(spec)) throw new SerdeError(`Expected an object, got ${text(spec)}`)
      const out = new Map<Value, Value>()
      for (const [k, v] of Object.entries(spec)) out.set(specToValue(k, type.key), specToValue(v, type.value))
      return out
    }
    case 'STRUCT': {
      if (!isObject(spec)) throw new SerdeError(`Expected an object, got ${text(spec)}`)
      const byUpper = new Map(type.fields.map((f) => [f.name.toUpperCase(), f]))
      const out: Record<string, Value> = {}
      for (const f of type.fields) out[f.name] = null
      for (const [k, v] of Object.entries(spec)) {
        const f = byUpper.get(k.toUpperCase())
        if (f !== undefined) out[f.name] = specToValue(v, f.type)
      }
      return out
    }
  }
}

function longValue(v: bigint): number | bigint {
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : v
}

/** SpecToConnectConverter.connectToSpec over Eddy's value model. */
export function valueToSpec(v: Value, type: Type): JsonValue {
  if (v === null) return null
  switch (type.kind) {
    case 'BIGINT':
      return typeof v === 'bigint' ? longValue(v) : (v as number)
    case 'DOUBLE':
      // A Java Double: compared with the expectation as a number (0.0 matches 0).
      return v as number
    case 'BYTES':
      return base64Encode(v as Uint8Array)
    case 'DECIMAL':
      return new JsonDecimal((v as Decimal).toString())
    case 'ARRAY':
      return (v as readonly Value[]).map((e) => valueToSpec(e, type.element))
    case 'MAP': {
      const out: Record<string, JsonValue> = {}
      for (const [k, val] of v as ReadonlyMap<Value, Value>) out[String(k)] = valueToSpec(val, type.value)
      return out
    }
    case 'STRUCT': {
      const s = v as Struct
      const out: Record<string, JsonValue> = {}
      for (const f of type.fields) out[f.name] = valueToSpec(s[f.name] ?? null, f.type)
      return out
    }
    default:
      return v as JsonValue
  }
}

function rowStruct(columns: readonly Column[]): Type {
  return { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) }
}

/** Encodes a test record's key or value for a PROTOBUF_NOSR topic with these columns. */
export function encodeProtobufSpec(
  value: JsonValue,
  columns: readonly Column[] | undefined,
  nullable: NullableRepresentation = 'DEFAULT',
): Uint8Array {
  if (columns === undefined) {
    throw new SerdeError('The test runner needs a source on the topic to write PROTOBUF_NOSR records')
  }
  const row = specToValue(value, rowStruct(columns)) as Struct
  return encodeProtobuf(
    protoRoot(columns, false, nullable),
    columns.map((c) => row[c.name] ?? null),
  )
}

/** Decodes PROTOBUF_NOSR output bytes into the JSON-like value a test file expects. */
export function decodeProtobufSpec(
  bytes: Uint8Array,
  columns: readonly Column[] | undefined,
  nullable: NullableRepresentation = 'DEFAULT',
): JsonValue {
  if (columns === undefined) {
    throw new SerdeError('The test runner needs a source on the topic to read PROTOBUF_NOSR records')
  }
  const values = decodeProtobuf(protoRoot(columns, false, nullable), bytes)
  const out: Record<string, JsonValue> = {}
  columns.forEach((c, i) => {
    out[c.name] = valueToSpec(values[i] ?? null, c.type)
  })
  return out
}

// ---------------------------------------------------------------------------------------------
// PROTOBUF with a schema registry (ValueSpecProtobufSerdeSupplier)

function messageSpecToValues(spec: JsonValue, message: ProtoMessage): Value[] {
  const type: Type = {
    kind: 'STRUCT',
    fields: message.fields.map((f) => ({ name: f.name, type: fieldSqlType(f) })),
  }
  const row = specToValue(spec, type) as Struct
  return message.fields.map((f) => row[f.name] ?? null)
}

/**
 * Encodes a test record with a registered schema (its first message, or the one `fullName`
 * names), in Confluent's wire format with this schema id.
 */
export function encodeProtobufRegistrySpec(
  value: JsonValue,
  schema: string,
  id: number,
  fullName?: string,
  imports?: ProtoImports,
): Uint8Array {
  const parsed = parseProtoSchema(schema, fullName, imports)
  const body = encodeProtobuf(
    { kind: 'message', message: parsed.message },
    messageSpecToValues(value, parsed.message),
  )
  const indexes = writeMessageIndexes(parsed.indexes)
  const out = new Uint8Array(indexes.length + body.length)
  out.set(indexes)
  out.set(body, indexes.length)
  return writeWirePrefix(id, out)
}

/** Decodes a record's body (after the schema id) with the registered schema it names. */
export function decodeProtobufRegistrySpec(
  body: Uint8Array,
  schema: string,
  imports?: ProtoImports,
): JsonValue {
  const { indexes, offset } = readMessageIndexes(body)
  const message = protoMessageAt(schema, indexes, imports)
  const values = decodeProtobuf({ kind: 'message', message }, body.subarray(offset))
  const out: Record<string, JsonValue> = {}
  message.fields.forEach((f, i) => {
    out[f.name] = valueToSpec(values[i] ?? null, fieldSqlType(f))
  })
  return out
}
