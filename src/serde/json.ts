/**
 * ksqlDB's JSON format (KsqlJsonDeserializer / JsonSerdeUtils, and Kafka Connect's JsonConverter for
 * writing). Reading is `JSON.parse` plus per-column converters compiled once; records whose numbers
 * JSON.parse cannot keep exact (long digit runs for DECIMAL columns, integers beyond 2^53, a number
 * read into a STRING column, whose text matters) are re-read with the exact parser of json-exact.ts.
 */
import type { Column } from '../types/schema.js'
import { Decimal } from '../types/decimal.js'
import { type Type, typeToString } from '../types/type.js'
import { javaHashMapOrder } from '../types/java-hash-order.js'
import type { Value } from '../types/values.js'
import {
  base64Decode,
  base64Encode,
  decodeUtf8,
  encodeUtf8,
  ensureFit,
  javaBigDecimalText,
  javaDoubleToString,
  javaParseDecimal,
  javaParseDouble,
  javaParseInt,
  javaParseLong,
  type RowSerde,
  SerdeError,
  type SerdeOptions,
  toBigInt,
  toColumnScale,
  toNumber,
  type Utf8Out,
  utf8Out,
} from './common.js'
import { JsonNum, parseJsonExact } from './json-exact.js'

/** A value that cannot be coerced to its column type; `path` as ksqlDB prints it (`$.A[0].B`). */
class CoercionError extends Error {
  readonly raw: string
  readonly path: string
  constructor(raw: string, path: string) {
    super(`${raw}, path: ${path}`)
    this.raw = raw
    this.path = path
  }
}

/** Thrown by a converter on the fast path when the value needs the number's exact text. */
const NEED_EXACT: unique symbol = Symbol('needExact')

/** True while converting the output of the exact parser (numbers are then exact). */
let exactMode = false

type Conv = (v: unknown) => Value
type Writer = (v: Value) => string

const INT_MIN = -2147483648
const INT_MAX = 2147483647

/** Jackson's node class name of a parsed JSON value, as ksqlDB prints it in errors. */
function nodeName(v: unknown): string {
  if (v === null || v === undefined) return 'NullNode'
  switch (typeof v) {
    case 'string':
      return 'TextNode'
    case 'boolean':
      return 'BooleanNode'
    case 'number':
      if (!Number.isInteger(v)) return 'DecimalNode'
      return v >= INT_MIN && v <= INT_MAX ? 'IntNode' : 'LongNode'
    case 'bigint':
      return BigInt.asIntN(64, v) === v ? 'LongNode' : 'BigIntegerNode'
  }
  if (Array.isArray(v)) return 'ArrayNode'
  if (v instanceof JsonNum) return 'DecimalNode'
  return 'ObjectNode'
}

function invalid(v: unknown, required: string): never {
  throw new CoercionError(`Can't convert type. sourceType: ${nodeName(v)}, requiredType: ${required}`, '')
}

function failedString(target: string): never {
  throw new CoercionError(`Can't coerce string to type. targetType: ${target}`, '')
}

function rethrow(e: unknown, segment: string): never {
  if (e === NEED_EXACT) throw e
  if (e instanceof CoercionError) throw new CoercionError(e.raw, segment + e.path)
  throw new CoercionError(e instanceof Error ? e.message : String(e), segment)
}

/** The integer part of a decimal text, exactly (BigDecimal.toBigInteger). */
function truncText(text: string): bigint {
  const d = Decimal.parse(text)
  return d.scale <= 0 ? d.unscaled : d.unscaled / 10n ** BigInt(d.scale)
}

/** Jackson's `asLong()` of a numeric node, as a JavaScript number (DATE / TIME / TIMESTAMP). */
function asLong(v: unknown): number | undefined {
  if (typeof v === 'number') {
    const t = Math.trunc(v)
    if (Number.isSafeInteger(t)) return t === 0 ? 0 : t
    if (!exactMode) throw NEED_EXACT
    return Number(BigInt.asIntN(64, truncText(String(v))))
  }
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v))
  if (v instanceof JsonNum) return Number(BigInt.asIntN(64, truncText(v.text)))
  return undefined
}

function longFromString(v: string, target: string): number {
  try {
    return Number(javaParseLong(v))
  } catch {
    return failedString(target)
  }
}

const convBoolean: Conv = (v) => (typeof v === 'boolean' ? v : invalid(v, 'BOOLEAN'))

const convInteger: Conv = (v) => {
  if (typeof v === 'number') {
    if ((v | 0) === v) return v
    const t = Math.trunc(v)
    if (Number.isSafeInteger(t)) return t | 0
    if (!exactMode) throw NEED_EXACT
    return Number(BigInt.asIntN(32, truncText(String(v))))
  }
  if (typeof v === 'string') {
    try {
      return javaParseInt(v)
    } catch {
      return failedString('INTEGER')
    }
  }
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v))
  if (v instanceof JsonNum) return Number(BigInt.asIntN(32, truncText(v.text)))
  return invalid(v, 'INTEGER')
}

const convBigint: Conv = (v) => {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return BigInt(v)
    const t = Math.trunc(v)
    if (Number.isSafeInteger(t)) return BigInt(t)
    if (!exactMode) throw NEED_EXACT
    return BigInt.asIntN(64, truncText(String(v)))
  }
  if (typeof v === 'string') {
    try {
      return javaParseLong(v)
    } catch {
      return failedString('BIGINT')
    }
  }
  if (typeof v === 'bigint') return BigInt.asIntN(64, v)
  if (v instanceof JsonNum) return BigInt.asIntN(64, truncText(v.text))
  return invalid(v, 'BIGINT')
}

const convDouble: Conv = (v) => {
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    try {
      return javaParseDouble(v)
    } catch {
      return failedString('DOUBLE')
    }
  }
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof JsonNum) return Number(v.text)
  return invalid(v, 'DOUBLE')
}

/** Jackson's `asText()` / ksqlDB's processString. */
const convString: Conv = (v) => {
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') {
    if (!exactMode) throw NEED_EXACT
    return String(v)
  }
  if (typeof v === 'bigint') return String(v)
  if (v instanceof JsonNum) return javaBigDecimalText(v.text)
  if (!exactMode) throw NEED_EXACT
  if (Array.isArray(v)) {
    const parts: string[] = []
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      try {
        parts.push(x === null ? 'null' : (convString(x) as string))
      } catch (e) {
        rethrow(e, `[${i}]`)
      }
    }
    return `[${parts.join(', ')}]`
  }
  return jacksonText(v)
}

/** Jackson's compact JSON text of a parsed (exact) value: what ksqlDB puts in a STRING column for an object. */
function jacksonText(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
    case 'number':
    case 'bigint':
      return String(v)
  }
  if (v instanceof JsonNum) return javaBigDecimalText(v.text)
  if (Array.isArray(v)) return `[${v.map(jacksonText).join(',')}]`
  const o = v as Record<string, unknown>
  return `{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${jacksonText(o[k])}`)
    .join(',')}}`
}

function convDecimal(precision: number, scale: number): Conv {
  const required = `DECIMAL(${precision}, ${scale})`
  return (v) => {
    let d: Decimal
    if (typeof v === 'number') d = Decimal.parse(String(v))
    else if (v instanceof JsonNum) d = Decimal.parse(v.text)
    else if (typeof v === 'bigint') d = new Decimal(v, 0)
    else if (typeof v === 'string') {
      try {
        d = javaParseDecimal(v)
      } catch {
        throw new CoercionError(`Character array is missing "exponent" mark 'e' or 'E'.`, '')
      }
    } else return invalid(v, required)
    try {
      return ensureFit(d, precision, scale)
    } catch (e) {
      throw new CoercionError((e as Error).message, '')
    }
  }
}

const convDate: Conv = (v) => {
  if (typeof v === 'string') return longFromString(v, 'DATE')
  const n = asLong(v)
  return n === undefined ? invalid(v, 'DATE') : n
}

const convTime: Conv = (v) => {
  const n = typeof v === 'string' ? longFromString(v, 'TIME') : asLong(v)
  if (n === undefined) return invalid(v, 'TIME')
  if (n < 0 || n > 86400000) {
    throw new CoercionError(
      'Time values must use number of milliseconds greater than 0 and less than 86400000.',
      '',
    )
  }
  return n
}

const convTimestamp: Conv = (v) => {
  if (typeof v === 'string') return longFromString(v, 'TIMESTAMP')
  const n = asLong(v)
  return n === undefined ? invalid(v, 'TIMESTAMP') : n
}

const convBytes: Conv = (v) => {
  if (typeof v !== 'string') return invalid(v, 'BYTES')
  try {
    return base64Decode(v)
  } catch (e) {
    throw new CoercionError((e as Error).message, '')
  }
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNum)
}

function convArray(element: Type): Conv {
  const conv = converter(element)
  const required = typeToString({ kind: 'ARRAY', element })
  return (v) => {
    if (!Array.isArray(v)) return invalid(v, required)
    const n = v.length
    const out = new Array<Value>(n)
    let i = 0
    try {
      for (; i < n; i++) {
        const x: unknown = v[i]
        out[i] = x === null || x === undefined ? null : conv(x)
      }
    } catch (e) {
      rethrow(e, `[${i}]`)
    }
    return out
  }
}

function convMap(key: Type, value: Type): Conv {
  const keyConv = key.kind === 'STRING' ? undefined : converter(key)
  const valConv = converter(value)
  const required = typeToString({ kind: 'MAP', key, value })
  return (v) => {
    if (!isJsonObject(v)) return invalid(v, required)
    const out = new Map<Value, Value>()
    // ksqlDB builds the map with `new HashMap<>(size)`: keep its iteration order (REDUCE,
    // MAP_KEYS, ... see it) for string keys.
    let keys = Object.keys(v)
    if (keyConv === undefined && keys.length > 1) {
      const ks = keys
      keys = javaHashMapOrder(ks).map((i) => ks[i] as string)
    }
    for (const k of keys) {
      let mk: Value = k
      if (keyConv !== undefined) {
        try {
          mk = keyConv(k)
        } catch (e) {
          rethrow(e, `.${k}.key`)
        }
      }
      const x = v[k]
      try {
        out.set(mk, x === null || x === undefined ? null : valConv(x))
      } catch (e) {
        rethrow(e, `.${k}.value`)
      }
    }
    return out
  }
}

/** Names that an object literal inherits: look them up as own properties only. */
function isRisky(name: string): boolean {
  return name === '__proto__' || name in Object.prototype
}

/** ksqlDB's upperCaseKeys: the object's field names by upper-cased name (the last one wins). */
function upperKeys(obj: Record<string, unknown>): Map<string, string> {
  const m = new Map<string, string>()
  for (const k of Object.keys(obj)) m.set(k.toUpperCase(), k)
  return m
}

/**
 * Reads named fields out of a JSON object: exact name first, then the upper-cased field names
 * (ksqlDB's case-insensitive strategy; quoted lower-case names only match exactly).
 *
 * The name that matched case-insensitively is remembered per field (`aliases`) and tried before
 * rebuilding the upper-case index, so data with consistently lower-case names stays fast. (It
 * differs from ksqlDB only for an object holding two spellings of one name, e.g. `id` and `Id`.)
 */
class FieldReader {
  readonly names: readonly string[]
  readonly convs: readonly Conv[]
  readonly risky: readonly boolean[]
  readonly segments: readonly string[]
  readonly anyRisky: boolean
  private readonly aliases: (string | undefined)[]

  constructor(fields: readonly { name: string; type: Type }[]) {
    this.names = fields.map((f) => f.name)
    this.convs = fields.map((f) => converter(f.type))
    this.risky = this.names.map(isRisky)
    this.segments = this.names.map((n) => `.${n}`)
    this.anyRisky = this.risky.some((r) => r)
    this.aliases = this.names.map(() => undefined)
  }

  read(obj: Record<string, unknown>, out: Value[]): void {
    const names = this.names
    const convs = this.convs
    const n = names.length
    let upper: Map<string, string> | undefined
    let i = 0
    try {
      for (; i < n; i++) {
        const name = names[i]!
        let v: unknown = this.anyRisky && this.risky[i] && !Object.hasOwn(obj, name) ? undefined : obj[name]
        if (v === undefined) {
          const alias = this.aliases[i]
          if (alias !== undefined) v = obj[alias]
          if (v === undefined) {
            upper ??= upperKeys(obj)
            const key = upper.get(name)
            if (key !== undefined) {
              v = obj[key]
              if (!isRisky(key)) this.aliases[i] = key
            }
          }
        }
        out[i] = v === null || v === undefined ? null : convs[i]!(v)
      }
    } catch (e) {
      rethrow(e, this.segments[i]!)
    }
  }
}

function convStruct(fields: readonly { name: string; type: Type }[]): Conv {
  const reader = new FieldReader(fields)
  const names = reader.names
  const risky = reader.risky
  const required = typeToString({ kind: 'STRUCT', fields })
  const values: Value[] = new Array<Value>(names.length)
  return (v) => {
    if (!isJsonObject(v)) return invalid(v, required)
    const vals = values.slice()
    reader.read(v, vals)
    const out: Record<string, Value> = {}
    for (let i = 0; i < names.length; i++) {
      if (risky[i]) {
        Object.defineProperty(out, names[i]!, {
          value: vals[i],
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else {
        out[names[i]!] = vals[i]!
      }
    }
    return out
  }
}

/** The converter from a parsed JSON value (never null) to a value of type `t`. */
export function converter(t: Type): Conv {
  switch (t.kind) {
    case 'BOOLEAN':
      return convBoolean
    case 'INTEGER':
      return convInteger
    case 'BIGINT':
      return convBigint
    case 'DOUBLE':
      return convDouble
    case 'STRING':
      return convString
    case 'BYTES':
      return convBytes
    case 'DATE':
      return convDate
    case 'TIME':
      return convTime
    case 'TIMESTAMP':
      return convTimestamp
    case 'DECIMAL':
      return convDecimal(t.precision, t.scale)
    case 'ARRAY':
      return convArray(t.element)
    case 'MAP':
      return convMap(t.key, t.value)
    case 'STRUCT':
      return convStruct(t.fields)
  }
}

// ---------------------------------------------------------------------------------------------
// Writing (Kafka Connect's JsonConverter, decimal.format=NUMERIC)

const writeBoolean: Writer = (v) => (v ? 'true' : 'false')
const writeInt: Writer = (v) => (typeof v === 'number' ? String(v) : String(toNumber(v)))
const writeBigint: Writer = (v) => (typeof v === 'bigint' ? String(v) : String(toBigInt(v)))
const writeDouble: Writer = (v) => {
  const n = typeof v === 'number' ? v : toNumber(v)
  const s = javaDoubleToString(n)
  // Jackson quotes NaN and the infinities (QUOTE_NON_NUMERIC_NUMBERS).
  return Number.isFinite(n) ? s : `"${s}"`
}
const writeString: Writer = (v) => JSON.stringify(typeof v === 'string' ? v : String(v))
const writeBytes: Writer = (v) => `"${base64Encode(v as Uint8Array)}"`

function mapKeyText(k: Value): string {
  if (typeof k === 'string') return k
  if (k === null) return 'null'
  if (typeof k === 'number') return Number.isInteger(k) ? String(k) : javaDoubleToString(k)
  return String(k)
}

export function writer(t: Type): Writer {
  switch (t.kind) {
    case 'BOOLEAN':
      return writeBoolean
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return writeInt
    case 'BIGINT':
      return writeBigint
    case 'DOUBLE':
      return writeDouble
    case 'STRING':
      return writeString
    case 'BYTES':
      return writeBytes
    case 'DECIMAL': {
      const scale = t.scale
      return (v) => toColumnScale(v, scale).toString()
    }
    case 'ARRAY': {
      const w = writer(t.element)
      return (v) => {
        const a = v as readonly Value[]
        let s = '['
        for (let i = 0; i < a.length; i++) {
          const x = a[i]
          if (i > 0) s += ','
          s += x === null || x === undefined ? 'null' : w(x)
        }
        return `${s}]`
      }
    }
    case 'MAP': {
      const w = writer(t.value)
      return (v) => {
        let s = '{'
        let first = true
        const entries: Iterable<readonly [Value, Value]> =
          v instanceof Map ? v : Object.entries(v as Record<string, Value>)
        for (const [k, x] of entries) {
          if (!first) s += ','
          first = false
          s += `${JSON.stringify(mapKeyText(k))}:${x === null || x === undefined ? 'null' : w(x)}`
        }
        return `${s}}`
      }
    }
    case 'STRUCT': {
      const { prefixes, writers } = objectWriter(t.fields)
      const names = t.fields.map((f) => f.name)
      return (v) => {
        const o = v as Record<string, Value>
        let s = '{'
        for (let i = 0; i < prefixes.length; i++) {
          const x = Object.hasOwn(o, names[i]!) ? o[names[i]!] : null
          s += prefixes[i]! + (x === null || x === undefined ? 'null' : writers[i]!(x))
        }
        return `${s}}`
      }
    }
  }
}

type ByteWriter = (out: Utf8Out, v: Value) => void

/** A writer straight to UTF-8 bytes: the same text as `writer(t)`. */
function byteWriter(t: Type): ByteWriter {
  switch (t.kind) {
    case 'STRING':
      return (out, v) => out.jsonString(typeof v === 'string' ? v : String(v))
    case 'BOOLEAN':
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
    case 'BYTES': {
      // Numbers, literals and base64: always ASCII.
      const w = writer(t)
      return (out, v) => out.ascii(w(v))
    }
    default: {
      const w = writer(t)
      return (out, v) => out.text(w(v))
    }
  }
}

/** Field prefixes (`{"A":` is written as `"A":`, later ones `,"B":`) and value writers. */
function objectWriter(fields: readonly { name: string; type: Type }[]): {
  prefixes: readonly string[]
  writers: readonly Writer[]
} {
  return {
    prefixes: fields.map((f, i) => `${i === 0 ? '' : ','}${JSON.stringify(f.name)}:`),
    writers: fields.map((f) => writer(f.type)),
  }
}

function containsDecimal(t: Type): boolean {
  switch (t.kind) {
    case 'DECIMAL':
      return true
    case 'ARRAY':
      return containsDecimal(t.element)
    case 'MAP':
      return containsDecimal(t.key) || containsDecimal(t.value)
    case 'STRUCT':
      return t.fields.some((f) => containsDecimal(f.type))
    default:
      return false
  }
}

/** 16 digits in a row (a dot allowed among them): a number JSON.parse may not keep exact. */
const LONG_NUMBER = /[\d.]{16}/

// ---------------------------------------------------------------------------------------------

export function createJsonSerde(columns: readonly Column[], options: SerdeOptions): RowSerde {
  const target = options.isKey ? 'key' : 'value'
  const prefix = `Failed to deserialize ${target}${options.topic === undefined ? '' : ` from topic: ${options.topic}`}. `
  const scan = columns.some((c) => containsDecimal(c.type))
  const unwrapped =
    columns.length === 1 && (options.isKey ? options.wrapSingle !== true : options.wrapSingle === false)

  const parse = (bytes: Uint8Array): { text: string; root: unknown } => {
    const text = decodeUtf8(bytes)
    try {
      if (scan && LONG_NUMBER.test(text)) return { text, root: exact(text) }
      return { text, root: JSON.parse(text) }
    } catch (e) {
      throw new SerdeError(prefix + (e as Error).message)
    }
  }
  const exact = (text: string): unknown => {
    const root = parseJsonExact(text)
    exactMode = true
    return root
  }
  const fail = (e: unknown): never => {
    if (e instanceof SerdeError) throw e
    throw new SerdeError(prefix + (e instanceof Error ? e.message : String(e)))
  }

  if (columns.length === 0) {
    return {
      serialize: (values) => (values === null || options.isKey ? null : encodeUtf8('{}')),
      deserialize: (bytes) => (bytes === null ? null : []),
    }
  }

  if (unwrapped) {
    const col = columns[0]!
    const conv = converter(col.type)
    const write = writer(col.type)
    const convert = (root: unknown): Value[] => {
      try {
        return [root === null ? null : conv(root)]
      } catch (e) {
        rethrow(e, '$')
      }
    }
    return {
      serialize(values) {
        if (values === null) return null
        const v = values[0]
        if (v === null || v === undefined) return null
        return encodeUtf8(write(v))
      },
      deserialize(bytes) {
        if (bytes === null) return null
        const { text, root } = parse(bytes)
        try {
          try {
            return convert(root)
          } catch (e) {
            if (e !== NEED_EXACT) throw e
            return convert(exact(text))
          }
        } catch (e) {
          return fail(e)
        } finally {
          exactMode = false
        }
      },
    }
  }

  const reader = new FieldReader(columns)
  const rowType = typeToString({ kind: 'STRUCT', fields: columns })
  const n = columns.length
  const convert = (root: unknown): Value[] | null => {
    if (root === null) return null
    if (!isJsonObject(root)) {
      throw new CoercionError(
        `Can't convert type. sourceType: ${nodeName(root)}, requiredType: ${rowType}`,
        '$',
      )
    }
    const out = new Array<Value>(n)
    try {
      reader.read(root, out)
    } catch (e) {
      rethrow(e, '$')
    }
    return out
  }
  // `{"A":`, `,"B":`, … as UTF-8, the last one followed by the closing brace.
  const prefixes = columns.map((c, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`))
  const writers = columns.map((c) => byteWriter(c.type))
  const NULL = 'null'
  return {
    serialize(values) {
      if (values === null) return null
      const out = utf8Out
      out.begin()
      for (let i = 0; i < n; i++) {
        const v = values[i]
        out.bytes(prefixes[i]!)
        if (v === null || v === undefined) out.ascii(NULL)
        else writers[i]!(out, v)
      }
      out.ascii('}')
      return out.end()
    },
    deserialize(bytes) {
      if (bytes === null) return null
      const { text, root } = parse(bytes)
      try {
        try {
          return convert(root)
        } catch (e) {
          if (e !== NEED_EXACT) throw e
          return convert(exact(text))
        }
      } catch (e) {
        return fail(e)
      } finally {
        exactMode = false
      }
    },
  }
}
