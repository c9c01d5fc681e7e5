/**
 * Reads registered protobuf schemas (proto2/proto3 text, as Schema Registry holds them) into the
 * message schema `protobuf.ts` reads and writes, with the SQL types ksqlDB gives their fields
 * (Confluent's ProtobufData.toConnectSchema, then ksqlDB's Connect-to-SQL rules): int32 / sint32 /
 * sfixed32 INTEGER; int64, uint32, uint64 and the other 64-bit or unsigned kinds BIGINT; float and
 * double DOUBLE; enums STRING; confluent.type.Decimal DECIMAL (precision and scale from the field's
 * `confluent.field_meta` params), google.type.Date DATE, google.type.TimeOfDay TIME,
 * google.protobuf.Timestamp TIMESTAMP, google.protobuf wrappers their primitive; other messages
 * STRUCT, maps MAP and repeated fields ARRAY. oneofs are read as plain fields.
 *
 * Also Confluent's message indexes (which message of the file a record holds) for the wire format.
 */
import type { Column, Namespace } from '../types/schema.js'
import type { Type } from '../types/type.js'
import {
  type ProtoField,
  type ProtoFieldType,
  type ProtoMessage,
  type ProtoScalar,
  wrapperScalar,
} from './protobuf-schema.js'
import { ProtoReader, ProtoWriter } from './protobuf-wire.js'

interface RawField {
  readonly label: 'repeated' | 'optional' | 'required' | undefined
  readonly type: string
  readonly mapKey?: string
  readonly mapValue?: string
  readonly name: string
  readonly number: number
  readonly options: string
}

interface RawMessage {
  readonly kind: 'message'
  readonly name: string
  readonly fullName: string
  readonly fields: RawField[]
  readonly messages: RawMessage[]
  readonly enums: RawEnum[]
}

interface RawEnum {
  readonly kind: 'enum'
  readonly fullName: string
  readonly values: [string, number][]
}

export class ProtoSchemaError extends Error {
  override readonly name = 'ProtoSchemaError'
}

// ---------------------------------------------------------------------------------------------
// Tokens and syntax

function tokenize(text: string): string[] {
  const out: string[] = []
  const re =
    /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_.][\w.]*)|(-?\d[\w.+-]*)|([{}[\]()<>=;,:])/gy
  while (re.lastIndex < text.length) {
    const m = re.exec(text)
    if (m === null) break
    const tok = m[1] ?? m[2] ?? m[3] ?? m[4]
    if (tok !== undefined) out.push(tok)
  }
  if (re.lastIndex < text.length)
    throw new ProtoSchemaError(`Unexpected character in protobuf schema at ${re.lastIndex}`)
  return out
}

class Parser {
  #pos = 0
  constructor(readonly toks: string[]) {}

  peek(): string | undefined {
    return this.toks[this.#pos]
  }
  next(): string {
    const t = this.toks[this.#pos++]
    if (t === undefined) throw new ProtoSchemaError('Unexpected end of protobuf schema')
    return t
  }
  expect(t: string): void {
    const got = this.next()
    if (got !== t) throw new ProtoSchemaError(`Expected '${t}' but found '${got}' in protobuf schema`)
  }
  /** Skips to the end of a statement (`;`) or over a balanced block. */
  skipStatement(): void {
    let depth = 0
    for (;;) {
      const t = this.next()
      if (t === '{') depth++
      else if (t === '}') {
        depth--
        if (depth === 0) return
      } else if (t === ';' && depth === 0) return
    }
  }
  /** The text of a bracketed option list `[ ... ]` (balanced), the brackets consumed. */
  options(): string {
    if (this.peek() !== '[') return ''
    let depth = 0
    const parts: string[] = []
    for (;;) {
      const t = this.next()
      if (t === '[') depth++
      else if (t === ']') {
        depth--
        if (depth === 0) return parts.join(' ')
      }
      parts.push(t)
    }
  }
}

function parseEnum(p: Parser, scope: string): RawEnum {
  const name = p.next()
  const e: RawEnum = { kind: 'enum', fullName: scope === '' ? name : `${scope}.${name}`, values: [] }
  p.expect('{')
  while (p.peek() !== '}') {
    const t = p.next()
    if (t === ';') continue
    if (t === 'option' || t === 'reserved') {
      p.skipStatement()
      continue
    }
    p.expect('=')
    const n = Number(p.next())
    p.options()
    p.expect(';')
    e.values.push([t, n])
  }
  p.expect('}')
  return e
}

function parseField(p: Parser, first: string): RawField {
  let label: RawField['label']
  let type = first
  if (first === 'repeated' || first === 'optional' || first === 'required') {
    label = first
    type = p.next()
  }
  let mapKey: string | undefined
  let mapValue: string | undefined
  if (type === 'map' && p.peek() === '<') {
    p.expect('<')
    mapKey = p.next()
    p.expect(',')
    mapValue = p.next()
    p.expect('>')
  }
  const name = p.next()
  p.expect('=')
  const number = Number(p.next())
  const options = p.options()
  p.expect(';')
  return {
    label,
    type,
    ...(mapKey !== undefined ? { mapKey } : {}),
    ...(mapValue !== undefined ? { mapValue } : {}),
    name,
    number,
    options,
  }
}

function parseMessage(p: Parser, scope: string): RawMessage {
  const name = p.next()
  const fullName = scope === '' ? name : `${scope}.${name}`
  const m: RawMessage = { kind: 'message', name, fullName, fields: [], messages: [], enums: [] }
  p.expect('{')
  parseBody(p, m)
  p.expect('}')
  return m
}

function parseBody(p: Parser, m: RawMessage): void {
  while (p.peek() !== '}') {
    const t = p.next()
    switch (t) {
      case ';':
        continue
      case 'message':
        m.messages.push(parseMessage(p, m.fullName))
        continue
      case 'enum':
        m.enums.push(parseEnum(p, m.fullName))
        continue
      case 'oneof':
        p.next()
        p.expect('{')
        parseBody(p, m)
        p.expect('}')
        continue
      case 'option':
      case 'reserved':
      case 'extensions':
      case 'extend':
        p.skipStatement()
        continue
      default:
        m.fields.push(parseField(p, t))
    }
  }
}

interface ProtoFile {
  readonly pkg: string
  readonly messages: RawMessage[]
  /** The file's own types and those of the files it imports (by full name). */
  readonly types: Map<string, RawMessage | RawEnum>
}

/**
 * The files a schema imports, by import path (a registered schema's resolved references, see
 * resolveReferences in schema-registry.ts). Imports not given (google/protobuf/*.proto, the
 * confluent types) are the well-known types Eddy reads by name.
 */
export type ProtoImports = ReadonlyMap<string, string>

function unquote(t: string): string {
  return /^["']/.test(t) ? t.slice(1, -1) : t
}

function parseFile(text: string, imports?: ProtoImports, seen: Set<string> = new Set()): ProtoFile {
  const p = new Parser(tokenize(text))
  let pkg = ''
  const file: RawMessage = { kind: 'message', name: '', fullName: '', fields: [], messages: [], enums: [] }
  const imported: ProtoFile[] = []
  while (p.peek() !== undefined) {
    const t = p.next()
    if (t === 'package') {
      pkg = p.next()
      p.expect(';')
    } else if (t === 'import') {
      let path = p.next()
      if (path === 'public' || path === 'weak') path = p.next()
      p.expect(';')
      const name = unquote(path)
      const dep = imports?.get(name)
      if (dep !== undefined && !seen.has(name)) {
        seen.add(name)
        imported.push(parseFile(dep, imports, seen))
      }
    } else if (t === 'message') file.messages.push(parseMessage(p, pkg))
    else if (t === 'enum') file.enums.push(parseEnum(p, pkg))
    else if (t === ';') continue
    else p.skipStatement()
  }
  const types = new Map<string, RawMessage | RawEnum>()
  for (const dep of imported) for (const [k, v] of dep.types) types.set(k, v)
  const index = (m: RawMessage): void => {
    types.set(m.fullName, m)
    for (const e of m.enums) types.set(e.fullName, e)
    for (const n of m.messages) index(n)
  }
  for (const e of file.enums) types.set(e.fullName, e)
  for (const m of file.messages) index(m)
  return { pkg, messages: file.messages, types }
}

// ---------------------------------------------------------------------------------------------
// Resolution

const SCALAR_NAMES: ReadonlySet<string> = new Set([
  'bool',
  'int32',
  'int64',
  'double',
  'string',
  'bytes',
  'float',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
])

const SCALAR_SQL: Record<ProtoScalar, Type> = {
  bool: { kind: 'BOOLEAN' },
  int32: { kind: 'INTEGER' },
  sint32: { kind: 'INTEGER' },
  sfixed32: { kind: 'INTEGER' },
  int64: { kind: 'BIGINT' },
  sint64: { kind: 'BIGINT' },
  sfixed64: { kind: 'BIGINT' },
  uint32: { kind: 'BIGINT' },
  uint64: { kind: 'BIGINT' },
  fixed32: { kind: 'BIGINT' },
  fixed64: { kind: 'BIGINT' },
  float: { kind: 'DOUBLE' },
  double: { kind: 'DOUBLE' },
  string: { kind: 'STRING' },
  bytes: { kind: 'BYTES' },
}

/** A `confluent.field_meta` param (`{ key: "precision", value: "6" }`, in either order). */
function optionParam(options: string, key: string): number | undefined {
  for (const group of options.match(/\{[^{}]*\}/g) ?? []) {
    const k = /key\s*:\s*"([^"]*)"/.exec(group)
    const v = /value\s*:\s*"(-?\d+)"/.exec(group)
    if (k?.[1] === key && v !== null) return Number(v[1])
  }
  return undefined
}

class Resolver {
  readonly #built = new Map<string, ProtoMessage>()
  constructor(readonly file: ProtoFile) {}

  lookup(name: string, scope: string): RawMessage | RawEnum | undefined {
    if (name.startsWith('.')) return this.file.types.get(name.slice(1))
    let s = scope
    for (;;) {
      const found = this.file.types.get(s === '' ? name : `${s}.${name}`)
      if (found !== undefined) return found
      if (s === '') return undefined
      const dot = s.lastIndexOf('.')
      s = dot < 0 ? '' : s.slice(0, dot)
    }
  }

  message(m: RawMessage, depth = 0): ProtoMessage {
    const done = this.#built.get(m.fullName)
    if (done !== undefined) return done
    if (depth > 32) throw new ProtoSchemaError(`Recursive protobuf message ${m.fullName} is not supported`)
    const fields = m.fields.map((f) => this.field(f, m.fullName, depth))
    const out: ProtoMessage = { name: m.name, fields }
    this.#built.set(m.fullName, out)
    return out
  }

  /** A field's wire type and SQL type (of the value, the element for repeated fields). */
  typeOf(type: string, options: string, scope: string, depth: number): { t: ProtoFieldType; sql: Type } {
    if (SCALAR_NAMES.has(type)) {
      const scalar = type as ProtoScalar
      return { t: { kind: 'scalar', scalar }, sql: SCALAR_SQL[scalar] }
    }
    const bare = type.startsWith('.') ? type.slice(1) : type
    switch (bare) {
      case 'confluent.type.Decimal': {
        const precision = optionParam(options, 'precision') ?? 64
        const scale = optionParam(options, 'scale') ?? 0
        return { t: { kind: 'decimal', precision, scale }, sql: { kind: 'DECIMAL', precision, scale } }
      }
      case 'google.type.Date':
        return { t: { kind: 'date' }, sql: { kind: 'DATE' } }
      case 'google.type.TimeOfDay':
        return { t: { kind: 'time' }, sql: { kind: 'TIME' } }
      case 'google.protobuf.Timestamp':
        return { t: { kind: 'timestamp' }, sql: { kind: 'TIMESTAMP' } }
    }
    const wrapped = wrapperScalar(bare)
    if (wrapped !== undefined) return { t: { kind: 'wrapper', scalar: wrapped }, sql: SCALAR_SQL[wrapped] }
    const found = this.lookup(type, scope)
    if (found === undefined) throw new ProtoSchemaError(`Unknown protobuf type: ${type}`)
    if (found.kind === 'enum') {
      return {
        t: {
          kind: 'enum',
          byNumber: new Map(found.values.map(([n, v]) => [v, n])),
          byName: new Map(found.values),
        },
        sql: { kind: 'STRING' },
      }
    }
    const message = this.message(found, depth + 1)
    return {
      t: { kind: 'message', message },
      sql: { kind: 'STRUCT', fields: message.fields.map((f) => ({ name: f.name, type: fieldSqlType(f) })) },
    }
  }

  field(f: RawField, scope: string, depth: number): ProtoField {
    if (f.mapKey !== undefined && f.mapValue !== undefined) {
      const key = this.typeOf(f.mapKey, '', scope, depth)
      const value = this.typeOf(f.mapValue, '', scope, depth)
      const entry: ProtoMessage = {
        name: `${f.name}Entry`,
        fields: [
          { name: 'key', number: 1, repeated: false, optional: false, type: key.t, sqlType: key.sql },
          { name: 'value', number: 2, repeated: false, optional: false, type: value.t, sqlType: value.sql },
        ],
      }
      return {
        name: f.name,
        number: f.number,
        repeated: true,
        optional: false,
        type: { kind: 'map', entry },
        sqlType: { kind: 'MAP', key: key.sql, value: value.sql },
      }
    }
    const { t, sql } = this.typeOf(f.type, f.options, scope, depth)
    return {
      name: f.name,
      number: f.number,
      repeated: f.label === 'repeated',
      optional: f.label === 'optional' || f.label === 'required',
      type: t,
      sqlType: sql,
    }
  }
}

/** The SQL type of a field's whole value (ARRAY for repeated fields). */
export function fieldSqlType(f: ProtoField): Type {
  if (f.type.kind === 'map') return f.sqlType
  return f.repeated ? { kind: 'ARRAY', element: f.sqlType } : f.sqlType
}

export interface ParsedProtoSchema {
  /** The message records hold: the one `fullName` names, else the file's first. */
  readonly message: ProtoMessage
  /** Confluent's message indexes of that message (`[0]` for the first). */
  readonly indexes: readonly number[]
}

/** Parses a registered schema; `fullName` picks the message (KEY_/VALUE_SCHEMA_FULL_NAME). */
export function parseProtoSchema(text: string, fullName?: string, imports?: ProtoImports): ParsedProtoSchema {
  const file = parseFile(text, imports)
  if (file.messages.length === 0) throw new ProtoSchemaError('The protobuf schema has no message')
  let raw = file.messages[0]!
  let indexes: number[] = [0]
  if (fullName !== undefined) {
    const find = (ms: readonly RawMessage[], path: number[]): [RawMessage, number[]] | undefined => {
      for (let i = 0; i < ms.length; i++) {
        const m = ms[i]!
        if (m.fullName === fullName || m.name === fullName) return [m, [...path, i]]
        const inner = find(m.messages, [...path, i])
        if (inner !== undefined) return inner
      }
      return undefined
    }
    const found = find(file.messages, [])
    if (found === undefined) throw new ProtoSchemaError(`Invalid message name: ${fullName}`)
    ;[raw, indexes] = found
  }
  return { message: new Resolver(file).message(raw), indexes }
}

/** The message Confluent's message indexes name in a registered schema. */
export function protoMessageAt(
  text: string,
  indexes: readonly number[],
  imports?: ProtoImports,
): ProtoMessage {
  const file = parseFile(text, imports)
  let list = file.messages
  let raw: RawMessage | undefined
  for (const i of indexes) {
    raw = list[i]
    if (raw === undefined) throw new ProtoSchemaError(`Invalid message indexes: [${indexes.join(', ')}]`)
    list = raw.messages
  }
  if (raw === undefined) throw new ProtoSchemaError('The protobuf schema has no message')
  return new Resolver(file).message(raw)
}

/** ksqlDB's UPPERCASE_FIELD_NAME policy: struct field names upper-cased at every level. */
function upperFields(t: Type): Type {
  switch (t.kind) {
    case 'ARRAY':
      return { kind: 'ARRAY', element: upperFields(t.element) }
    case 'MAP':
      return { kind: 'MAP', key: t.key, value: upperFields(t.value) }
    case 'STRUCT':
      return {
        kind: 'STRUCT',
        fields: t.fields.map((f) => ({ name: f.name.toUpperCase(), type: upperFields(f.type) })),
      }
    default:
      return t
  }
}

/** The columns of a registered schema's message (schema inference); names upper-cased when `upper`. */
export function protoColumns(
  text: string,
  isKey: boolean,
  upper: boolean,
  fullName?: string,
  imports?: ProtoImports,
): Column[] {
  const { message } = parseProtoSchema(text, fullName, imports)
  const namespace: Namespace = isKey ? 'KEY' : 'VALUE'
  return message.fields.map((f) => ({
    name: upper ? f.name.toUpperCase() : f.name,
    type: upper ? upperFields(fieldSqlType(f)) : fieldSqlType(f),
    namespace,
  }))
}

// ---------------------------------------------------------------------------------------------
// Message indexes (Confluent's wire format, after the schema id)

/** `[0]` as the single byte 0; else the count and each index, as zigzag varints. */
export function writeMessageIndexes(indexes: readonly number[]): Uint8Array {
  const w = new ProtoWriter(8)
  if (indexes.length === 1 && indexes[0] === 0) w.sint32(0)
  else {
    w.sint32(indexes.length)
    for (const i of indexes) w.sint32(i)
  }
  return w.finish()
}

/** The message indexes at the start of `body` and where the message starts. */
export function readMessageIndexes(body: Uint8Array): {
  readonly indexes: number[]
  readonly offset: number
} {
  const r = new ProtoReader(body)
  const n = r.sint32()
  const indexes = n === 0 ? [0] : Array.from({ length: n }, () => r.sint32())
  return { indexes, offset: r.pos }
}
