/**
 * ksqlDB's PROTOBUF format (with a schema registry): the PROTOBUF_NOSR encoding of the row in
 * Confluent's wire format: magic byte 0, the schema id (big-endian int32), the message indexes
 * (`0` for a file's first message), then the message.
 *
 * Writing: with KEY_/VALUE_SCHEMA_ID, the registered schema's message (columns matched to its
 * fields by name); else the schema derived from the columns (`protobuf-schema.ts`), registered
 * under `<topic>-key` / `<topic>-value` as ksqlDB does. Reading: the schema the record's id names,
 * its fields matched to the columns by name (as written, then case-insensitively).
 */
import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'
import { type RowSerde, SerdeError, type SerdeOptions } from './common.js'
import { decodeProtobuf, encodeProtobuf } from './protobuf.js'
import {
  parseProtoSchema,
  protoMessageAt,
  readMessageIndexes,
  writeMessageIndexes,
} from './protobuf-parse.js'
import {
  type NullableRepresentation,
  type ProtoMessage,
  type ProtoRoot,
  protoRoot,
  protoSchemaText,
} from './protobuf-schema.js'
import {
  readWirePrefix,
  resolveReferences,
  type SchemaRegistry,
  subjectName,
  writeWirePrefix,
} from './schema-registry.js'

export interface ProtobufSrOptions extends SerdeOptions {
  readonly registry: SchemaRegistry
  readonly topic: string
  readonly schemaId?: number
  readonly schemaFullName?: string
  readonly nullable?: NullableRepresentation
}

/** The schema text ksqlDB registers for these columns (ProtobufSchemaTranslator). */
export function ksqlProtobufSchema(
  columns: readonly Column[],
  unwrapped: boolean,
  nullable: NullableRepresentation = 'DEFAULT',
): string {
  return protoSchemaText(protoRoot(columns, unwrapped, nullable))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * A value read with a registered schema, for a column of another type (ConnectDataTranslator):
 * numeric widening and narrowing, struct fields matched by name (as written, then
 * case-insensitively), recursively.
 */
function coerce(v: Value, t: Type): Value {
  if (v === null) return null
  switch (t.kind) {
    case 'INTEGER':
      return typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v
    case 'BIGINT':
      return typeof v === 'number' ? BigInt(Math.trunc(v)) : v
    case 'DOUBLE':
      return typeof v === 'bigint' ? Number(v) : v
    case 'ARRAY':
      return Array.isArray(v) ? (v as readonly Value[]).map((e) => coerce(e, t.element)) : v
    case 'MAP': {
      if (!(v instanceof Map)) return v
      const out = new Map<Value, Value>()
      for (const [k, x] of v as ReadonlyMap<Value, Value>) out.set(k, coerce(x, t.value))
      return out
    }
    case 'STRUCT': {
      if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Map) return v
      const src = v as Struct
      const names = Object.keys(src)
      const out: Record<string, Value> = {}
      for (const f of t.fields) {
        const name = f.name in src ? f.name : names.find((n) => n.toUpperCase() === f.name.toUpperCase())
        out[f.name] = name === undefined ? null : coerce(src[name] ?? null, f.type)
      }
      return out
    }
    default:
      return v
  }
}

/** Where each column's value is among a message's fields (by name, then case-insensitively). */
function fieldPositions(columns: readonly Column[], m: ProtoMessage): number[] {
  return columns.map((c) => {
    const exact = m.fields.findIndex((f) => f.name === c.name)
    if (exact >= 0) return exact
    return m.fields.findIndex((f) => f.name.toUpperCase() === c.name.toUpperCase())
  })
}

export function createProtobufSrSerde(columns: readonly Column[], options: ProtobufSrOptions): RowSerde {
  const { registry, topic } = options
  // PROTOBUF has no UNWRAP_SINGLES: a single key or value is a message unless told otherwise.
  const unwrapped = columns.length === 1 && options.wrapSingle === false
  const nullable = options.nullable ?? 'DEFAULT'
  const side = options.isKey ? 'key' : 'value'
  if (columns.length === 0) {
    return { serialize: () => null, deserialize: (bytes) => (bytes === null ? null : []) }
  }
  let derived: ProtoRoot
  try {
    derived = protoRoot(columns, unwrapped, nullable)
  } catch (e) {
    if (e instanceof SerdeError && e.message.startsWith('PROTOBUF format only supports MAP')) throw e
    // As ProtobufData: shapes it cannot write fail each record, not the query.
    const fail = (): never => {
      throw e instanceof SerdeError ? e : new SerdeError(String(e))
    }
    return {
      serialize: (values) => (values === null ? null : fail()),
      deserialize: (b) => (b === null ? null : fail()),
    }
  }
  const derivedText = protoSchemaText(derived)

  interface Writer {
    readonly prefix: (body: Uint8Array) => Uint8Array
    readonly encode: (values: readonly Value[]) => Uint8Array
  }
  let writer: Writer | undefined
  const writerOf = (): Writer => {
    if (writer !== undefined) return writer
    if (options.schemaId !== undefined) {
      const id = options.schemaId
      const s = registry.byId(id)
      if (s === undefined) throw new SerdeError(`Schema not found; error code: 40403 (id ${id})`)
      const parsed = parseProtoSchema(s.schema, options.schemaFullName, resolveReferences(registry, s))
      const positions = parsed.message.fields.map((f) => {
        const i = columns.findIndex((c) => c.name === f.name)
        return i >= 0 ? i : columns.findIndex((c) => c.name.toUpperCase() === f.name.toUpperCase())
      })
      const indexes = writeMessageIndexes(parsed.indexes)
      const root = { kind: 'message', message: parsed.message } as const
      writer = {
        prefix: (body) => writeWirePrefix(id, concat(indexes, body)),
        encode: (values) =>
          encodeProtobuf(
            root,
            positions.map((i, k) =>
              i < 0 ? null : coerce(values[i] ?? null, parsed.message.fields[k]!.sqlType),
            ),
          ),
      }
    } else {
      const id = registry.register(subjectName(topic, options.isKey), {
        schemaType: 'PROTOBUF',
        schema: derivedText,
      })
      const indexes = writeMessageIndexes([0])
      writer = {
        prefix: (body) => writeWirePrefix(id, concat(indexes, body)),
        encode: (values) => encodeProtobuf(derived, values),
      }
    }
    return writer
  }

  const readers = new Map<string, (body: Uint8Array) => Value[]>()
  const readerOf = (id: number, indexes: readonly number[]): ((body: Uint8Array) => Value[]) => {
    const key = `${id}:${indexes.join('.')}`
    let read = readers.get(key)
    if (read !== undefined) return read
    const s = registry.byId(id)
    if (s === undefined) throw new SerdeError(`Schema not found; error code: 40403 (id ${id})`)
    if (s.schema.trim() === derivedText.trim() && indexes.length === 1 && indexes[0] === 0) {
      read = (body) => decodeProtobuf(derived, body)
    } else {
      const message = protoMessageAt(s.schema, indexes, resolveReferences(registry, s))
      const root = { kind: 'message', message } as const
      const positions =
        columns.length === 1 && message.fields.length === 1 && unwrapped
          ? [0]
          : fieldPositions(columns, message)
      read = (body) => {
        const fields = decodeProtobuf(root, body)
        return columns.map((c, i) => {
          const p = positions[i]!
          return p < 0 ? null : coerce(fields[p] ?? null, c.type)
        })
      }
    }
    readers.set(key, read)
    return read
  }

  return {
    serialize(values) {
      if (values === null) return null
      const w = writerOf()
      try {
        return w.prefix(w.encode(values))
      } catch (e) {
        throw new SerdeError(
          `Error serializing message to topic: ${topic}. ${e instanceof Error ? e.message : String(e)}`,
        )
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null
      try {
        const { id, body } = readWirePrefix(bytes)
        const { indexes, offset } = readMessageIndexes(body)
        return readerOf(id, indexes)(body.subarray(offset))
      } catch (e) {
        throw new SerdeError(
          `Failed to deserialize ${side} from topic: ${topic}. ${e instanceof Error ? e.message : String(e)}`,
        )
      }
    },
  }
}
