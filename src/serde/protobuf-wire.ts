/**
 * The protobuf wire encoding (https://protobuf.dev/programming-guides/encoding/): varints,
 * zigzag (sint32 / sint64), fixed 32/64-bit little-endian numbers and length-delimited fields
 * (strings, bytes, nested messages, packed repeated scalars). Schema-free: `protobuf.ts` walks a
 * message schema over these.
 */

/** Wire types of a field's tag. */
export const WIRE = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const

export type WireType = (typeof WIRE)[keyof typeof WIRE]

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: false })

/** zigzag encoding of a 32-bit integer (sint32): 0→0, -1→1, 1→2, -2→3 ... */
export function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0
}

export function unzigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1)
}

/** zigzag encoding of a 64-bit integer (sint64), as an unsigned 64-bit bigint. */
export function zigzag64(n: bigint): bigint {
  const v = BigInt.asIntN(64, n)
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
}

export function unzigzag64(n: bigint): bigint {
  const u = BigInt.asUintN(64, n)
  return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n))
}

/** Appends protobuf wire data to a growing byte buffer. */
export class ProtoWriter {
  #buf: Uint8Array
  #pos = 0
  #view: DataView

  constructor(initial = 64) {
    this.#buf = new Uint8Array(initial)
    this.#view = new DataView(this.#buf.buffer)
  }

  get length(): number {
    return this.#pos
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n))
    next.set(this.#buf.subarray(0, this.#pos))
    this.#buf = next
    this.#view = new DataView(next.buffer)
  }

  /** The bytes written so far (a copy: the writer can be reused). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#pos)
  }

  tag(field: number, wireType: WireType): void {
    this.uint32(((field << 3) | wireType) >>> 0)
  }

  /** An unsigned 32-bit varint (field tags, lengths, uint32). */
  uint32(v: number): void {
    this.#ensure(5)
    let n = v >>> 0
    while (n > 0x7f) {
      this.#buf[this.#pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    this.#buf[this.#pos++] = n
  }

  /** int32: negative values are sign-extended to 64 bits (ten bytes), as protobuf does. */
  int32(v: number): void {
    if (v >= 0) this.uint32(v)
    else this.uint64(BigInt.asUintN(64, BigInt(v | 0)))
  }

  /** A 64-bit varint (int64, uint64): the value's two's complement bits. */
  uint64(v: bigint): void {
    let n = BigInt.asUintN(64, v)
    if (n <= 0xffffffffn) {
      this.uint32(Number(n))
      return
    }
    this.#ensure(10)
    while (n > 0x7fn) {
      this.#buf[this.#pos++] = Number(n & 0x7fn) | 0x80
      n >>= 7n
    }
    this.#buf[this.#pos++] = Number(n)
  }

  int64(v: bigint): void {
    this.uint64(v)
  }

  sint32(v: number): void {
    this.uint32(zigzag32(v))
  }

  sint64(v: bigint): void {
    this.uint64(zigzag64(v))
  }

  bool(v: boolean): void {
    this.#ensure(1)
    this.#buf[this.#pos++] = v ? 1 : 0
  }

  double(v: number): void {
    this.#ensure(8)
    this.#view.setFloat64(this.#pos, v, true)
    this.#pos += 8
  }

  float(v: number): void {
    this.#ensure(4)
    this.#view.setFloat32(this.#pos, v, true)
    this.#pos += 4
  }

  fixed32(v: number): void {
    this.#ensure(4)
    this.#view.setUint32(this.#pos, v >>> 0, true)
    this.#pos += 4
  }

  fixed64(v: bigint): void {
    this.#ensure(8)
    this.#view.setBigUint64(this.#pos, BigInt.asUintN(64, v), true)
    this.#pos += 8
  }

  /** Length-delimited bytes: the length as a varint, then the bytes. */
  bytes(b: Uint8Array): void {
    this.uint32(b.length)
    this.raw(b)
  }

  string(s: string): void {
    this.bytes(utf8Encoder.encode(s))
  }

  /** Bytes as they are (no length prefix). */
  raw(b: Uint8Array): void {
    this.#ensure(b.length)
    this.#buf.set(b, this.#pos)
    this.#pos += b.length
  }
}

/** A malformed protobuf payload (truncated data, bad wire type, overlong varint). */
export class ProtoWireError extends Error {
  override readonly name = 'ProtoWireError'
}

/** Reads protobuf wire data from a byte array (or a slice of one). */
export class ProtoReader {
  readonly #buf: Uint8Array
  readonly #view: DataView
  #pos: number
  readonly #end: number

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.#pos = start
    this.#end = end
  }

  get pos(): number {
    return this.#pos
  }

  done(): boolean {
    return this.#pos >= this.#end
  }

  #need(n: number): void {
    if (this.#pos + n > this.#end) {
      throw new ProtoWireError(
        'While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.',
      )
    }
  }

  /** A tag: field number and wire type. */
  tag(): { field: number; wireType: number } {
    const t = this.uint32()
    const field = t >>> 3
    if (field === 0) throw new ProtoWireError('Protocol message contained an invalid tag (zero).')
    return { field, wireType: t & 7 }
  }

  /** A varint's low 32 bits, unsigned (the rest of a longer varint is read and dropped). */
  uint32(): number {
    let result = 0
    let shift = 0
    for (let i = 0; i < 10; i++) {
      this.#need(1)
      const b = this.#buf[this.#pos++]!
      if (shift < 32) result |= (b & 0x7f) << shift
      shift += 7
      if ((b & 0x80) === 0) return result >>> 0
    }
    throw new ProtoWireError('CodedInputStream encountered a malformed varint.')
  }

  /** int32: the low 32 bits of the varint, signed. */
  int32(): number {
    return this.uint32() | 0
  }

  /** A varint as an unsigned 64-bit bigint. */
  uint64(): bigint {
    let lo = 0
    let hi = 0
    for (let i = 0; i < 10; i++) {
      this.#need(1)
      const b = this.#buf[this.#pos++]!
      if (i < 4) lo |= (b & 0x7f) << (7 * i)
      else if (i === 4) {
        lo |= (b & 0x0f) << 28
        hi |= (b & 0x7f) >> 4
      } else hi |= (b & 0x7f) << (7 * i - 32)
      if ((b & 0x80) === 0) return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
    }
    throw new ProtoWireError('CodedInputStream encountered a malformed varint.')
  }

  int64(): bigint {
    return BigInt.asIntN(64, this.uint64())
  }

  sint32(): number {
    return unzigzag32(this.uint32())
  }

  sint64(): bigint {
    return unzigzag64(this.uint64())
  }

  bool(): boolean {
    return this.uint64() !== 0n
  }

  double(): number {
    this.#need(8)
    const v = this.#view.getFloat64(this.#pos, true)
    this.#pos += 8
    return v
  }

  float(): number {
    this.#need(4)
    const v = this.#view.getFloat32(this.#pos, true)
    this.#pos += 4
    return v
  }

  fixed32(): number {
    this.#need(4)
    const v = this.#view.getUint32(this.#pos, true)
    this.#pos += 4
    return v
  }

  fixed64(): bigint {
    this.#need(8)
    const v = this.#view.getBigUint64(this.#pos, true)
    this.#pos += 8
    return v
  }

  /** A length-delimited field's bounds: [start, end) in the buffer; the reader moves past it. */
  delimited(): { start: number; end: number } {
    const n = this.uint32()
    this.#need(n)
    const start = this.#pos
    this.#pos += n
    return { start, end: this.#pos }
  }

  bytes(): Uint8Array {
    const { start, end } = this.delimited()
    return this.#buf.slice(start, end)
  }

  string(): string {
    const { start, end } = this.delimited()
    return utf8Decoder.decode(this.#buf.subarray(start, end))
  }

  /** A reader over a nested length-delimited message. */
  sub(): ProtoReader {
    const { start, end } = this.delimited()
    return new ProtoReader(this.#buf, start, end)
  }

  /** Skips a field's value of this wire type (unknown fields). */
  skip(wireType: number, field = 0): void {
    switch (wireType) {
      case WIRE.VARINT:
        this.uint64()
        return
      case WIRE.I64:
        this.#need(8)
        this.#pos += 8
        return
      case WIRE.LEN:
        this.delimited()
        return
      case WIRE.I32:
        this.#need(4)
        this.#pos += 4
        return
      case WIRE.SGROUP: {
        for (;;) {
          const t = this.tag()
          if (t.wireType === WIRE.EGROUP) {
            if (t.field !== field)
              throw new ProtoWireError('Protocol message end-group tag did not match expected tag.')
            return
          }
          this.skip(t.wireType, t.field)
        }
      }
      default:
        throw new ProtoWireError('Protocol message tag had invalid wire type.')
    }
  }
}
