import { Decimal } from '../types/decimal.js'
import type { Type } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'

/**
 * An order-preserving encoding of a row's key values (and an optional window): the bytewise
 * (unsigned, lexicographic) order of two encodings is the SQL order of the keys, column by column
 * (`compareValues` in src/expr/cast.ts), then window start, then window end. State stores keep rows
 * under these bytes (LevelDB sorts keys bytewise), so key lookups, key ranges and ORDER BY on the
 * key columns read straight from the sorted order.
 *
 * Layout per column: a tag byte, `0x00` for NULL (nulls first) or `0x01`, then the value:
 *
 * | type                 | bytes                                                                  |
 * |----------------------|------------------------------------------------------------------------|
 * | BOOLEAN              | `0x00` false, `0x01` true                                              |
 * | INTEGER, DATE, TIME  | 4 bytes big-endian, sign bit flipped                                   |
 * | BIGINT, TIMESTAMP    | 8 bytes big-endian, sign bit flipped                                   |
 * | DOUBLE               | IEEE-754 bits big-endian; positive: sign bit flipped, negative: all bits flipped (NaN last, as Java) |
 * | DECIMAL              | class (`1` negative, `2` zero, `3` positive), exponent and digits (inverted when negative), then the scale: equal values of different scales are adjacent |
 * | STRING               | UTF-16 code units each written as UTF-8 would (CESU-8: the order of JS/Java strings), `0x00` escaped as `0x00 0xFF`, ended by `0x00 0x00` |
 * | BYTES                | each byte XOR `0x80` (ksqlDB compares signed bytes), escaped and ended as STRING |
 * | ARRAY                | `0x01` + element per element, then `0x00`                              |
 * | MAP                  | `0x01` + key + value per entry (insertion order), then `0x00`          |
 * | STRUCT               | each field in declaration order                                        |
 *
 * Every column encoding is prefix-free, so the encoding of the first n key columns is a prefix of
 * the full key's (prefix scans), and the window suffix (start, then end: 8 bytes each, sign bit
 * flipped) sorts after the key.
 */

/** Window bounds in epoch ms: [start, end). */
export interface KeyWindow {
  readonly start: number
  readonly end: number
}

export interface DecodedKey {
  readonly key: Value[]
  readonly window?: KeyWindow
}

export class KeyCodecError extends Error {
  override readonly name = 'KeyCodecError'
}

/** Encodes and decodes the keys of one schema (the key column types, windowed or not). */
export interface KeyCodec {
  readonly types: readonly Type[]
  readonly windowed: boolean
  /** The key's bytes; `window` is required when the codec is windowed (and ignored otherwise). */
  encode(key: readonly Value[], window?: KeyWindow): Uint8Array
  /**
   * `encode` as a key string (`keyString`): the form state stores key rows by, written without
   * an intermediate byte array.
   */
  encodeString(key: readonly Value[], window?: KeyWindow): string
  /** Bytes of the first `key.length` columns only: a prefix of every full key that starts with them. */
  encodePrefix(key: readonly Value[]): Uint8Array
  decode(bytes: Uint8Array): DecodedKey
}

export function createKeyCodec(types: readonly Type[], options: { windowed?: boolean } = {}): KeyCodec {
  const windowed = options.windowed === true
  const write = (key: readonly Value[], window: KeyWindow | undefined): Writer => {
    if (key.length !== types.length) {
      throw new KeyCodecError(`expected ${types.length} key values but got ${key.length}`)
    }
    const w = Writer.scratch()
    for (let i = 0; i < key.length; i++) writeValue(w, types[i] as Type, key[i] ?? null)
    if (windowed) {
      if (window === undefined) throw new KeyCodecError('a windowed key needs its window')
      writeInt64Number(w, window.start)
      writeInt64Number(w, window.end)
    }
    return w
  }
  return {
    types,
    windowed,
    encode(key, window) {
      return write(key, window).finish()
    },
    encodeString(key, window) {
      return write(key, window).latin1()
    },
    encodePrefix(key) {
      if (key.length > types.length) {
        throw new KeyCodecError(`expected at most ${types.length} key values but got ${key.length}`)
      }
      const w = Writer.scratch()
      for (let i = 0; i < key.length; i++) writeValue(w, types[i] as Type, key[i] ?? null)
      return w.finish()
    },
    decode(bytes) {
      const r = new Reader(bytes)
      const key = types.map((t) => readValue(r, t))
      let window: KeyWindow | undefined
      if (windowed) {
        const start = Number(readInt64(r))
        const end = Number(readInt64(r))
        window = { start, end }
      }
      if (r.pos !== bytes.length) {
        throw new KeyCodecError(`${bytes.length - r.pos} unexpected trailing bytes in an encoded key`)
      }
      return window === undefined ? { key } : { key, window }
    },
  }
}

/**
 * Encoded key bytes as a string, one character per byte (U+0000–U+00FF): half the length of hex,
 * and in the same order once stored, since LevelDB compares the UTF-8 bytes of its string keys
 * and UTF-8 keeps code point order.
 */
export function keyString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** Unsigned lexicographic comparison: the order a state store keeps encoded keys in. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x !== y) return x < y ? -1 : 1
  }
  return a.length - b.length
}

/**
 * The smallest byte string greater than every string starting with `prefix` (an exclusive upper
 * bound of a prefix scan), or undefined when there is none (all bytes 0xFF).
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if ((prefix[i] as number) !== 0xff) {
      const out = prefix.slice(0, i + 1)
      out[i] = (out[i] as number) + 1
      return out
    }
  }
  return undefined
}

// ---- writing ----

class Writer {
  /** A Buffer, so `hex()` reads it without a copy. */
  private buf: Uint8Array = Buffer.allocUnsafe(64)
  private len = 0

  private static shared = new Writer()

  /** The one writer encode() reuses (encoding never nests): its buffer has grown to fit earlier keys. */
  static scratch(): Writer {
    const w = Writer.shared
    w.len = 0
    return w
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  /** Room for `n` more bytes (then `byte` needs no check of its own until they are used). */
  reserve(n: number): void {
    this.ensure(n)
  }

  byte(b: number): void {
    if (this.len === this.buf.length) this.ensure(1)
    this.buf[this.len++] = b
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
  }

  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.len))
  }

  latin1(): string {
    return (this.buf as Buffer).toString('latin1', 0, this.len)
  }
}

const NULL_TAG = 0x00
const VALUE_TAG = 0x01
const SIGN_32 = 0x80000000
const SIGN_64 = 1n << 63n
const MASK_64 = (1n << 64n) - 1n

function writeInt32(w: Writer, v: number): void {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new KeyCodecError(`not a 32-bit integer: ${v}`)
  }
  const u = (v ^ SIGN_32) >>> 0
  w.byte(u >>> 24)
  w.byte((u >>> 16) & 0xff)
  w.byte((u >>> 8) & 0xff)
  w.byte(u & 0xff)
}

/** Scratch for 8-byte values: big-endian bytes through a DataView, no BigInt shifts. */
const SCRATCH = new DataView(new ArrayBuffer(8))
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer)

function writeUint64(w: Writer, u: bigint): void {
  SCRATCH.setBigUint64(0, u)
  w.bytes(SCRATCH_BYTES)
}

function writeInt64(w: Writer, v: bigint): void {
  if (v < -SIGN_64 || v >= SIGN_64) throw new KeyCodecError(`not a 64-bit integer: ${v}`)
  // Two's complement with the sign bit flipped: unsigned byte order = signed order.
  SCRATCH.setBigInt64(0, v)
  SCRATCH_BYTES[0] = (SCRATCH_BYTES[0] as number) ^ 0x80
  w.bytes(SCRATCH_BYTES)
}

/** writeInt64 of a safe integer held as a number (window bounds), without a BigInt. */
function writeInt64Number(w: Writer, v: number): void {
  if (!Number.isSafeInteger(v)) {
    writeInt64(w, BigInt(v))
    return
  }
  const hi = Math.floor(v / 4294967296)
  SCRATCH.setInt32(0, hi)
  SCRATCH.setUint32(4, v - hi * 4294967296)
  SCRATCH_BYTES[0] = (SCRATCH_BYTES[0] as number) ^ 0x80
  w.bytes(SCRATCH_BYTES)
}

const F64 = new DataView(new ArrayBuffer(8))

function writeDouble(w: Writer, d: number): void {
  // One NaN (Java's canonical bits), sorting after +Infinity as Double.compare does.
  F64.setFloat64(0, Number.isNaN(d) ? Number.NaN : d)
  let bits = F64.getBigUint64(0)
  if (Number.isNaN(d)) bits = 0x7ff8000000000000n
  bits = (bits & SIGN_64) !== 0n ? ~bits & MASK_64 : bits ^ SIGN_64
  writeUint64(w, bits)
}

/** Writes one byte as an escaped byte string does: 0x00 → 0x00 0xFF. */
function escapedByte(w: Writer, b: number): void {
  w.byte(b)
  if (b === 0) w.byte(0xff)
}

/**
 * A string escaped and terminated (end = 0x00 0x00): its UTF-16 code units each as UTF-8 would
 * write it (1–3 bytes, CESU-8), which keeps the code-unit order of JS/Java strings.
 */
function writeString(w: Writer, s: string): void {
  w.reserve(s.length * 3 + 2)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) escapedByte(w, c)
    else if (c < 0x800) {
      w.byte(0xc0 | (c >> 6))
      w.byte(0x80 | (c & 0x3f))
    } else {
      w.byte(0xe0 | (c >> 12))
      w.byte(0x80 | ((c >> 6) & 0x3f))
      w.byte(0x80 | (c & 0x3f))
    }
  }
  w.byte(0)
  w.byte(0)
}

/** Bytes escaped and terminated as strings are, each XOR 0x80 (ksqlDB compares signed bytes). */
function writeBytes(w: Writer, bytes: Uint8Array): void {
  w.reserve(bytes.length * 2 + 2)
  for (let i = 0; i < bytes.length; i++) escapedByte(w, (bytes[i] as number) ^ 0x80)
  w.byte(0)
  w.byte(0)
}

const DECIMAL_NEGATIVE = 1
const DECIMAL_ZERO = 2
const DECIMAL_POSITIVE = 3

function writeDecimal(w: Writer, d: Decimal): void {
  const negative = d.unscaled < 0n
  let digits = (negative ? -d.unscaled : d.unscaled).toString()
  if (d.unscaled === 0n) {
    w.byte(DECIMAL_ZERO)
  } else {
    // value = 0.<digits> × 10^exponent, digits without trailing zeros: one encoding per value.
    const exponent = digits.length - d.scale
    digits = digits.replace(/0+$/, '')
    w.byte(negative ? DECIMAL_NEGATIVE : DECIMAL_POSITIVE)
    const e = new Writer()
    writeInt32(e, exponent)
    const eb = e.finish()
    for (const b of eb) w.byte(negative ? 0xff - b : b)
    for (let i = 0; i < digits.length; i++) {
      const digit = digits.charCodeAt(i) - 48 + 1 // 1..10: 0 is the terminator
      w.byte(negative ? 0xff - digit : digit)
    }
    w.byte(negative ? 0xff : 0)
  }
  writeInt32(w, d.scale)
}

function expectKind(t: Type, v: Value, ok: boolean): void {
  if (!ok) throw new KeyCodecError(`cannot encode ${describe(v)} as ${t.kind}`)
}

function describe(v: Value): string {
  if (v instanceof Uint8Array) return 'bytes'
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'object' && v !== null) return v.constructor?.name ?? 'object'
  return JSON.stringify(v) ?? String(v)
}

function writeValue(w: Writer, t: Type, v: Value): void {
  if (v === null) {
    w.byte(NULL_TAG)
    return
  }
  w.byte(VALUE_TAG)
  switch (t.kind) {
    case 'BOOLEAN':
      expectKind(t, v, typeof v === 'boolean')
      w.byte(v === true ? 1 : 0)
      return
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      expectKind(t, v, typeof v === 'number')
      writeInt32(w, v as number)
      return
    case 'BIGINT':
    case 'TIMESTAMP': {
      expectKind(t, v, typeof v === 'bigint' || typeof v === 'number')
      if (typeof v === 'number' && !Number.isInteger(v)) throw new KeyCodecError(`not an integer: ${v}`)
      writeInt64(w, typeof v === 'bigint' ? v : BigInt(v as number))
      return
    }
    case 'DOUBLE':
      expectKind(t, v, typeof v === 'number')
      writeDouble(w, v as number)
      return
    case 'DECIMAL':
      expectKind(t, v, v instanceof Decimal)
      writeDecimal(w, v as Decimal)
      return
    case 'STRING':
      expectKind(t, v, typeof v === 'string')
      writeString(w, v as string)
      return
    case 'BYTES':
      expectKind(t, v, v instanceof Uint8Array)
      writeBytes(w, v as Uint8Array)
      return
    case 'ARRAY': {
      expectKind(t, v, Array.isArray(v))
      for (const e of v as readonly Value[]) {
        w.byte(1)
        writeValue(w, t.element, e)
      }
      w.byte(0)
      return
    }
    case 'MAP': {
      expectKind(t, v, v instanceof Map)
      for (const [k, x] of v as ReadonlyMap<Value, Value>) {
        w.byte(1)
        writeValue(w, t.key, k)
        writeValue(w, t.value, x)
      }
      w.byte(0)
      return
    }
    case 'STRUCT': {
      expectKind(t, v, typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map))
      const s = v as Struct
      for (const f of t.fields) writeValue(w, f.type, s[f.name] ?? null)
      return
    }
  }
}

// ---- reading ----

class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new KeyCodecError('encoded key ends too early')
    return this.buf[this.pos++] as number
  }
}

function readInt32(r: Reader): number {
  const u = ((r.byte() << 24) | (r.byte() << 16) | (r.byte() << 8) | r.byte()) >>> 0
  return (u ^ SIGN_32) | 0
}

function readUint64(r: Reader): bigint {
  let u = 0n
  for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(r.byte())
  return u
}

function readInt64(r: Reader): bigint {
  return BigInt.asIntN(64, readUint64(r) ^ SIGN_64)
}

function readDouble(r: Reader): number {
  let bits = readUint64(r)
  bits = (bits & SIGN_64) !== 0n ? bits ^ SIGN_64 : ~bits & MASK_64
  F64.setBigUint64(0, bits)
  return F64.getFloat64(0)
}

function readEscaped(r: Reader): number[] {
  const out: number[] = []
  for (;;) {
    const b = r.byte()
    if (b !== 0) {
      out.push(b)
      continue
    }
    const next = r.byte()
    if (next === 0) return out
    if (next !== 0xff) throw new KeyCodecError(`bad escape 0x00 0x${next.toString(16)} in an encoded key`)
    out.push(0)
  }
}

function fromCesu8(bytes: readonly number[]): string {
  const units: number[] = []
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number
    if (b < 0x80) {
      units.push(b)
      i += 1
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | ((bytes[i + 1] as number) & 0x3f))
      i += 2
    } else {
      units.push(
        ((b & 0x0f) << 12) | (((bytes[i + 1] as number) & 0x3f) << 6) | ((bytes[i + 2] as number) & 0x3f),
      )
      i += 3
    }
  }
  let s = ''
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096))
  return s
}

function readDecimal(r: Reader): Decimal {
  const cls = r.byte()
  if (cls === DECIMAL_ZERO) return new Decimal(0n, readInt32(r))
  if (cls !== DECIMAL_NEGATIVE && cls !== DECIMAL_POSITIVE) {
    throw new KeyCodecError(`bad decimal class ${cls} in an encoded key`)
  }
  const negative = cls === DECIMAL_NEGATIVE
  const eb = new Uint8Array(4)
  for (let i = 0; i < 4; i++) eb[i] = negative ? 0xff - r.byte() : r.byte()
  const exponent = readInt32(new Reader(eb))
  let digits = ''
  for (;;) {
    const raw = r.byte()
    const b = negative ? 0xff - raw : raw
    if (b === 0) break
    digits += String.fromCharCode(48 + b - 1)
  }
  const scale = readInt32(r)
  // value = digits × 10^(exponent - digits.length); unscaled = value × 10^scale
  const shift = exponent - digits.length + scale
  if (shift < 0) throw new KeyCodecError('decimal digits do not fit its scale in an encoded key')
  let unscaled = BigInt(digits) * 10n ** BigInt(shift)
  if (negative) unscaled = -unscaled
  return new Decimal(unscaled, scale)
}

function readValue(r: Reader, t: Type): Value {
  const tag = r.byte()
  if (tag === NULL_TAG) return null
  if (tag !== VALUE_TAG) throw new KeyCodecError(`bad tag ${tag} in an encoded key`)
  switch (t.kind) {
    case 'BOOLEAN':
      return r.byte() === 1
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return readInt32(r)
    case 'BIGINT':
      return readInt64(r)
    case 'TIMESTAMP':
      return Number(readInt64(r))
    case 'DOUBLE':
      return readDouble(r)
    case 'DECIMAL':
      return readDecimal(r)
    case 'STRING':
      return fromCesu8(readEscaped(r))
    case 'BYTES':
      return Uint8Array.from(readEscaped(r), (b) => b ^ 0x80)
    case 'ARRAY': {
      const out: Value[] = []
      while (r.byte() === 1) out.push(readValue(r, t.element))
      return out
    }
    case 'MAP': {
      const out = new Map<Value, Value>()
      while (r.byte() === 1) {
        const k = readValue(r, t.key)
        out.set(k, readValue(r, t.value))
      }
      return out
    }
    case 'STRUCT': {
      const out: { [field: string]: Value } = {}
      for (const f of t.fields) out[f.name] = readValue(r, f.type)
      return out
    }
  }
}
