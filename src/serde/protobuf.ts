/**
 * ksqlDB's PROTOBUF_NOSR format: protobuf without a schema registry. The schema is derived from
 * the columns (`protobuf-schema.ts`); records are plain protobuf messages (no magic byte, no
 * schema id). Written as Confluent's ProtobufData + DynamicMessage write them, read as ksqlDB
 * reads them back:
 *
 * - null values are not written; proto3 scalars equal to their default (0, false, "", empty
 *   bytes) are not written either, so a null INTEGER reads back as 0, a null STRING as "";
 *   absent messages (STRUCT, DECIMAL, DATE, TIME, TIMESTAMP) read back as null, absent repeated
 *   fields as an empty ARRAY or MAP; an empty ARRAY is written as nothing;
 * - with nullable representation OPTIONAL / WRAPPER, null scalars stay null;
 * - DECIMAL values are written and read with the column's scale (ksqlDB's DecimalUtil.ensureFit);
 * - an ARRAY element cannot be null; a MAP entry's null value is left out of the entry.
 */
import { Decimal } from '../types/decimal.js'
import type { Column } from '../types/schema.js'
import type { Struct, Value } from '../types/values.js'
import {
  ensureFit,
  type RowSerde,
  SerdeError,
  type SerdeOptions,
  toBigInt,
  toColumnScale,
  toNumber,
} from './common.js'
import {
  isPackable,
  type NullableRepresentation,
  type ProtoField,
  type ProtoFieldType,
  type ProtoMessage,
  type ProtoRoot,
  type ProtoScalar,
  protoRoot,
} from './protobuf-schema.js'
import { ProtoReader, ProtoWriter, WIRE } from './protobuf-wire.js'

const MS_PER_DAY = 86_400_000
const EMPTY = new Uint8Array(0)

// ---------------------------------------------------------------------------------------------
// Big-endian two's complement (BigInteger.toByteArray / new BigInteger(bytes))

export function bigIntToBytes(v: bigint): Uint8Array {
  // Minimal two's complement: as many bytes as needed to hold the value and its sign bit.
  let len = 1
  while (v < -(1n << BigInt(8 * len - 1)) || v >= 1n << BigInt(8 * len - 1)) len++
  const out = new Uint8Array(len)
  let u = BigInt.asUintN(8 * len, v)
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn)
    u >>= 8n
  }
  return out
}

export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  let u = 0n
  for (const x of b) u = (u << 8n) | BigInt(x)
  return BigInt.asIntN(8 * b.length, u)
}

// ---------------------------------------------------------------------------------------------
// Dates and times (proleptic Gregorian, UTC)

function dateParts(days: number): { year: number; month: number; day: number } {
  const d = new Date(days * MS_PER_DAY)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

function daysOf(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    throw new Error(`Invalid date: year=${year}, month=${month}, day=${day}`)
  }
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  if (d.getUTCMonth() !== month - 1) throw new Error(`Invalid date: year=${year}, month=${month}, day=${day}`)
  return Math.round(d.getTime() / MS_PER_DAY)
}

// ---------------------------------------------------------------------------------------------
// Writing

function isDefaultScalar(scalar: ProtoScalar, v: Value): boolean {
  switch (scalar) {
    case 'bool':
      return v === false
    case 'string':
      return v === ''
    case 'bytes':
      return v instanceof Uint8Array && v.length === 0
    case 'double':
    case 'float':
      // Double.equals: -0.0 is not the default 0.0.
      return Object.is(toNumber(v), 0)
    default:
      return typeof v === 'bigint' ? v === 0n : toNumber(v) === 0
  }
}

function writeScalarValue(w: ProtoWriter, scalar: ProtoScalar, v: Value): void {
  switch (scalar) {
    case 'bool':
      w.bool(v === true)
      return
    case 'int32':
      w.int32(toNumber(v) | 0)
      return
    case 'int64':
    case 'uint64':
      w.int64(toBigInt(v))
      return
    case 'uint32':
      w.uint32(Number(BigInt.asUintN(32, toBigInt(v))))
      return
    case 'sint32':
      w.sint32(toNumber(v) | 0)
      return
    case 'sint64':
      w.sint64(toBigInt(v))
      return
    case 'fixed32':
    case 'sfixed32':
      w.fixed32(Number(BigInt.asUintN(32, toBigInt(v))))
      return
    case 'fixed64':
    case 'sfixed64':
      w.fixed64(toBigInt(v))
      return
    case 'double':
      w.double(toNumber(v))
      return
    case 'float':
      w.float(toNumber(v))
      return
    case 'string':
      w.string(typeof v === 'string' ? v : String(v))
      return
    case 'bytes':
      if (!(v instanceof Uint8Array)) throw new Error(`Invalid type for BYTES: ${typeof v}`)
      w.bytes(v)
      return
  }
}

const SCALAR_WIRE: Record<ProtoScalar, 0 | 1 | 2 | 5> = {
  bool: WIRE.VARINT,
  int32: WIRE.VARINT,
  int64: WIRE.VARINT,
  uint32: WIRE.VARINT,
  uint64: WIRE.VARINT,
  sint32: WIRE.VARINT,
  sint64: WIRE.VARINT,
  fixed32: WIRE.I32,
  sfixed32: WIRE.I32,
  float: WIRE.I32,
  fixed64: WIRE.I64,
  sfixed64: WIRE.I64,
  double: WIRE.I64,
  string: WIRE.LEN,
  bytes: WIRE.LEN,
}

function decimalBody(v: Value, scale: number): Uint8Array {
  const d = toColumnScale(v, scale)
  const w = new ProtoWriter()
  const unscaled = bigIntToBytes(d.unscaled)
  // BigInteger.toByteArray is never empty, so `value` is always written.
  w.tag(1, WIRE.LEN)
  w.bytes(unscaled)
  w.tag(2, WIRE.VARINT)
  w.uint32(d.precision)
  if (d.scale !== 0) {
    w.tag(3, WIRE.VARINT)
    w.int32(d.scale)
  }
  return w.finish()
}

function dateBody(v: Value): Uint8Array {
  const p = dateParts(toNumber(v))
  const w = new ProtoWriter(16)
  if (p.year !== 0) {
    w.tag(1, WIRE.VARINT)
    w.int32(p.year)
  }
  w.tag(2, WIRE.VARINT)
  w.int32(p.month)
  w.tag(3, WIRE.VARINT)
  w.int32(p.day)
  return w.finish()
}

function timeBody(v: Value): Uint8Array {
  const ms = toNumber(v)
  if (ms < 0 || ms > MS_PER_DAY) {
    throw new Error('Time values must use number of millis greater than 0 and less than 86400000')
  }
  const parts = [Math.floor(ms / 3_600_000) % 24, Math.floor(ms / 60_000) % 60, Math.floor(ms / 1000) % 60]
  const w = new ProtoWriter(16)
  parts.forEach((p, i) => {
    if (p !== 0) {
      w.tag(i + 1, WIRE.VARINT)
      w.int32(p)
    }
  })
  const nanos = (ms % 1000) * 1_000_000
  if (nanos !== 0) {
    w.tag(4, WIRE.VARINT)
    w.int32(nanos)
  }
  return w.finish()
}

function timestampBody(v: Value): Uint8Array {
  const ms = toNumber(v)
  const seconds = Math.floor(ms / 1000)
  const nanos = (ms - seconds * 1000) * 1_000_000
  const w = new ProtoWriter(16)
  if (seconds !== 0) {
    w.tag(1, WIRE.VARINT)
    w.int64(BigInt(seconds))
  }
  if (nanos !== 0) {
    w.tag(2, WIRE.VARINT)
    w.int32(nanos)
  }
  return w.finish()
}

function wrapperBody(scalar: ProtoScalar, v: Value): Uint8Array {
  const w = new ProtoWriter(16)
  if (!isDefaultScalar(scalar, v)) {
    w.tag(1, SCALAR_WIRE[scalar])
    writeScalarValue(w, scalar, v)
  }
  return w.finish()
}

/** The bytes of a message-typed value (the field's length-delimited body). */
function messageBody(t: ProtoFieldType, v: Value): Uint8Array {
  switch (t.kind) {
    case 'decimal':
      return decimalBody(v, t.scale)
    case 'date':
      return dateBody(v)
    case 'time':
      return timeBody(v)
    case 'timestamp':
      return timestampBody(v)
    case 'wrapper':
      return wrapperBody(t.scalar, v)
    case 'message': {
      const w = new ProtoWriter()
      writeStruct(w, t.message, v as Struct)
      return w.finish()
    }
    default:
      throw new Error(`Not a message type: ${t.kind}`)
  }
}

function writeMapEntry(w: ProtoWriter, entry: ProtoMessage, key: Value, value: Value): void {
  const e = new ProtoWriter()
  writeField(e, entry.fields[0]!, key)
  writeField(e, entry.fields[1]!, value)
  w.bytes(e.finish())
}

/** One field's value (nothing for null; proto3 defaults left out unless the field is optional). */
function writeField(w: ProtoWriter, f: ProtoField, v: Value | undefined): void {
  if (v === null || v === undefined) return
  const t = f.type
  if (t.kind === 'map') {
    for (const [k, val] of v as ReadonlyMap<Value, Value>) {
      w.tag(f.number, WIRE.LEN)
      writeMapEntry(w, t.entry, k, val)
    }
    return
  }
  if (f.repeated) {
    const list = v as readonly Value[]
    if (list.length === 0) return
    for (const el of list) {
      if (el === null || el === undefined) {
        throw new Error(`Cannot write a null element in the repeated field ${f.name}`)
      }
    }
    if (isPackable(t) && (t.kind === 'scalar' || t.kind === 'enum')) {
      const p = new ProtoWriter()
      for (const el of list) {
        if (t.kind === 'enum') p.int32(enumNumber(t, el))
        else writeScalarValue(p, t.scalar, el)
      }
      w.tag(f.number, WIRE.LEN)
      w.bytes(p.finish())
      return
    }
    for (const el of list) writeSingle(w, f.number, t, el, true)
    return
  }
  writeSingle(w, f.number, t, v, f.optional)
}

function enumNumber(t: ProtoFieldType & { kind: 'enum' }, v: Value): number {
  const n = t.byName.get(String(v))
  if (n === undefined) throw new Error(`Unknown enum symbol: ${String(v)}`)
  return n
}

function writeSingle(w: ProtoWriter, num: number, t: ProtoFieldType, v: Value, present: boolean): void {
  if (t.kind === 'enum') {
    const n = enumNumber(t, v)
    if (!present && n === 0) return
    w.tag(num, WIRE.VARINT)
    w.int32(n)
    return
  }
  if (t.kind === 'scalar') {
    if (!present && isDefaultScalar(t.scalar, v)) return
    w.tag(num, SCALAR_WIRE[t.scalar])
    writeScalarValue(w, t.scalar, v)
    return
  }
  w.tag(num, WIRE.LEN)
  w.bytes(messageBody(t, v))
}

function writeStruct(w: ProtoWriter, m: ProtoMessage, s: Struct): void {
  for (const f of m.fields) writeField(w, f, s[f.name])
}

// ---------------------------------------------------------------------------------------------
// Reading

function readScalar(r: ProtoReader, scalar: ProtoScalar): Value {
  switch (scalar) {
    case 'bool':
      return r.bool()
    case 'int32':
      return r.int32()
    case 'int64':
      return r.int64()
    case 'uint32':
      // Connect reads uint32 as an INT64 (Integer.toUnsignedLong).
      return BigInt(r.uint32())
    case 'uint64':
      return BigInt.asIntN(64, r.uint64())
    case 'sint32':
      return r.sint32()
    case 'sint64':
      return r.sint64()
    case 'fixed32':
      return BigInt(r.fixed32())
    case 'sfixed32':
      return r.fixed32() | 0
    case 'fixed64':
    case 'sfixed64':
      return BigInt.asIntN(64, r.fixed64())
    case 'double':
      return r.double()
    case 'float':
      return r.float()
    case 'string':
      return r.string()
    case 'bytes':
      return r.bytes()
  }
}

function defaultScalar(scalar: ProtoScalar): Value {
  switch (scalar) {
    case 'bool':
      return false
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'double':
    case 'float':
      return 0
    case 'string':
      return ''
    case 'bytes':
      return new Uint8Array(0)
    default:
      return 0n
  }
}

function enumName(t: ProtoFieldType & { kind: 'enum' }, n: number): string {
  return t.byNumber.get(n) ?? String(n)
}

/** Reads the fields of a message into `out` (by field number); unknown fields are skipped. */
function readFields(
  r: ProtoReader,
  byNumber: ReadonlyMap<number, ProtoField>,
  onValue: (f: ProtoField, v: Value) => void,
): void {
  while (!r.done()) {
    const { field, wireType } = r.tag()
    const f = byNumber.get(field)
    if (f === undefined) {
      r.skip(wireType, field)
      continue
    }
    const t = f.type
    if (t.kind === 'enum') {
      if (f.repeated && wireType === WIRE.LEN) {
        const sub = r.sub()
        while (!sub.done()) onValue(f, enumName(t, sub.int32()))
      } else if (wireType === WIRE.VARINT) onValue(f, enumName(t, r.int32()))
      else throw new Error('Protocol message tag had invalid wire type.')
      continue
    }
    if (f.repeated && t.kind === 'scalar' && wireType === WIRE.LEN && isPackable(t)) {
      const sub = r.sub()
      while (!sub.done()) onValue(f, readScalar(sub, t.scalar))
      continue
    }
    if (t.kind === 'scalar') {
      const expected = SCALAR_WIRE[t.scalar]
      if (wireType !== expected) throw new Error(`Protocol message tag had invalid wire type.`)
      onValue(f, readScalar(r, t.scalar))
      continue
    }
    if (wireType !== WIRE.LEN) throw new Error(`Protocol message tag had invalid wire type.`)
    onValue(f, readMessageValue(r.sub(), t))
  }
}

function numberFields(fields: readonly ProtoField[]): ReadonlyMap<number, ProtoField> {
  return new Map(fields.map((f) => [f.number, f]))
}

const fieldIndex = new WeakMap<readonly ProtoField[], ReadonlyMap<number, ProtoField>>()

function indexOf(fields: readonly ProtoField[]): ReadonlyMap<number, ProtoField> {
  let m = fieldIndex.get(fields)
  if (m === undefined) {
    m = numberFields(fields)
    fieldIndex.set(fields, m)
  }
  return m
}

/** Fields 1.. of a small well-known message as numbers (int32 / int64 varints). */
function readInts(r: ProtoReader, count: number): bigint[] {
  const out: bigint[] = new Array<bigint>(count).fill(0n)
  while (!r.done()) {
    const { field, wireType } = r.tag()
    if (field <= count && wireType === WIRE.VARINT) out[field - 1] = r.int64()
    else r.skip(wireType, field)
  }
  return out
}

function readDecimal(r: ProtoReader): Decimal {
  let unscaled = 0n
  let scale = 0
  while (!r.done()) {
    const { field, wireType } = r.tag()
    if (field === 1 && wireType === WIRE.LEN) unscaled = bytesToBigInt(r.bytes())
    else if (field === 3 && wireType === WIRE.VARINT) scale = r.int32()
    else r.skip(wireType, field)
  }
  return new Decimal(unscaled, scale)
}

function readTime(r: ProtoReader): number {
  const [h, m, s, nanos] = readInts(r, 4).map(Number) as [number, number, number, number]
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || nanos < 0 || nanos > 999_999_999) {
    throw new Error(`Invalid time: ${h}:${m}:${s}.${nanos}`)
  }
  return h * 3_600_000 + m * 60_000 + s * 1000 + Math.floor(nanos / 1_000_000)
}

function readTimestamp(r: ProtoReader): number {
  const [seconds, nanos] = readInts(r, 2) as [bigint, bigint]
  return Number(seconds) * 1000 + Math.trunc(Number(BigInt.asIntN(32, nanos)) / 1_000_000)
}

function readMessageValue(r: ProtoReader, t: ProtoFieldType): Value {
  switch (t.kind) {
    case 'decimal':
      return ensureFit(readDecimal(r), t.precision, t.scale)
    case 'date': {
      const [y, m, d] = readInts(r, 3).map((x) => Number(BigInt.asIntN(32, x))) as [number, number, number]
      return daysOf(y, m, d)
    }
    case 'time':
      return readTime(r)
    case 'timestamp':
      return readTimestamp(r)
    case 'wrapper': {
      let v: Value = defaultScalar(t.scalar)
      while (!r.done()) {
        const { field, wireType } = r.tag()
        if (field === 1 && wireType === SCALAR_WIRE[t.scalar]) v = readScalar(r, t.scalar)
        else r.skip(wireType, field)
      }
      return v
    }
    case 'message':
      return readStruct(r, t.message)
    case 'map': {
      // An entry: [key, value]. An absent message value reads as the message's default instance
      // (Message.getField), e.g. a STRUCT of default values, as ksqlDB reads it.
      const entry = readMessage(r, t.entry)
      const vf = t.entry.fields[1]!
      if (entry[1] === null && !vf.repeated && vf.type.kind !== 'scalar') {
        entry[1] = readMessageValue(new ProtoReader(EMPTY), vf.type)
      }
      return entry
    }
    default:
      throw new Error(`Not a message type: ${t.kind}`)
  }
}

/** The value of a field absent from the message: proto3 defaults, empty repeated, null messages. */
function defaultOf(f: ProtoField): Value {
  if (f.type.kind === 'map') return new Map<Value, Value>()
  if (f.repeated) return []
  if (f.optional) return null
  if (f.type.kind === 'enum') return enumName(f.type, 0)
  return f.type.kind === 'scalar' ? defaultScalar(f.type.scalar) : null
}

function readStruct(r: ProtoReader, m: ProtoMessage): Struct {
  const values = readMessage(r, m)
  const out: Record<string, Value> = {}
  m.fields.forEach((f, i) => {
    out[f.name] = values[i]!
  })
  return out
}

/** The message's field values in field order. */
function readMessage(r: ProtoReader, m: ProtoMessage): Value[] {
  const fields = m.fields
  const idx = new Map(fields.map((f, i) => [f, i]))
  const values: (Value | undefined)[] = new Array<Value | undefined>(fields.length)
  const lists: (Value[] | undefined)[] = []
  const maps: (Map<Value, Value> | undefined)[] = []
  readFields(r, indexOf(fields), (f, v) => {
    const i = idx.get(f)!
    if (f.type.kind === 'map') {
      let map = maps[i]
      if (map === undefined) map = maps[i] = new Map()
      const [k, val] = v as readonly [Value, Value]
      map.set(k, val)
    } else if (f.repeated) {
      let list = lists[i]
      if (list === undefined) list = lists[i] = []
      list.push(v)
    } else values[i] = v
  })
  return fields.map((f, i) => maps[i] ?? lists[i] ?? values[i] ?? defaultOf(f))
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Encodes one row (values in column order) with this schema. */
export function encodeProtobuf(root: ProtoRoot, values: readonly Value[]): Uint8Array {
  const w = new ProtoWriter()
  if (root.kind === 'message') {
    root.message.fields.forEach((f, i) => {
      writeField(w, f, values[i])
    })
    return w.finish()
  }
  const v = values[0] ?? null
  const t = root.field.type
  if (v === null) return w.finish()
  if (t.kind === 'scalar') return wrapperBody(t.scalar, v)
  return messageBody(t, v)
}

/** Decodes one row (values in column order). */
export function decodeProtobuf(root: ProtoRoot, bytes: Uint8Array): Value[] {
  const r = new ProtoReader(bytes)
  if (root.kind === 'message') return readMessage(r, root.message)
  const t = root.field.type
  if (t.kind === 'scalar') return [readMessageValue(r, { kind: 'wrapper', scalar: t.scalar })]
  return [readMessageValue(r, t)]
}

export interface ProtobufSerdeOptions extends SerdeOptions {
  readonly nullable?: NullableRepresentation
}

/** Is this key or value written as a single unwrapped value? (keys: unless WRAP_SINGLES) */
export function isUnwrapped(columns: readonly Column[], options: SerdeOptions): boolean {
  return columns.length === 1 && (options.isKey ? options.wrapSingle !== true : options.wrapSingle === false)
}

/**
 * The PROTOBUF_NOSR serde of these columns. Types protobuf cannot hold (MAP keys other than
 * STRING) throw SerdeError here; shapes ProtobufData refuses only when it writes (nested arrays,
 * an unwrapped ARRAY or MAP) fail each record, as in ksqlDB.
 */
export function createProtobufNoSrSerde(columns: readonly Column[], options: ProtobufSerdeOptions): RowSerde {
  if (columns.length === 0) {
    return { serialize: () => null, deserialize: (bytes) => (bytes === null ? null : []) }
  }
  let root: ProtoRoot | undefined
  let rootError: SerdeError | undefined
  try {
    root = protoRoot(columns, isUnwrapped(columns, options), options.nullable ?? 'DEFAULT')
  } catch (e) {
    if (e instanceof SerdeError && e.message.startsWith('PROTOBUF format only supports MAP')) throw e
    rootError = e instanceof SerdeError ? e : new SerdeError(String(e))
  }
  const topic = options.topic ?? '?'
  const target = options.isKey ? 'key' : 'value'
  const n = columns.length
  return {
    serialize(values) {
      if (values === null) return null
      if (root === undefined) throw rootError!
      if (values.length !== n) {
        throw new SerdeError(
          `Column count mismatch on serialization. topic: ${topic}, expected: ${n}, got: ${values.length}`,
        )
      }
      try {
        return encodeProtobuf(root, values)
      } catch (e) {
        throw new SerdeError(
          `Error serializing message to topic: ${topic}. Failed to serialize Protobuf data from topic ${topic} :${e instanceof Error ? ` ${e.message}` : ''}`,
        )
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null
      if (root === undefined) throw rootError!
      try {
        return decodeProtobuf(root, bytes)
      } catch (e) {
        throw new SerdeError(
          `Failed to deserialize ${target} from topic: ${topic}. Failed to deserialize data for topic ${topic} to Protobuf: ${e instanceof Error ? e.message : String(e)}`,
        )
      }
    },
  }
}
