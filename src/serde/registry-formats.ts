/**
 * The schema-registry formats Eddy supports (AVRO, JSON_SR): their serdes, the schemas ksqlDB
 * registers for a source's key and value (SchemaRegisterInjector), and schema inference from a
 * registered schema (DefaultSchemaInjector / SchemaRegistryTopicSchemaSupplier), with ksqlDB's
 * messages.
 */
import type { FormatSpec, SourceDef } from '../catalog/source.js'
import { type Column, valueBodyColumns } from '../types/schema.js'
import type { Type } from '../types/type.js'
import { avroColumns, createAvroSerde, isUnwrapped, ksqlAvroSchema } from './avro/ksql-avro.js'
import { type RowSerde, SerdeError, type SerdeOptions } from './common.js'
import { createJsonSrSerde, jsonSchemaColumns, ksqlJsonSchema } from './json-sr.js'
import { protoColumns } from './protobuf-parse.js'
import { createProtobufSrSerde, ksqlProtobufSchema } from './protobuf-sr.js'
import { resolveReferences, type SchemaRegistry, type SchemaType, subjectName } from './schema-registry.js'

/** Registry formats with a serde in Eddy. */
export const REGISTRY_SERDE_FORMATS: readonly string[] = ['AVRO', 'JSON_SR', 'PROTOBUF']

/** The registry's schema type of a format. */
export function schemaTypeOf(format: string): SchemaType | undefined {
  switch (format.toUpperCase()) {
    case 'AVRO':
      return 'AVRO'
    case 'JSON_SR':
      return 'JSON'
    case 'PROTOBUF':
      return 'PROTOBUF'
    default:
      return undefined
  }
}

/** The serde of an AVRO or JSON_SR key or value (needs the registry and the topic). */
export function createRegistrySerde(
  format: FormatSpec,
  columns: readonly Column[],
  options: SerdeOptions,
): RowSerde {
  const registry = options.registry
  const topic = options.topic
  if (registry === undefined || topic === undefined) {
    throw new SerdeError(`The '${format.format}' format needs a schema registry`)
  }
  const opts = {
    ...options,
    registry,
    topic,
    ...(format.schemaId !== undefined ? { schemaId: format.schemaId } : {}),
    ...(format.schemaFullName !== undefined ? { schemaFullName: format.schemaFullName } : {}),
  }
  if (format.format.toUpperCase() === 'PROTOBUF') {
    return createProtobufSrSerde(columns, {
      ...opts,
      ...(format.nullableRepresentation !== undefined ? { nullable: format.nullableRepresentation } : {}),
    })
  }
  return format.format.toUpperCase() === 'AVRO'
    ? createAvroSerde(columns, opts)
    : createJsonSrSerde(columns, opts)
}

/** The schema text ksqlDB registers for these columns in this format, or undefined (no registry format). */
export function schemaFor(
  format: FormatSpec,
  columns: readonly Column[],
  options: SerdeOptions,
): { readonly schemaType: SchemaType; readonly schema: string } | undefined {
  const unwrapped = isUnwrapped(columns, options)
  switch (format.format.toUpperCase()) {
    case 'AVRO':
      return {
        schemaType: 'AVRO',
        schema: JSON.stringify(ksqlAvroSchema(columns, unwrapped, format.schemaFullName)),
      }
    case 'JSON_SR':
      return { schemaType: 'JSON', schema: JSON.stringify(ksqlJsonSchema(columns, unwrapped)) }
    case 'PROTOBUF':
      return {
        schemaType: 'PROTOBUF',
        // PROTOBUF has no UNWRAP_SINGLES (see protobuf-sr.ts)
        schema: ksqlProtobufSchema(
          columns,
          columns.length === 1 && options.wrapSingle === false,
          format.nullableRepresentation,
        ),
      }
    default:
      return undefined
  }
}

/**
 * Registers the key and value schemas of a source (SchemaRegisterInjector): a CREATE STREAM/TABLE
 * only when the subject has none (`always` false), a CREATE ... AS SELECT always (a new version when
 * it differs). Sides with a schema id are left as registered.
 */
export function registerSourceSchemas(registry: SchemaRegistry, source: SourceDef, always: boolean): void {
  const sides = [
    [source.keyFormat, source.schema.key, true, source.keyFeatures.wrapSingle],
    [source.valueFormat, valueBodyColumns(source.schema), false, source.valueFeatures.wrapSingle],
  ] as const
  for (const [format, columns, isKey, wrapSingle] of sides) {
    if (format.schemaId !== undefined || columns.length === 0) continue
    const schema = schemaFor(format, columns, { isKey, ...(wrapSingle !== undefined ? { wrapSingle } : {}) })
    if (schema === undefined) continue
    const subject = subjectName(source.topic, isKey)
    if (!always && registry.latest(subject) !== undefined) continue
    registry.register(subject, schema)
  }
}

/** A failure of schema inference, with ksqlDB's message. */
export class SchemaInferenceError extends Error {
  override readonly name = 'SchemaInferenceError'
}

function notFound(topic: string, isKey: boolean): SchemaInferenceError {
  const subject = subjectName(topic, isKey)
  return new SchemaInferenceError(
    `Schema for message ${isKey ? 'keys' : 'values'} on topic '${topic}' does not exist in the Schema Registry.Subject: ${subject}\n` +
      'Possible causes include:\n' +
      '- The topic itself does not exist\n' +
      '\t-> Use SHOW TOPICS; to check\n' +
      '- Messages on the topic are not serialized using a format Schema Registry supports\n' +
      `\t-> Use PRINT '${topic}' FROM BEGINNING; to verify\n` +
      '- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n' +
      '\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n' +
      '- The schema is registered on a different instance of the Schema Registry\n' +
      '\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n' +
      `- You do not have permissions to access the Schema Registry.Subject: ${subject}\n` +
      '\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html',
  )
}

/**
 * The columns of a topic's registered key or value schema (the latest version, or the one with
 * `schemaId`) and that schema's id. Names keep their case with a schema id, else are upper-cased.
 */
export function inferColumns(
  registry: SchemaRegistry,
  topic: string,
  format: string,
  isKey: boolean,
  schemaId: number | undefined,
  /** PROTOBUF: KEY_/VALUE_SCHEMA_FULL_NAME, the message of the schema (else its first). */
  fullName?: string,
  /**
   * UNWRAP_SINGLES (a value's WRAP_SINGLE_VALUE=false): the whole schema is one column, ROWKEY or
   * ROWVAL (ConnectFormatSchemaTranslator.toColumns), a record included.
   */
  unwrapped = false,
): { readonly columns: Column[]; readonly id: number } {
  const expected = schemaTypeOf(format)
  let id = schemaId
  let found = id !== undefined ? registry.byId(id) : undefined
  if (id === undefined) {
    const latest = registry.latest(subjectName(topic, isKey))
    if (latest !== undefined) {
      id = latest.id
      found = latest
    }
  }
  if (found === undefined || id === undefined) throw notFound(topic, isKey)
  if (expected !== undefined && found.schemaType !== expected) {
    const config = isKey ? 'KEY_FORMAT' : 'VALUE_FORMAT'
    throw new SchemaInferenceError(
      `${isKey ? 'Key' : 'Value'} schema is not in the expected format. You may want to set ${config} to '${found.schemaType}'.\ntopic: ${topic}\nexpected format: ${expected}\nactual format: ${found.schemaType}`,
    )
  }
  const upper = schemaId === undefined
  let columns: Column[]
  try {
    if (found.schemaType === 'AVRO') columns = avroColumns(found.schema, isKey, upper, unwrapped)
    else if (found.schemaType === 'JSON') columns = jsonSchemaColumns(found.schema, isKey, upper, unwrapped)
    else {
      columns = protoColumns(found.schema, isKey, upper, fullName, resolveReferences(registry, found))
      if (unwrapped) {
        const type: Type = { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) }
        columns = [{ name: isKey ? 'ROWKEY' : 'ROWVAL', type, namespace: isKey ? 'KEY' : 'VALUE' }]
      }
    }
  } catch (e) {
    throw new SchemaInferenceError(
      `Unable to verify if the ${isKey ? 'key' : 'value'} schema for topic ${topic} is compatible with ksqlDB.\nReason: ${e instanceof Error ? e.message : String(e)}\n\nPlease see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known.\nIf not, please log a new issue, including this full error message.\nSchema:${found.schema}`,
    )
  }
  return { columns, id }
}
