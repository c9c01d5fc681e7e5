/**
 * Avro schemas (parsed from their JSON form, named types resolved) and the Avro binary encoding
 * (https://avro.apache.org/docs/current/specification/#binary-encoding), written for Eddy.
 *
 * Generic values: null, boolean, int / float / double as number, long as bigint, bytes / fixed as
 * Uint8Array, string / enum symbol as string, array as an array, map as a Map<string, value>,
 * record as a plain object keyed by field name; a union's value is its branch's value.
 */

export type AvroType =
  | {
      readonly type: 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'
      readonly logicalType?: string
      readonly precision?: number
      readonly scale?: number
      readonly props?: Readonly<Record<string, unknown>>
    }
  | AvroRecord
  | { readonly type: 'enum'; readonly name: string; readonly symbols: readonly string[] }
  | { readonly type: 'array'; readonly items: AvroType }
  | { readonly type: 'map'; readonly values: AvroType }
  | {
      readonly type: 'fixed'
      readonly name: string
      readonly size: number
      readonly logicalType?: string
      readonly precision?: number
      readonly scale?: number
    }
  | { readonly type: 'union'; readonly branches: readonly AvroType[] }

export interface AvroField {
  readonly name: string
  readonly type: AvroType
  readonly default?: unknown
}

export interface AvroRecord {
  readonly type: 'record'
  /** Full name (namespace.name). */
  readonly name: string
  /** Set once parsed (fields may refer to the record itself). */
  fields: AvroField[]
}

export type AvroValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly AvroValue[]
  | ReadonlyMap<string, AvroValue>
  | { readonly [field: string]: AvroValue }

export class AvroError extends Error {
  override readonly name = 'AvroError'
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])

/** Parses an Avro schema given as JSON text or as its parsed JSON. */
export function parseAvroSchema(schema: string | unknown): AvroType {
  let json: unknown = schema
  if (typeof schema === 'string') {
    try {
      json = JSON.parse(schema)
    } catch {
      json = schema // a bare primitive name such as `int`
    }
  }
  return parseNode(json, new Map(), undefined)
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined || namespace === '' ? name : `${namespace}.${name}`
}

function parseNode(j: unknown, named: Map<string, AvroType>, ns: string | undefined): AvroType {
  if (typeof j === 'string') {
    if (PRIMITIVES.has(j)) return { type: j as 'int' }
    const t = named.get(fullName(j, ns)) ?? named.get(j)
    if (t === undefined) throw new AvroError(`Undefined name: "${j}"`)
    return t
  }
  if (Array.isArray(j)) return { type: 'union', branches: j.map((b) => parseNode(b, named, ns)) }
  if (typeof j !== 'object' || j === null) throw new AvroError(`Not a schema: ${JSON.stringify(j)}`)
  const o = j as Record<string, unknown>
  const type = o.type
  if (typeof type !== 'string') {
    if (type !== undefined) return parseNode(type, named, ns)
    throw new AvroError(`No type: ${JSON.stringify(j)}`)
  }
  const logicalType = typeof o.logicalType === 'string' ? o.logicalType : undefined
  const num = (k: string): number | undefined => (typeof o[k] === 'number' ? (o[k] as number) : undefined)
  if (PRIMITIVES.has(type)) {
    const props: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o)) if (k !== 'type') props[k] = v
    const precision = num('precision')
    const scale = num('scale')
    return {
      type: type as 'int',
      ...(logicalType !== undefined ? { logicalType } : {}),
      ...(precision !== undefined ? { precision } : {}),
      ...(scale !== undefined ? { scale } : {}),
      props,
    }
  }
  const space = typeof o.namespace === 'string' ? o.namespace : ns
  switch (type) {
    case 'record':
    case 'error': {
      const name = fullName(String(o.name), space)
      const rec: AvroRecord = { type: 'record', name, fields: [] }
      named.set(name, rec)
      const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : space
      const fields = Array.isArray(o.fields) ? (o.fields as Record<string, unknown>[]) : []
      rec.fields = fields.map((f) => ({
        name: String(f.name),
        type: parseNode(f.type, named, inner),
        ...('default' in f ? { default: f.default } : {}),
      }))
      return rec
    }
    case 'enum': {
      const name = fullName(String(o.name), space)
      const t: AvroType = { type: 'enum', name, symbols: (o.symbols as string[]) ?? [] }
      named.set(name, t)
      return t
    }
    case 'fixed': {
      const name = fullName(String(o.name), space)
      const precision = num('precision')
      const scale = num('scale')
      const t: AvroType = {
        type: 'fixed',
        name,
        size: Number(o.size),
        ...(logicalType !== undefined ? { logicalType } : {}),
        ...(precision !== undefined ? { precision } : {}),
        ...(scale !== undefined ? { scale } : {}),
      }
      named.set(name, t)
      return t
    }
    case 'array':
      return { type: 'array', items: parseNode(o.items, named, space) }
    case 'map':
      return { type: 'map', values: parseNode(o.values, named, space) }
    default:
      return parseNode(type, named, space)
  }
}

// ---- binary encoding ----

class Writer {
  buf = new Uint8Array(64)
  pos = 0
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }
  byte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }
  /** zig-zag varint of a 64-bit value. */
  long(v: bigint): void {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    while (n >= 0x80n) {
      this.byte(Number(n & 0x7fn) | 0x80)
      n >>= 7n
    }
    this.byte(Number(n))
  }
  int(v: number): void {
    let n = ((v << 1) ^ (v >> 31)) >>> 0
    while (n >= 0x80) {
      this.byte((n & 0x7f) | 0x80)
      n >>>= 7
    }
    this.byte(n)
  }
  float(v: number): void {
    this.ensure(4)
    new DataView(this.buf.buffer).setFloat32(this.pos, v, true)
    this.pos += 4
  }
  double(v: number): void {
    this.ensure(8)
    new DataView(this.buf.buffer).setFloat64(this.pos, v, true)
    this.pos += 8
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }
}

const utf8 = new TextEncoder()
const utf8d = new TextDecoder()

function isRecordValue(v: AvroValue): v is { readonly [field: string]: AvroValue } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Map)
  )
}

/** Whether a generic value fits a schema without conversion (picks a union's branch). */
function fits(t: AvroType, v: AvroValue): boolean {
  switch (t.type) {
    case 'null':
      return v === null
    case 'boolean':
      return typeof v === 'boolean'
    case 'int':
      return typeof v === 'number' && Number.isInteger(v)
    case 'long':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))
    case 'float':
    case 'double':
      return typeof v === 'number'
    case 'bytes':
    case 'fixed':
      return v instanceof Uint8Array
    case 'string':
    case 'enum':
      return typeof v === 'string'
    case 'array':
      return Array.isArray(v)
    case 'map':
      return v instanceof Map
    case 'record':
      return isRecordValue(v)
    case 'union':
      return t.branches.some((b) => fits(b, v))
  }
}

/** The index of the union branch a value is written with. */
export function unionBranch(t: { readonly branches: readonly AvroType[] }, v: AvroValue): number {
  const i = t.branches.findIndex((b) => fits(b, v))
  if (i < 0) throw new AvroError(`Not in union ${t.branches.map((b) => b.type).join(',')}: ${String(v)}`)
  return i
}

function write(w: Writer, t: AvroType, v: AvroValue): void {
  switch (t.type) {
    case 'null':
      if (v !== null) throw new AvroError(`Expected null, got ${String(v)}`)
      return
    case 'boolean':
      if (typeof v !== 'boolean') throw new AvroError(`Expected boolean, got ${String(v)}`)
      w.byte(v ? 1 : 0)
      return
    case 'int':
      if (typeof v !== 'number') throw new AvroError(`Expected int, got ${String(v)}`)
      w.int(v)
      return
    case 'long':
      if (typeof v === 'bigint') w.long(v)
      else if (typeof v === 'number') w.long(BigInt(Math.trunc(v)))
      else throw new AvroError(`Expected long, got ${String(v)}`)
      return
    case 'float':
    case 'double':
      if (typeof v !== 'number') throw new AvroError(`Expected ${t.type}, got ${String(v)}`)
      if (t.type === 'float') w.float(v)
      else w.double(v)
      return
    case 'bytes':
      if (!(v instanceof Uint8Array)) throw new AvroError('Expected bytes')
      w.long(BigInt(v.length))
      w.bytes(v)
      return
    case 'fixed':
      if (!(v instanceof Uint8Array) || v.length !== t.size) throw new AvroError(`Expected fixed(${t.size})`)
      w.bytes(v)
      return
    case 'string': {
      if (typeof v !== 'string') throw new AvroError(`Expected string, got ${String(v)}`)
      const b = utf8.encode(v)
      w.long(BigInt(b.length))
      w.bytes(b)
      return
    }
    case 'enum': {
      const i = typeof v === 'string' ? t.symbols.indexOf(v) : -1
      if (i < 0) throw new AvroError(`Not an enum symbol: ${String(v)}`)
      w.int(i)
      return
    }
    case 'array': {
      if (!Array.isArray(v)) throw new AvroError('Expected array')
      const items = v as readonly AvroValue[]
      if (items.length > 0) {
        w.long(BigInt(items.length))
        for (const x of items) write(w, t.items, x)
      }
      w.byte(0)
      return
    }
    case 'map': {
      if (!(v instanceof Map)) throw new AvroError('Expected map')
      const m = v as ReadonlyMap<string, AvroValue>
      if (m.size > 0) {
        w.long(BigInt(m.size))
        for (const [k, x] of m) {
          write(w, { type: 'string' }, k)
          write(w, t.values, x)
        }
      }
      w.byte(0)
      return
    }
    case 'record': {
      if (!isRecordValue(v)) throw new AvroError(`Expected record ${t.name}`)
      for (const f of t.fields) {
        const x = f.name in v ? (v[f.name] as AvroValue) : ((f.default as AvroValue | undefined) ?? null)
        write(w, f.type, x)
      }
      return
    }
    case 'union': {
      const i = unionBranch(t, v)
      w.int(i)
      write(w, t.branches[i]!, v)
      return
    }
  }
}

/** The Avro binary encoding of a generic value. */
export function encodeAvro(t: AvroType, v: AvroValue): Uint8Array {
  const w = new Writer()
  write(w, t, v)
  return w.result()
}

class Reader {
  pos = 0
  readonly view: DataView
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new AvroError('Unexpected end of Avro data')
    return this.buf[this.pos++]!
  }
  long(): bigint {
    let n = 0n
    let shift = 0n
    for (;;) {
      const b = this.byte()
      n |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) break
      shift += 7n
      if (shift > 63n) throw new AvroError('Invalid long encoding')
    }
    return BigInt.asIntN(64, (n >> 1n) ^ -(n & 1n))
  }
  int(): number {
    return Number(BigInt.asIntN(32, this.long()))
  }
  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new AvroError('Unexpected end of Avro data')
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n))
    this.pos += n
    return b
  }
  /** A block count; a negative count is followed by the block's byte size. */
  count(): number {
    let n = Number(this.long())
    if (n < 0) {
      this.long()
      n = -n
    }
    return n
  }
}

function read(r: Reader, t: AvroType): AvroValue {
  switch (t.type) {
    case 'null':
      return null
    case 'boolean':
      return r.byte() !== 0
    case 'int':
      return r.int()
    case 'long':
      return r.long()
    case 'float': {
      const v = r.view.getFloat32(r.pos, true)
      r.take(4)
      return v
    }
    case 'double': {
      const v = r.view.getFloat64(r.pos, true)
      r.take(8)
      return v
    }
    case 'bytes':
      return r.take(Number(r.long()))
    case 'fixed':
      return r.take(t.size)
    case 'string':
      return utf8d.decode(r.take(Number(r.long())))
    case 'enum': {
      const i = r.int()
      const s = t.symbols[i]
      if (s === undefined) throw new AvroError(`Invalid enum index ${i}`)
      return s
    }
    case 'array': {
      const out: AvroValue[] = []
      for (let n = r.count(); n !== 0; n = r.count()) for (let i = 0; i < n; i++) out.push(read(r, t.items))
      return out
    }
    case 'map': {
      const out = new Map<string, AvroValue>()
      for (let n = r.count(); n !== 0; n = r.count()) {
        for (let i = 0; i < n; i++) {
          const k = utf8d.decode(r.take(Number(r.long())))
          out.set(k, read(r, t.values))
        }
      }
      return out
    }
    case 'record': {
      const out: Record<string, AvroValue> = {}
      for (const f of t.fields) out[f.name] = read(r, f.type)
      return out
    }
    case 'union': {
      const i = r.int()
      const b = t.branches[i]
      if (b === undefined) throw new AvroError(`Invalid union index ${i}`)
      return read(r, b)
    }
  }
}

/** Decodes Avro binary data written with schema `t`. */
export function decodeAvro(t: AvroType, bytes: Uint8Array): AvroValue {
  const r = new Reader(bytes)
  return read(r, t)
}

/** The non-null branch of a `["null", X]` union (or the type itself). */
export function nonNull(t: AvroType): AvroType {
  if (t.type !== 'union') return t
  const rest = t.branches.filter((b) => b.type !== 'null')
  return rest.length === 1 ? rest[0]! : t
}

/** Big-endian two's complement bytes of an unscaled decimal (Java's BigInteger.toByteArray). */
export function decimalBytes(unscaled: bigint): Uint8Array {
  const out: number[] = []
  let v = unscaled
  for (;;) {
    out.unshift(Number(BigInt.asUintN(8, v)))
    const next = v >> 8n
    const signBit = (out[0]! & 0x80) !== 0
    if ((next === 0n && !signBit) || (next === -1n && signBit)) break
    v = next
  }
  return Uint8Array.from(out)
}

/** The unscaled value of big-endian two's complement bytes. */
export function bytesDecimal(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return BigInt.asIntN(bytes.length * 8, v)
}
