import { Decimal } from '../types/decimal.js'
import type { Value } from '../types/values.js'
import type { SchemaRegistry } from './schema-registry.js'

/** A key or value that cannot be serialized or deserialized; `message` is the reason (ksqlDB wording). */
export class SerdeError extends Error {
  override readonly name = 'SerdeError'
}

/** Turns one row (key or value columns) into bytes and back. Built once per query by `createSerde`. */
export interface RowSerde {
  /** values: one per column (in `columns` order). Returns null for a null row (tombstone / null key). */
  serialize(values: readonly Value[] | null): Uint8Array | null
  /** Returns one value per column, coerced to the column types; null for null bytes. Throws SerdeError. */
  deserialize(bytes: Uint8Array | null): Value[] | null
}

export interface SerdeOptions {
  readonly isKey: boolean
  /** true = WRAP_SINGLES, false = UNWRAP_SINGLES, undefined = the format's default. */
  readonly wrapSingle?: boolean
  /**
   * Used in error messages ("Failed to deserialize value from topic: t. ..."); registry formats
   * (AVRO, JSON_SR) also name their subject after it.
   */
  readonly topic?: string
  /** The schema registry: needed by AVRO and JSON_SR. */
  readonly registry?: SchemaRegistry
}

export const utf8Decoder = new TextDecoder('utf-8', { fatal: false })
export const utf8Encoder = new TextEncoder()

/** Node's Buffer#utf8Slice (not in @types/node): the fastest way to decode a small byte array. */
interface Utf8Sliceable {
  utf8Slice(this: Uint8Array, start: number, end: number): string
}
const utf8Slice = (Buffer.prototype as unknown as Utf8Sliceable).utf8Slice

/**
 * Decodes UTF-8 exactly as TextDecoder (invalid sequences become U+FFFD, a leading byte order
 * mark is dropped). Short ASCII texts (keys) are built in JavaScript, other small ones with
 * Buffer's native slice (it works on any Uint8Array, such as the views the embedded log hands
 * out), which skips TextDecoder's per-call overhead.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const n = bytes.length
  if (n <= 8) {
    let s = ''
    for (let i = 0; i < n; i++) {
      const c = bytes[i]!
      if (c >= 0x80) return utf8Decoder.decode(bytes)
      s += String.fromCharCode(c)
    }
    return s
  }
  // TextDecoder drops a leading byte order mark (as Jackson does); Buffer's slice would keep it.
  if (n < 4096 && !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    return utf8Slice.call(bytes, 0, n)
  }
  return utf8Decoder.decode(bytes)
}

const CHUNK_BYTES = 64 * 1024

/**
 * Builds UTF-8 byte arrays one after another in a shared chunk: `begin()`, writes, then `end()`
 * returns a view of what was written since `begin`. Cheaper than a string then `Buffer.from` per
 * record. A chunk is never written again once handed out, so the views stay valid (each keeps its
 * chunk alive, like Buffer's pool).
 */
export class Utf8Out {
  #buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  #start = 0
  #pos = 0

  begin(): void {
    this.#pos = this.#start
  }

  /** The bytes written since `begin()`. */
  end(): Uint8Array {
    const buf = this.#buf
    const start = this.#start
    this.#start = this.#pos
    return new Uint8Array(buf.buffer, buf.byteOffset + start, this.#pos - start)
  }

  /** Room for `n` more bytes: a new chunk if needed, with the record so far copied over. */
  #ensure(n: number): Buffer {
    const buf = this.#buf
    if (this.#pos + n <= buf.length) return buf
    const used = this.#pos - this.#start
    const next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * (used + n)))
    buf.copy(next, 0, this.#start, this.#pos)
    this.#buf = next
    this.#start = 0
    this.#pos = used
    return next
  }

  /** A text known to be ASCII (numbers, literals, base64). */
  ascii(s: string): void {
    const n = s.length
    const buf = this.#ensure(n)
    let p = this.#pos
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i)
    this.#pos = p
  }

  /** Bytes as they are (e.g. a pre-encoded field name). */
  bytes(b: Uint8Array): void {
    const n = b.length
    const buf = this.#ensure(n)
    let p = this.#pos
    for (let i = 0; i < n; i++) buf[p++] = b[i]!
    this.#pos = p
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    const n = s.length
    const buf = this.#ensure(n * 3)
    let p = this.#pos
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) {
        this.#pos = p + buf.write(s.slice(i), p, 'utf8')
        return
      }
      buf[p++] = c
    }
    this.#pos = p
  }

  /** `JSON.stringify(s)`, UTF-8 encoded. */
  jsonString(s: string): void {
    const n = s.length
    const buf = this.#ensure(n + 2)
    let p = this.#pos
    buf[p++] = 0x22
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) {
        // Escapes or non-ASCII: let JSON.stringify and the UTF-8 encoder do it.
        this.text(JSON.stringify(s))
        return
      }
      buf[p++] = c
    }
    buf[p++] = 0x22
    this.#pos = p
  }
}

/** The shared writer (serialization is synchronous, one record at a time). */
export const utf8Out = new Utf8Out()

/** `encodeUtf8` for short texts written once per record (keys, values): no Buffer per call. */
export function encodeUtf8Pooled(text: string): Uint8Array {
  const out = utf8Out
  out.begin()
  out.text(text)
  return out.end()
}

/**
 * Encodes UTF-8. Uses `Buffer.from` (about twice as fast as TextEncoder for small strings); the
 * result may be a view into Node's shared buffer pool, so honour `byteOffset` when using `.buffer`.
 */
export function encodeUtf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8')
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Strict base64 (as Jackson's binaryValue / java.util.Base64): throws on invalid text. */
export function base64Decode(text: string): Uint8Array {
  if (!BASE64.test(text) || text.length % 4 === 1) {
    throw new Error(`Value is not a valid Base64 encoded string: ${text}`)
  }
  const buf = Buffer.from(text, 'base64')
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))
}

export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/**
 * Java's `Float.toString` of a 32-bit float (held as a double): the shortest digits that read back
 * as the same float, written as `Double.toString` writes them (`1.1`, `1.0E10`).
 */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || Number.isInteger(f)) return javaDoubleToString(f)
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p))
    if (Math.fround(d) === f) return javaDoubleToString(d)
  }
  return javaDoubleToString(f)
}

/**
 * Java's `Double.toString`: `1.0`, `-0.0`, `1.0E7`, `1.234E-5`, `NaN`, `Infinity`. Digits are the
 * shortest that round-trip (as JavaScript and Java 19+).
 */
export function javaDoubleToString(d: number): string {
  if (Number.isInteger(d)) {
    if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
    if (d < 1e7 && d > -1e7) return `${d}.0`
  } else if (Number.isNaN(d)) {
    return 'NaN'
  } else if (d === Number.POSITIVE_INFINITY) {
    return 'Infinity'
  } else if (d === Number.NEGATIVE_INFINITY) {
    return '-Infinity'
  }
  const a = d < 0 ? -d : d
  if (a >= 1e-3 && a < 1e7) return centsText(d) ?? String(d)
  // Java prints the smallest subnormal with two digits.
  if (a === Number.MIN_VALUE) return d < 0 ? '-4.9E-324' : '4.9E-324'
  const s = d.toExponential()
  const e = s.indexOf('e')
  let mant = s.slice(0, e)
  if (!mant.includes('.')) mant += '.0'
  const exp = s.charCodeAt(e + 1) === 43 /* + */ ? s.slice(e + 2) : s.slice(e + 1)
  return `${mant}E${exp}`
}

/**
 * The text of a non-integer `d` (|d| < 1e7) that is exactly the double nearest a number with two
 * decimals (prices, amounts): `12.5`, `-0.07`, about twice as fast as `String(d)`. That decimal
 * has at most 9 significant digits, so it is the shortest text that reads back as `d`: the same
 * text `String(d)` gives. Undefined for other values.
 */
function centsText(d: number): string | undefined {
  const k = Math.round(d * 100)
  if (k / 100 !== d) return undefined
  const a = k < 0 ? -k : k
  const whole = Math.floor(a / 100)
  const cents = a - whole * 100
  const head = k < 0 ? `-${whole}` : `${whole}`
  if (cents % 10 === 0) return `${head}.${cents / 10}`
  return cents < 10 ? `${head}.0${cents}` : `${head}.${cents}`
}

const INT_TEXT = /^[+-]?\d+$/
const INT_MIN = -2147483648
const INT_MAX = 2147483647
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/** Java's `Integer.parseInt`; throws on anything else. */
export function javaParseInt(text: string): number {
  if (!INT_TEXT.test(text)) throw new Error(`For input string: "${text}"`)
  const n = Number(text)
  if (n < INT_MIN || n > INT_MAX) throw new Error(`For input string: "${text}"`)
  return n === 0 ? 0 : n
}

/** Java's `Long.parseLong`; throws on anything else. */
export function javaParseLong(text: string): bigint {
  if (!INT_TEXT.test(text)) throw new Error(`For input string: "${text}"`)
  const n = BigInt(text)
  if (n < LONG_MIN || n > LONG_MAX) throw new Error(`For input string: "${text}"`)
  return n
}

/** `Long.parseLong` as a JavaScript number (TIMESTAMP / DATE / TIME values). */
export function javaParseLongNumber(text: string): number {
  return Number(javaParseLong(text))
}

const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/

/** Java's `Double.parseDouble` (surrounding whitespace trimmed, `NaN`, `Infinity`, `1d`). */
export function javaParseDouble(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Java's trim() drops every char <= ' '
  const t = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  if (!DOUBLE_TEXT.test(t)) throw new Error(t === '' ? 'empty String' : `For input string: "${text}"`)
  const last = t.charCodeAt(t.length - 1)
  const body = (last | 0x20) === 0x64 || (last | 0x20) === 0x66 ? t.slice(0, -1) : t
  if (body.endsWith('NaN')) return Number.NaN
  if (body.endsWith('Infinity'))
    return body.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  return Number(body)
}

/** Java's `new BigDecimal(text)` (no surrounding whitespace allowed). */
export function javaParseDecimal(text: string): Decimal {
  if (text.length === 0 || text.trim() !== text) throw new Error(`Invalid decimal: ${text}`)
  return Decimal.parse(text)
}

/** Unscaled digits and scale of a decimal text, keeping a negative scale (Java's BigDecimal). */
function decimalParts(text: string): { neg: boolean; digits: string; scale: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (m === null) throw new Error(`Invalid decimal: ${text}`)
  const frac = m[3] ?? ''
  let digits = `${m[2] ?? ''}${frac}`.replace(/^0+(?=\d)/, '')
  if (digits === '') digits = '0'
  return { neg: m[1] === '-', digits, scale: frac.length - Number(m[4] ?? 0) }
}

/** Java's `BigDecimal.toString()` of a decimal text: `1.50`, `1E+3`, `1.0E-7`. */
export function javaBigDecimalText(text: string): string {
  const { neg, digits, scale } = decimalParts(text)
  const sign = neg && digits !== '0' ? '-' : ''
  if (scale === 0) return sign + digits
  const adjusted = -scale + (digits.length - 1)
  if (scale > 0 && adjusted >= -6) {
    if (digits.length > scale) {
      return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
    }
    return `${sign}0.${'0'.repeat(scale - digits.length)}${digits}`
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${sign}${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`
}

const TEN = 10n

/**
 * ksqlDB's `DecimalUtil.ensureFit`: the value rescaled to the column's scale without rounding; throws
 * when it overflows the precision or would need rounding.
 */
export function ensureFit(value: Decimal, precision: number, scale: number): Decimal {
  const abs = value.unscaled < 0n ? -value.unscaled : value.unscaled
  const intDigits = precision - scale
  // |value| >= 10^(precision - scale)  <=>  |unscaled| >= 10^(precision - scale + value.scale)
  const limitExp = intDigits + value.scale
  if (limitExp >= 0 ? abs >= TEN ** BigInt(limitExp) : abs > 0n) {
    throw new Error(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${intDigits}. Got ${value.toString()}`,
    )
  }
  if (value.scale === scale) return value
  if (value.scale < scale) return new Decimal(value.unscaled * TEN ** BigInt(scale - value.scale), scale)
  const div = TEN ** BigInt(value.scale - scale)
  if (value.unscaled % div !== 0n) {
    throw new Error(
      `Cannot fit decimal '${value.toString()}' into DECIMAL(${precision}, ${scale}) without rounding.`,
    )
  }
  return new Decimal(value.unscaled / div, scale)
}

/** A decimal for output with the column's scale (HALF_UP if the engine gave more digits). */
export function toColumnScale(v: unknown, scale: number): Decimal {
  const d = v instanceof Decimal ? v : Decimal.parse(String(v))
  return d.scale === scale ? d : d.setScale(scale)
}

/** BIGINT values may reach serde as number or bigint; normalise to bigint. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return BigInt(Math.trunc(v))
  if (v instanceof Decimal) return v.setScale(0).unscaled
  return BigInt(String(v))
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Decimal) return v.toNumber()
  return Number(v)
}
