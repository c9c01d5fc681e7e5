/**
 * How ksqlDB's test runner writes and reads records of the schema-registry formats (AVRO, JSON_SR):
 * a test record's key or value is converted with the subject's latest registered schema and
 * written in Confluent's wire format (ConnectSerdeSupplier / SpecToConnectConverter); output bytes
 * are read with the schema their id names.
 */
import type { FormatSpec } from '../catalog/source.js'
import {
  type AvroType,
  type AvroValue,
  bytesDecimal,
  decimalBytes,
  decodeAvro,
  encodeAvro,
  parseAvroSchema,
} from '../serde/avro/avro.js'
import { base64Decode, decodeUtf8, encodeUtf8, ensureFit, SerdeError } from '../serde/common.js'
import { REGISTRY_SERDE_FORMATS, schemaFor } from '../serde/registry-formats.js'
import {
  MemorySchemaRegistry,
  readWirePrefix,
  type SchemaRegistry,
  type SchemaText,
  type SchemaType,
  resolveReferences,
  subjectName,
  writeWirePrefix,
} from '../serde/schema-registry.js'
import { parseStatements } from '../../grammar/parse.js'
import type { Literal } from '../ast/expressions.js'
import { Decimal } from '../types/decimal.js'
import { javaHashMapOrder } from '../types/java-hash-order.js'
import type { Column } from '../types/schema.js'
import { resolveType } from '../types/type.js'
import type { SchemaReference as SchemaReferenceNode, TestVariant, TopicNode } from './types.js'
import { JsonDecimal, type JsonObject, type JsonValue, parseJsonc } from './jsonc.js'
import { decodeProtobufRegistrySpec, encodeProtobufRegistrySpec } from './protobuf-codec.js'
import { jsonValueText } from './record-codec.js'

export function isRegistrySerdeFormat(format: FormatSpec): boolean {
  return REGISTRY_SERDE_FORMATS.includes(format.format.toUpperCase())
}

function specText(v: JsonValue): string {
  if (typeof v === 'string') return v
  if (v instanceof JsonDecimal) return v.text
  return jsonValueText(v)
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
}

/** SpecToConnectConverter.specToConnect, straight to a generic Avro value. */
export function specToAvro(spec: JsonValue, a: AvroType): AvroValue {
  if (a.type === 'union') {
    if (spec === null) return null
    const rest = a.branches.filter((b) => b.type !== 'null')
    const pick =
      rest.length === 1
        ? rest[0]!
        : (rest.find((b) =>
            typeof spec === 'string'
              ? b.type === 'string'
              : typeof spec === 'boolean'
                ? b.type === 'boolean'
                : Array.isArray(spec)
                  ? b.type === 'array'
                  : isObject(spec)
                    ? b.type === 'record' || b.type === 'map'
                    : ['int', 'long', 'float', 'double'].includes(b.type),
          ) ?? rest[0]!)
    return specToAvro(spec, pick)
  }
  if (spec === null) return null
  switch (a.type) {
    case 'null':
      return null
    case 'int':
      return Number.parseInt(specText(spec), 10) | 0
    case 'long':
      return BigInt(specText(spec).replace(/\.0*$/, ''))
    case 'float':
    case 'double':
      return Number(specText(spec))
    case 'boolean':
      return specText(spec).toLowerCase() === 'true'
    case 'string':
    case 'enum':
      return specText(spec)
    case 'bytes':
    case 'fixed':
      if (a.logicalType === 'decimal') {
        const d = Decimal.parse(specText(spec))
        return decimalBytes(ensureFit(d, a.precision ?? 64, a.scale ?? 0).unscaled)
      }
      return typeof spec === 'string' ? base64Decode(spec) : encodeUtf8(specText(spec))
    case 'array':
      if (!Array.isArray(spec)) throw new SerdeError(`Expected an array: ${jsonValueText(spec)}`)
      return (spec as readonly JsonValue[]).map((x) => specToAvro(x, a.items))
    case 'map': {
      if (!isObject(spec)) throw new SerdeError(`Expected an object: ${jsonValueText(spec)}`)
      const out = new Map<string, AvroValue>()
      for (const [k, x] of Object.entries(spec)) out.set(k, specToAvro(x, a.values))
      return out
    }
    case 'record': {
      if (!isObject(spec)) throw new SerdeError(`Expected an object: ${jsonValueText(spec)}`)
      const byUpper = new Map(Object.keys(spec).map((k) => [k.toUpperCase(), k]))
      const out: Record<string, AvroValue> = {}
      for (const f of a.fields) {
        const k = byUpper.get(f.name.toUpperCase())
        out[f.name] =
          k !== undefined
            ? specToAvro(spec[k] ?? null, f.type)
            : ((f.default as AvroValue | undefined) ?? null)
      }
      return out
    }
  }
}

/** SpecToConnectConverter.connectToSpec of a generic Avro value. */
export function avroToSpec(v: AvroValue, a: AvroType): JsonValue {
  if (v === null) return null
  if (a.type === 'union') {
    const rest = a.branches.filter((b) => b.type !== 'null')
    const branch =
      rest.length === 1
        ? rest[0]!
        : (rest.find((b) =>
            typeof v === 'string'
              ? b.type === 'string' || b.type === 'enum'
              : typeof v === 'bigint'
                ? b.type === 'long'
                : typeof v === 'number'
                  ? ['int', 'float', 'double'].includes(b.type)
                  : typeof v === 'boolean'
                    ? b.type === 'boolean'
                    : v instanceof Uint8Array
                      ? b.type === 'bytes' || b.type === 'fixed'
                      : Array.isArray(v)
                        ? b.type === 'array'
                        : v instanceof Map
                          ? b.type === 'map'
                          : b.type === 'record',
          ) ?? rest[0]!)
    return avroToSpec(v, branch)
  }
  switch (a.type) {
    case 'long': {
      const n = Number(v as bigint)
      return Number.isSafeInteger(n) ? n : (v as bigint)
    }
    case 'bytes':
    case 'fixed': {
      const b = v as Uint8Array
      if (a.logicalType === 'decimal')
        return new JsonDecimal(new Decimal(bytesDecimal(b), a.scale ?? 0).toString())
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
    }
    case 'array':
      return (v as readonly AvroValue[]).map((x) => avroToSpec(x, a.items))
    case 'map': {
      const out: Record<string, JsonValue> = {}
      for (const [k, x] of v as ReadonlyMap<string, AvroValue>) out[k] = avroToSpec(x, a.values)
      return out
    }
    case 'record': {
      const r = v as { readonly [k: string]: AvroValue }
      const out: Record<string, JsonValue> = {}
      for (const f of a.fields) out[f.name] = avroToSpec(r[f.name] ?? null, f.type)
      return out
    }
    default:
      return v as JsonValue
  }
}

/** Encodes a test record's key or value with the subject's latest schema. */
export function encodeRegistrySpec(
  value: JsonValue,
  format: FormatSpec,
  registry: SchemaRegistry,
  topic: string,
  isKey: boolean,
): Uint8Array | null {
  if (value === null) return null
  const subject = subjectName(topic, isKey)
  const latest = registry.latest(subject)
  if (latest === undefined) throw new SerdeError(`Subject '${subject}' not found.`)
  if (format.format.toUpperCase() === 'AVRO') {
    const schema = parseAvroSchema(latest.schema)
    return writeWirePrefix(latest.id, encodeAvro(schema, specToAvro(value, schema)))
  }
  if (format.format.toUpperCase() === 'PROTOBUF') {
    return encodeProtobufRegistrySpec(
      value,
      latest.schema,
      latest.id,
      format.schemaFullName,
      resolveReferences(registry, latest),
    )
  }
  return writeWirePrefix(latest.id, encodeUtf8(jsonValueText(value)))
}

/** Decodes output bytes with the schema their id names, as a value to compare with the test file. */
export function decodeRegistrySpec(
  bytes: Uint8Array | null,
  format: FormatSpec,
  registry: SchemaRegistry,
): JsonValue {
  if (bytes === null) return null
  const { id, body } = readWirePrefix(bytes)
  if (format.format.toUpperCase() === 'PROTOBUF') {
    const s = registry.byId(id)
    if (s === undefined) throw new SerdeError(`Schema not found; error code: 40403 (id ${id})`)
    return decodeProtobufRegistrySpec(body, s.schema, resolveReferences(registry, s))
  }
  if (format.format.toUpperCase() === 'AVRO') {
    const s = registry.byId(id)
    if (s === undefined) throw new SerdeError(`Schema not found; error code: 40403 (id ${id})`)
    const schema = parseAvroSchema(s.schema)
    return avroToSpec(decodeAvro(schema, body), schema)
  }
  return parseJsonc(decodeUtf8(body))
}

/**
 * The schema type of a topic node's key or value schema: its format's (a schema without a format
 * is AVRO, ksqlDB's legacy rule), PROTOBUF for proto text; undefined without a schema.
 */
export function registrySchema(t: TopicNode, isKey: boolean): SchemaType | undefined {
  const schema = isKey ? t.keySchema : t.valueSchema
  if (schema === undefined || schema === null) return undefined
  const format = (isKey ? t.keyFormat : t.valueFormat)?.trim().toUpperCase() ?? 'AVRO'
  if (format.startsWith('PROTOBUF') || (typeof schema === 'string' && /^\s*syntax\b/.test(schema)))
    return 'PROTOBUF'
  return format === 'JSON_SR' || format === 'JSON' ? 'JSON' : 'AVRO'
}

interface TopicSchemas {
  key?: { readonly schema: SchemaText; readonly id?: number }
  value?: { readonly schema: SchemaText; readonly id?: number }
}

/** The registry formats with UNWRAP_SINGLES (PROTOBUF always wraps). */
const UNWRAPPING_FORMATS: readonly string[] = ['AVRO', 'JSON_SR']

function literalText(v: Literal | undefined): string | undefined {
  return v?.kind === 'StringLiteral' ? v.value : undefined
}

/**
 * The key and value schemas ksqlDB's test builder derives from a CREATE STREAM/TABLE with columns
 * in a registry format (TestCaseBuilderUtil.createTopicFromCreateSource): the key columns in the
 * key format (a single one unwrapped), the value columns in the value format.
 */
function statementTopic(
  sql: string,
  /** ksql.persistence.wrap.single.values of the variant, if set. */
  wrapDefault?: boolean,
): { readonly name: string; readonly key?: SchemaText; readonly value?: SchemaText } | undefined {
  let parsed: ReturnType<typeof parseStatements>
  try {
    parsed = parseStatements(sql)
  } catch {
    return undefined
  }
  const stmt = parsed[0]?.statement
  if (stmt === undefined || (stmt.kind !== 'CreateStream' && stmt.kind !== 'CreateTable')) return undefined
  const prop = (n: string): string | undefined =>
    literalText(stmt.properties.find((p) => p.name.toUpperCase() === n)?.value)
  const wrapValue = stmt.properties.find((p) => p.name.toUpperCase() === 'WRAP_SINGLE_VALUE')?.value
  const wrapExplicit =
    wrapValue?.kind === 'BooleanLiteral'
      ? wrapValue.value
      : wrapValue?.kind === 'StringLiteral'
        ? wrapValue.value.trim().toLowerCase() === 'true'
        : undefined
  const name = prop('KAFKA_TOPIC')
  if (name === undefined) return undefined
  const elements = stmt.elements ?? []
  const side = (isKey: boolean): SchemaText | undefined => {
    const prefix = isKey ? 'KEY' : 'VALUE'
    const format = (prop(`${prefix}_FORMAT`) ?? prop('FORMAT'))?.toUpperCase()
    if (format === undefined || !REGISTRY_SERDE_FORMATS.includes(format)) return undefined
    try {
      const columns: Column[] = elements
        .filter((e) =>
          isKey
            ? e.constraint?.kind === 'Key' || e.constraint?.kind === 'PrimaryKey'
            : e.constraint === undefined,
        )
        .map((e) => ({ name: e.name, type: resolveType(e.type), namespace: prefix }))
      if (columns.length === 0) return undefined
      const nullable = prop(`${prefix}_PROTOBUF_NULLABLE_REPRESENTATION`)?.toUpperCase()
      const spec: FormatSpec =
        nullable === 'OPTIONAL' || nullable === 'WRAPPER'
          ? { format, nullableRepresentation: nullable }
          : { format }
      // SerdeFeaturesFactory.buildValueFeatures: a single value column is unwrapped by
      // WRAP_SINGLE_VALUE=false, else by the config's default, in a format that can unwrap
      const wrapSingle = wrapExplicit ?? wrapDefault
      const unwrap =
        !isKey && columns.length === 1 && wrapSingle === false && UNWRAPPING_FORMATS.includes(format)
      return schemaFor(spec, columns, { isKey, ...(unwrap ? { wrapSingle: false } : {}) })
    } catch {
      return undefined
    }
  }
  const key = side(true)
  const value = side(false)
  return { name, ...(key !== undefined ? { key } : {}), ...(value !== undefined ? { value } : {}) }
}

/**
 * The embedded registry of a variant as ksqlDB's test executor fills it before the statements
 * run: the schemas of topic nodes, then of CREATE statements' value columns (first mention wins),
 * registered in the iteration order of the Java HashMap holding them, key before value.
 */
export function registryFor(variant: TestVariant): MemorySchemaRegistry {
  const topics = new Map<string, TopicSchemas>()
  const referenced = new Map<string, SchemaReferenceNode>()
  for (const t of variant.case.topics) {
    if (topics.has(t.name)) continue
    const entry: TopicSchemas = {}
    for (const isKey of [true, false]) {
      const type = registrySchema(t, isKey)
      const schema = isKey ? t.keySchema : t.valueSchema
      if (type === undefined || schema === undefined) continue
      const id = isKey ? t.keySchemaId : t.valueSchemaId
      // PROTOBUF schemas are proto text in a JSON string; the others JSON.
      const text = type === 'PROTOBUF' && typeof schema === 'string' ? schema : jsonValueText(schema)
      const refs = (isKey ? t.keySchemaReferences : t.valueSchemaReferences) ?? []
      for (const r of refs) if (!referenced.has(r.name)) referenced.set(r.name, r)
      const side = {
        schema: {
          schemaType: type,
          schema: text,
          // a reference's subject is its name (SchemaReferencesNode), version 1
          ...(refs.length > 0
            ? { references: refs.map((r) => ({ name: r.name, subject: r.name, version: 1 })) }
            : {}),
        },
        ...(id !== undefined ? { id } : {}),
      }
      if (isKey) entry.key = side
      else entry.value = side
    }
    topics.set(t.name, entry)
  }
  // A statement's schemas fill in what the topic node (if any) does not give.
  const wrapProp = variant.properties['ksql.persistence.wrap.single.values']
  const wrapDefault =
    typeof wrapProp === 'boolean'
      ? wrapProp
      : typeof wrapProp === 'string' && wrapProp.trim() !== ''
        ? wrapProp.trim().toLowerCase() === 'true'
        : undefined
  for (const sql of variant.statements) {
    const t = statementTopic(sql, wrapDefault)
    if (t === undefined) continue
    const entry: TopicSchemas = topics.get(t.name) ?? {}
    if (entry.key === undefined && t.key !== undefined) entry.key = { schema: t.key }
    if (entry.value === undefined && t.value !== undefined) entry.value = { schema: t.value }
    topics.set(t.name, entry)
  }
  const registry = new MemorySchemaRegistry()
  const names = [...topics.keys()]
  for (const i of javaHashMapOrder(names, 16)) {
    const name = names[i]!
    const entry = topics.get(name)!
    if (entry.key !== undefined) registry.register(subjectName(name, true), entry.key.schema, entry.key.id)
    if (entry.value !== undefined)
      registry.register(subjectName(name, false), entry.value.schema, entry.value.id)
  }
  // The referenced schemas come with the topics' schemas in ksqlDB's test executor (resolved
  // dependencies) and take no id before them: registered last, each under its name.
  for (const r of referenced.values()) {
    const format = r.format.trim().toUpperCase()
    const schemaType: SchemaType = format.startsWith('PROTOBUF')
      ? 'PROTOBUF'
      : format === 'JSON_SR' || format === 'JSON'
        ? 'JSON'
        : 'AVRO'
    const text =
      typeof r.schema === 'string' && schemaType === 'PROTOBUF' ? r.schema : jsonValueText(r.schema)
    registry.register(r.name, { schemaType, schema: text })
  }
  return registry
}
