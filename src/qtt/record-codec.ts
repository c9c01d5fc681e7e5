/**
 * How ksqlDB's test runner turns a test file's record key/value into bytes and back: with *generic*
 * serdes (ValueSpecJsonSerdeSupplier, StringSerdeSupplier, KafkaSerdeSupplier, NoneSerdeSupplier),
 * not the source's schema, except KAFKA which needs the column type to pick a primitive serializer.
 */
import type { FormatSpec } from '../catalog/source.js'
import { decodeUtf8, encodeUtf8, javaDoubleToString, SerdeError } from '../serde/common.js'
import { readFloat64, readInt32, readInt64, writeFloat64, writeInt32, writeInt64 } from '../serde/kafka.js'
import type { Column } from '../types/schema.js'
import { JsonDecimal, type JsonValue, parseJsonc } from './jsonc.js'
import { decodeProtobufSpec, encodeProtobufSpec } from './protobuf-codec.js'

/** JSON text of a test-file value, numbers exactly as written (Jackson writing a JsonNode). */
export function jsonValueText(v: JsonValue): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
    case 'bigint':
      return String(v)
    case 'number':
      return Number.isInteger(v) ? String(v) : javaDoubleToString(v)
  }
  if (v instanceof JsonDecimal) return v.text
  if (Array.isArray(v)) return `[${v.map(jsonValueText).join(',')}]`
  const o = v as { readonly [k: string]: JsonValue }
  return `{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${jsonValueText(o[k]!)}`)
    .join(',')}}`
}

/** Text of a scalar for string serializers (DELIMITED lines, NONE data, KAFKA strings). */
function scalarText(v: JsonValue): string {
  if (typeof v === 'string') return v
  if (v instanceof JsonDecimal) return v.text
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return jsonValueText(v)
}

function asNumber(v: JsonValue): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof JsonDecimal) return v.toNumber()
  throw new SerdeError(`Can't serialize ${jsonValueText(v)} as a number`)
}

function asBigInt(v: JsonValue): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return BigInt(Math.trunc(v))
  if (v instanceof JsonDecimal) return BigInt(Math.trunc(v.toNumber()))
  throw new SerdeError(`Can't serialize ${jsonValueText(v)} as Long`)
}

/** KAFKA column type the test runner uses: the single column's, or undefined (no source / no column). */
function kafkaKind(columns: readonly Column[] | undefined): string | undefined {
  if (columns === undefined || columns.length !== 1) return undefined
  return columns[0]!.type.kind
}

/**
 * Encodes a test record's key or value (a JsonValue from the test file) for a topic with this
 * format. `columns`: the key or value columns of a source on the topic, when there is one.
 */
export function encodeSpecValue(
  value: JsonValue,
  format: FormatSpec,
  columns: readonly Column[] | undefined,
  _isKey: boolean,
): Uint8Array | null {
  if (value === null) return null
  switch (format.format.toUpperCase()) {
    case 'JSON':
      return encodeUtf8(jsonValueText(value))
    case 'DELIMITED':
    case 'NONE':
      return encodeUtf8(scalarText(value))
    case 'PROTOBUF_NOSR':
      return encodeProtobufSpec(value, columns, format.nullableRepresentation)
    case 'KAFKA': {
      const kind = kafkaKind(columns)
      switch (kind) {
        case 'INTEGER':
          return writeInt32(asNumber(value))
        case 'BIGINT':
          return writeInt64(asBigInt(value))
        case 'DOUBLE':
          return writeFloat64(asNumber(value))
        case 'STRING':
        case 'BYTES': // the test runner writes the (base64) text's UTF-8 bytes as they are
          return encodeUtf8(scalarText(value))
        default: {
          // No single known column: strings as text; whole numbers as int (or long), others as double.
          if (typeof value === 'string' || columns !== undefined) return encodeUtf8(scalarText(value))
          if (typeof value === 'number' && Number.isInteger(value)) {
            return value >= -2147483648 && value <= 2147483647 ? writeInt32(value) : writeInt64(BigInt(value))
          }
          if (typeof value === 'bigint') return writeInt64(value)
          if (value instanceof JsonDecimal || typeof value === 'number') return writeFloat64(asNumber(value))
          return encodeUtf8(scalarText(value))
        }
      }
    }
    default:
      throw new SerdeError(`The test runner does not support the '${format.format}' format`)
  }
}

function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20) return true
  return false
}

/**
 * Decodes actual output bytes into a JsonValue to compare with the test file's expectation:
 * JSON parsed exactly (JsonDecimal keeps the scale, bigint beyond 2^53), DELIMITED the raw line,
 * KAFKA per column type (BIGINT as number or bigint, DOUBLE as JsonDecimal of Java's
 * Double.toString as ksqlDB's TestDoubleDeserializer does), NONE null.
 */
export function decodeToSpecValue(
  bytes: Uint8Array | null,
  format: FormatSpec,
  columns: readonly Column[] | undefined,
  _isKey: boolean,
): JsonValue {
  if (bytes === null) return null
  switch (format.format.toUpperCase()) {
    case 'JSON':
      return parseJsonc(decodeUtf8(bytes))
    case 'DELIMITED':
      return decodeUtf8(bytes)
    case 'NONE':
      return null
    case 'PROTOBUF_NOSR':
      return decodeProtobufSpec(bytes, columns, format.nullableRepresentation)
    case 'KAFKA': {
      const kind = kafkaKind(columns)
      switch (kind) {
        case 'INTEGER':
          return readInt32(bytes)
        case 'BIGINT':
          return longValue(readInt64(bytes))
        case 'DOUBLE':
          return doubleValue(readFloat64(bytes))
        case 'STRING':
        case 'BYTES':
          return decodeUtf8(bytes)
        default:
          if (columns === undefined && hasControlBytes(bytes)) {
            if (bytes.length === 4) return readInt32(bytes)
            if (bytes.length === 8) return longValue(readInt64(bytes))
          }
          return decodeUtf8(bytes)
      }
    }
    default:
      throw new SerdeError(`The test runner does not support the '${format.format}' format`)
  }
}

function longValue(v: bigint): number | bigint {
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : v
}

function doubleValue(d: number): JsonValue {
  return Number.isFinite(d) ? new JsonDecimal(javaDoubleToString(d)) : d
}
