/**
 * ksqlDB's JSON_SR format: JSON (as the JSON format reads and writes it) behind Confluent's wire
 * prefix (magic byte 0 + 4-byte schema id), with a JSON Schema registered for the topic (ksqlDB's
 * JsonSchemaTranslator over Connect's JsonSchemaData), and schema inference from such a schema.
 */
import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import { type RowSerde, SerdeError } from './common.js'
import { createJsonSerde } from './json.js'
import { type RegistrySerdeOptions, isUnwrapped } from './avro/ksql-avro.js'
import { readWirePrefix, subjectName, writeWirePrefix } from './schema-registry.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function optional(t: Json, index?: number): Json {
  return { ...(index !== undefined ? { 'connect.index': index } : {}), oneOf: [{ type: 'null' }, t] }
}

/** The JSON Schema of a SQL type, as Connect's JsonSchemaData writes it. */
export function jsonSchemaOf(t: Type): Json {
  switch (t.kind) {
    case 'BOOLEAN':
      return { type: 'boolean' }
    case 'INTEGER':
      return { type: 'integer', 'connect.type': 'int32' }
    case 'BIGINT':
      return { type: 'integer', 'connect.type': 'int64' }
    case 'DOUBLE':
      return { type: 'number', 'connect.type': 'float64' }
    case 'STRING':
      return { type: 'string' }
    case 'BYTES':
      return { type: 'string', 'connect.type': 'bytes' }
    case 'DATE':
      return {
        type: 'integer',
        title: 'org.apache.kafka.connect.data.Date',
        'connect.version': 1,
        'connect.type': 'int32',
      }
    case 'TIME':
      return {
        type: 'integer',
        title: 'org.apache.kafka.connect.data.Time',
        'connect.version': 1,
        'connect.type': 'int32',
      }
    case 'TIMESTAMP':
      return {
        type: 'integer',
        title: 'org.apache.kafka.connect.data.Timestamp',
        'connect.version': 1,
        'connect.type': 'int64',
      }
    case 'DECIMAL':
      return {
        type: 'number',
        title: 'org.apache.kafka.connect.data.Decimal',
        'connect.version': 1,
        'connect.type': 'bytes',
        'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) },
      }
    case 'ARRAY':
      return { type: 'array', items: optional(jsonSchemaOf(t.element)) }
    case 'MAP':
      if (t.key.kind === 'STRING')
        return {
          type: 'object',
          additionalProperties: optional(jsonSchemaOf(t.value)),
          'connect.type': 'map',
        }
      return {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: optional(jsonSchemaOf(t.key), 0),
            value: optional(jsonSchemaOf(t.value), 1),
          },
        },
        'connect.type': 'map',
      }
    case 'STRUCT':
      return {
        type: 'object',
        properties: Object.fromEntries(t.fields.map((f, i) => [f.name, optional(jsonSchemaOf(f.type), i)])),
      }
  }
}

/** The JSON Schema ksqlDB registers for a key or value. */
export function ksqlJsonSchema(columns: readonly Column[], unwrapped: boolean): Json {
  if (unwrapped && columns.length === 1) return optional(jsonSchemaOf(columns[0]!.type))
  return {
    type: 'object',
    properties: Object.fromEntries(columns.map((c, i) => [c.name, optional(jsonSchemaOf(c.type), i)])),
  }
}

type Obj = { readonly [k: string]: unknown }

function nonNullSchema(s: Obj): Obj {
  const alts = (s.oneOf ?? s.anyOf) as Obj[] | undefined
  if (Array.isArray(alts)) {
    const rest = alts.filter((a) => a.type !== 'null')
    if (rest.length === 1) return nonNullSchema(rest[0]!)
    throw new SerdeError('Unsupported JSON schema: only oneOf [null, T] is supported')
  }
  if (Array.isArray(s.type)) {
    const rest = (s.type as string[]).filter((x) => x !== 'null')
    if (rest.length === 1) return { ...s, type: rest[0] }
  }
  return s
}

/** The SQL type of a JSON Schema (Connect's JsonSchemaData, then ksqlDB's translation). */
export function jsonSchemaToSqlType(schema: Obj, upper: boolean): Type {
  const s = nonNullSchema(schema)
  const connectType = s['connect.type']
  const title = s.title
  switch (s.type) {
    case 'boolean':
      return { kind: 'BOOLEAN' }
    case 'integer':
      if (title === 'org.apache.kafka.connect.data.Date') return { kind: 'DATE' }
      if (title === 'org.apache.kafka.connect.data.Time') return { kind: 'TIME' }
      if (title === 'org.apache.kafka.connect.data.Timestamp') return { kind: 'TIMESTAMP' }
      return connectType === 'int32' || connectType === 'int16' || connectType === 'int8'
        ? { kind: 'INTEGER' }
        : { kind: 'BIGINT' }
    case 'number': {
      if (title === 'org.apache.kafka.connect.data.Decimal') {
        const p = (s['connect.parameters'] ?? {}) as Obj
        return {
          kind: 'DECIMAL',
          precision: Number(p['connect.decimal.precision'] ?? 64),
          scale: Number(p.scale ?? 0),
        }
      }
      return { kind: 'DOUBLE' }
    }
    case 'string':
      return connectType === 'bytes' ? { kind: 'BYTES' } : { kind: 'STRING' }
    case 'array': {
      const items = nonNullSchema((s.items ?? {}) as Obj)
      if (connectType === 'map' && items.type === 'object') {
        const props = (items.properties ?? {}) as Obj
        return {
          kind: 'MAP',
          key: jsonSchemaToSqlType((props.key ?? {}) as Obj, upper),
          value: jsonSchemaToSqlType((props.value ?? {}) as Obj, upper),
        }
      }
      return { kind: 'ARRAY', element: jsonSchemaToSqlType(items, upper) }
    }
    case 'object': {
      if (s.properties === undefined && typeof s.additionalProperties === 'object') {
        return {
          kind: 'MAP',
          key: { kind: 'STRING' },
          value: jsonSchemaToSqlType(s.additionalProperties as Obj, upper),
        }
      }
      const props = (s.properties ?? {}) as Obj
      return {
        kind: 'STRUCT',
        fields: Object.entries(props).map(([name, p]) => ({
          name: upper ? name.toUpperCase() : name,
          type: jsonSchemaToSqlType(p as Obj, upper),
        })),
      }
    }
    default:
      throw new SerdeError(`Unsupported JSON schema type: ${JSON.stringify(s.type)}`)
  }
}

/** The columns of a registered JSON Schema (see avroColumns). */
export function jsonSchemaColumns(
  schema: string,
  isKey: boolean,
  upper: boolean,
  /** WRAP_SINGLE_VALUE=false (UNWRAP_SINGLES): the whole value is one ROWVAL column. */
  unwrapped = false,
): Column[] {
  const s = nonNullSchema(JSON.parse(schema) as Obj)
  const namespace = isKey ? 'KEY' : 'VALUE'
  if (s.type === 'object' && s.properties !== undefined && !isKey && !unwrapped) {
    return Object.entries(s.properties as Obj).map(([name, p]) => ({
      name: upper ? name.toUpperCase() : name,
      type: jsonSchemaToSqlType(p as Obj, upper),
      namespace,
    }))
  }
  return [{ name: isKey ? 'ROWKEY' : 'ROWVAL', type: jsonSchemaToSqlType(s, upper), namespace }]
}

/** The JSON_SR row serde: the JSON serde's bytes behind the wire prefix. */
export function createJsonSrSerde(columns: readonly Column[], options: RegistrySerdeOptions): RowSerde {
  const unwrapped = isUnwrapped(columns, options)
  const json = createJsonSerde(columns, {
    isKey: options.isKey,
    ...(options.wrapSingle !== undefined ? { wrapSingle: options.wrapSingle } : {}),
    topic: options.topic,
  })
  let id: number | undefined
  const schemaId = (): number => {
    if (id !== undefined) return id
    id =
      options.schemaId ??
      options.registry.register(subjectName(options.topic, options.isKey), {
        schemaType: 'JSON',
        schema: JSON.stringify(ksqlJsonSchema(columns, unwrapped)),
      })
    return id
  }
  // Written with a given schema (KEY_/VALUE_SCHEMA_ID): its properties the columns do not have
  // are written null, as the JSON_SR serializer converts the row to that schema.
  let extra: Uint8Array | undefined
  if (options.schemaId !== undefined && !unwrapped) {
    const names = extraProperties(options.registry.byId(options.schemaId)?.schema, columns)
    if (names.length > 0)
      extra = new TextEncoder().encode(names.map((n) => `${JSON.stringify(n)}:null`).join(','))
  }
  return {
    serialize(values) {
      let body = json.serialize(values)
      if (body !== null && extra !== undefined) body = appendProperties(body, extra)
      return body === null ? null : writeWirePrefix(schemaId(), body)
    },
    deserialize(bytes) {
      if (bytes === null) return null
      let body: Uint8Array
      try {
        body = readWirePrefix(bytes).body
      } catch (e) {
        throw new SerdeError(
          `Failed to deserialize ${options.isKey ? 'key' : 'value'} from topic: ${options.topic}. ${e instanceof Error ? e.message : String(e)}`,
        )
      }
      return json.deserialize(body)
    },
  }
}

/** The top-level properties of a JSON schema (an object) that no column is named. */
function extraProperties(schemaText: string | undefined, columns: readonly Column[]): string[] {
  if (schemaText === undefined) return []
  let schema: unknown
  try {
    schema = JSON.parse(schemaText)
  } catch {
    return []
  }
  const props = (schema as { properties?: unknown } | null)?.properties
  if (typeof props !== 'object' || props === null) return []
  const have = new Set(columns.map((c) => c.name))
  return Object.keys(props).filter((n) => !have.has(n))
}

/** `{...}` with `extra` (`"a":null,...`) added before its closing brace. */
function appendProperties(body: Uint8Array, extra: Uint8Array): Uint8Array {
  let end = body.length - 1
  while (end > 0 && body[end] !== 0x7d) end--
  if (body[end] !== 0x7d) return body
  let last = end - 1
  while (last >= 0 && (body[last] === 0x20 || body[last] === 0x0a)) last--
  const empty = body[last] === 0x7b
  const out = new Uint8Array(end + (empty ? 0 : 1) + extra.length + (body.length - end))
  out.set(body.subarray(0, end), 0)
  let at = end
  if (!empty) out[at++] = 0x2c
  out.set(extra, at)
  out.set(body.subarray(end), at + extra.length)
  return out
}
