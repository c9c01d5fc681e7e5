import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import { JsonDecimal, type JsonObject, type JsonValue } from './jsonc.js'
import { jsonValueText } from './record-codec.js'
import type { RecordWindow, TestRecord } from './types.js'

/**
 * ksqlDB's ExpectedRecordComparator over Eddy's test values: an expected `JsonValue` from a test
 * file against an actual `JsonValue` decoded from the bytes Eddy wrote (`decodeToSpecValue`).
 *
 * - objects: same field count; each expected field looked up as written, then upper-cased;
 * - arrays: same length, elementwise;
 * - integers: exact; against a decimal only when its scale is not positive;
 * - decimals (a JSON number with a fraction): exact including scale (`2.50` is not `2.5`), except
 *   where the column is a DOUBLE (or `use.exact.numeric.comparison=false`): within 1e-6;
 * - strings: equal text, or a decimal of that text (scale included), or the base64 of bytes;
 * - booleans equal; `null` only `null`.
 */
export interface CompareOptions {
  /** false = the test property `use.exact.numeric.comparison=false`: numbers compare as doubles. */
  readonly exactNumbers?: boolean
}

const DOUBLE_TOLERANCE = 1e-6

/** The type a whole key or value has: the single column's type, or a STRUCT of the columns. */
export function rowType(columns: readonly Column[] | undefined): Type | undefined {
  if (columns === undefined) return undefined
  return { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) }
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
}

/** A BigDecimal: unscaled value and scale (negative for `1E+3`), as Java keeps them. */
interface BigDec {
  readonly unscaled: bigint
  readonly scale: number
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

function bigDec(text: string): BigDec | undefined {
  const m = DECIMAL_TEXT.exec(text.trim())
  if (m === null) return undefined
  const int = m[2] ?? ''
  const frac = m[3] ?? ''
  if (int === '' && frac === '') return undefined
  let unscaled = BigInt(`${int}${frac}`)
  if (m[1] === '-') unscaled = -unscaled
  return { unscaled, scale: frac.length - Number(m[4] ?? '0') }
}

function sameBigDec(a: BigDec, b: BigDec): boolean {
  return a.unscaled === b.unscaled && a.scale === b.scale
}

/** The integer value of a decimal with a non-positive scale. */
function bigDecInteger(d: BigDec): bigint {
  return d.unscaled * 10n ** BigInt(-d.scale)
}

function isInteger(v: JsonValue): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))
}

function toDouble(v: JsonValue): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof JsonDecimal) return v.toNumber()
  return undefined
}

function closeDoubles(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
  if (a === b) return true
  const diff = Math.abs(a - b)
  return diff <= DOUBLE_TOLERANCE || diff <= Math.abs(a) * 1e-12
}

function fieldType(type: Type | undefined, name: string): Type | undefined {
  if (type === undefined) return undefined
  if (type.kind === 'MAP') return type.value
  if (type.kind !== 'STRUCT') return undefined
  return (
    type.fields.find((f) => f.name === name)?.type ??
    type.fields.find((f) => f.name === name.toUpperCase())?.type
  )
}

function compareNumber(
  expected: number | bigint | JsonDecimal,
  actual: JsonValue,
  doubles: boolean,
): boolean {
  if (doubles && !isInteger(expected)) {
    const a = toDouble(actual)
    const e = toDouble(expected)
    return a !== undefined && e !== undefined && closeDoubles(e, a)
  }
  if (isInteger(actual)) {
    // Java: an Integer/Long actual against the expectation's int/long value (a decimal truncates).
    if (isInteger(expected)) return BigInt(expected) === BigInt(actual)
    const e = bigDec(expected.text)
    if (e === undefined) return false
    const truncated = e.scale <= 0 ? bigDecInteger(e) : e.unscaled / 10n ** BigInt(e.scale)
    return truncated === BigInt(actual)
  }
  if (typeof actual === 'number') {
    // NaN / Infinity (a non-finite DOUBLE): compared as doubles.
    const e = toDouble(expected)
    return e !== undefined && (e === actual || (Number.isNaN(e) && Number.isNaN(actual)))
  }
  if (!(actual instanceof JsonDecimal)) return false
  const a = bigDec(actual.text)
  if (a === undefined) return false
  if (isInteger(expected)) return a.scale <= 0 && bigDecInteger(a) === BigInt(expected)
  const e = bigDec(expected.text)
  if (e === undefined) return false
  if (sameBigDec(e, a)) return true
  return doubles && closeDoubles(expected.toNumber(), actual.toNumber())
}

function compareText(expected: string, actual: JsonValue): boolean {
  if (typeof actual === 'string') return expected === actual
  if (actual instanceof JsonDecimal) {
    const e = bigDec(expected)
    const a = bigDec(actual.text)
    return e !== undefined && a !== undefined && sameBigDec(e, a)
  }
  return false
}

/** True when `actual` matches `expected` under ksqlDB's rules; `type` (the column's) refines numbers. */
export function matchesExpected(
  expected: JsonValue,
  actual: JsonValue,
  type?: Type,
  options: CompareOptions = {},
): boolean {
  const exact = options.exactNumbers !== false
  if (expected === null) return actual === null
  if (actual === undefined) return false
  if (typeof expected === 'boolean') return actual === expected
  if (typeof expected === 'string') return compareText(expected, actual)
  if (typeof expected === 'number' || typeof expected === 'bigint' || expected instanceof JsonDecimal) {
    return compareNumber(expected, actual, !exact || type?.kind === 'DOUBLE')
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false
    const element = type?.kind === 'ARRAY' ? type.element : undefined
    for (let i = 0; i < expected.length; i++) {
      if (!matchesExpected(expected[i] ?? null, actual[i] ?? null, element, options)) return false
    }
    return true
  }
  const exp = expected as JsonObject
  if (!isObject(actual)) return false
  const keys = Object.keys(exp)
  if (Object.keys(actual).length !== keys.length) return false
  for (const k of keys) {
    let v = Object.hasOwn(actual, k) ? actual[k] : undefined
    if (v === undefined || v === null) {
      const upper = k.toUpperCase()
      v = Object.hasOwn(actual, upper) ? actual[upper] : v
    }
    if (!matchesExpected(exp[k] ?? null, v ?? null, fieldType(type, k), options)) return false
  }
  return true
}

/** A record read back from a topic, decoded for comparison. */
export interface ActualRecord {
  /** The (inner) key. */
  readonly key: JsonValue
  /** Set when the topic's key is windowed. */
  readonly window?: RecordWindow
  readonly value: JsonValue
  readonly timestamp: number
  readonly headers: readonly { readonly key: string; readonly value: Uint8Array | null }[]
}

export interface TopicCompareOptions extends CompareOptions {
  /** Types of the topic's key and value (a source's columns), to refine number comparison. */
  readonly keyType?: Type
  readonly valueType?: Type
  /** The case had no inputs (only INSERT VALUES): an expected timestamp of 0 is not checked. */
  readonly ranWithInsertStatements?: boolean
}

function base64(bytes: Uint8Array | null): string | null {
  return bytes === null
    ? null
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function headersMatch(expected: TestRecord['headers'], actual: ActualRecord['headers']): boolean {
  const exp = expected ?? []
  if (exp.length !== actual.length) return false
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i]!
    const a = actual[i]!
    if (e.key !== a.key) return false
    if (base64ToCanonical(e.value) !== base64(a.value)) return false
  }
  return true
}

/** Re-encodes base64 text so `"YQ"` and `"YQ=="` compare equal (both are the bytes of `a`). */
function base64ToCanonical(text: string | null): string | null {
  return text === null ? null : Buffer.from(text, 'base64').toString('base64')
}

function windowMatches(expected: RecordWindow, actual: RecordWindow | undefined): boolean {
  return (
    actual !== undefined &&
    actual.start === expected.start &&
    actual.end === expected.end &&
    actual.type === expected.type
  )
}

/** Compact one-line text of a value, numbers as written. */
export function compactJson(v: JsonValue): string {
  return jsonValueText(v)
}

function describeWindow(w: RecordWindow | undefined): string {
  return w === undefined ? '' : ` window=${w.type}[${w.start},${w.end})`
}

function describeHeaders(headers: readonly { key: string; value: string | null }[]): string {
  return headers.length === 0 ? '' : ` headers=${headers.map((h) => `{${h.key}=${h.value}}`).join(',')}`
}

export function describeExpected(r: TestRecord): string {
  return `<${compactJson(r.key)}, ${compactJson(r.value)}>${describeWindow(r.window)}${
    r.timestamp === undefined ? '' : ` ts=${r.timestamp}`
  }${describeHeaders(r.headers ?? [])}`
}

export function describeActual(r: ActualRecord): string {
  return `<${compactJson(r.key)}, ${compactJson(r.value)}>${describeWindow(r.window)} ts=${r.timestamp}${describeHeaders(
    r.headers.map((h) => ({ key: h.key, value: base64(h.value) })),
  )}`
}

const MAX_LISTED = 5

/**
 * Compares one topic's records with the expectations, in order (ksqlDB's validateTopicData).
 * Returns undefined when they match, else a one-line reason naming the first difference.
 */
export function compareTopicRecords(
  topic: string,
  expected: readonly TestRecord[],
  actual: readonly ActualRecord[],
  options: TopicCompareOptions = {},
): string | undefined {
  if (expected.length !== actual.length) {
    const listed = actual.slice(0, MAX_LISTED).map(describeActual).join(', ')
    const more = actual.length > MAX_LISTED ? `, ... (${actual.length - MAX_LISTED} more)` : ''
    return `topic ${topic}: expected ${expected.length} records but got ${actual.length}${
      actual.length > 0 ? `: ${listed}${more}` : ''
    }`
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!
    const a = actual[i]!
    if (!recordMatches(e, a, options)) {
      return `topic ${topic}, record ${i}: expected ${describeExpected(e)} but was ${describeActual(a)}`
    }
  }
  return undefined
}

/** A row type (STRUCT of the columns) applies to an object; a bare single value has its column's type. */
function topLevelType(expected: JsonValue, type: Type | undefined): Type | undefined {
  if (type?.kind !== 'STRUCT' || isObject(expected)) return type
  return type.fields.length === 1 ? type.fields[0]?.type : undefined
}

export function recordMatches(e: TestRecord, a: ActualRecord, options: TopicCompareOptions = {}): boolean {
  if (e.window !== undefined) {
    if (!windowMatches(e.window, a.window)) return false
  } else if (a.window !== undefined) {
    // A windowed key never equals a plain expected key.
    return false
  }
  if (!matchesExpected(e.key, a.key, topLevelType(e.key, options.keyType), options)) return false
  if (!matchesExpected(e.value, a.value, topLevelType(e.value, options.valueType), options)) return false
  if (!headersMatch(e.headers, a.headers)) return false
  if (e.timestamp !== undefined && e.timestamp !== a.timestamp) {
    if (!(options.ranWithInsertStatements === true && e.timestamp === 0)) return false
  }
  return true
}
