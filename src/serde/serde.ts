/**
 * Serialization of keys and values: ksqlDB's JSON, DELIMITED, KAFKA and NONE formats.
 *
 * `createSerde` compiles a `RowSerde` once per query (per-column converters precomputed);
 * `checkFormat` is the DDL-time validation with ksqlDB's messages.
 */
import type { FormatSpec } from '../catalog/source.js'
import type { Column } from '../types/schema.js'
import { type Type, typeToString } from '../types/type.js'
import { type RowSerde, SerdeError, type SerdeOptions } from './common.js'
import { createDelimitedSerde, parseDelimiter } from './delimited.js'
import { createJsonSerde } from './json.js'
import { createKafkaSerde, KAFKA_TYPES } from './kafka.js'
import { createProtobufNoSrSerde } from './protobuf.js'
import { checkProtobufTypes } from './protobuf-schema.js'
import { createRegistrySerde, REGISTRY_SERDE_FORMATS } from './registry-formats.js'

export { type RowSerde, SerdeError, type SerdeOptions } from './common.js'

/** Formats Eddy can read and write. */
export const SUPPORTED_FORMATS: readonly string[] = [
  'JSON',
  'DELIMITED',
  'KAFKA',
  'NONE',
  'PROTOBUF_NOSR',
  ...REGISTRY_SERDE_FORMATS,
]

/** Formats ksqlDB knows that Eddy does not support (they need a schema registry). */
export const UNSUPPORTED_FORMATS: readonly string[] = []

const REGISTRY_FORMATS: ReadonlySet<string> = new Set(['AVRO', 'PROTOBUF', 'JSON_SR'])

/** True for formats that need a schema registry (AVRO, PROTOBUF, JSON_SR). */
export function isRegistryFormat(name: string): boolean {
  return REGISTRY_FORMATS.has(name.toUpperCase())
}

export function isSupportedFormat(name: string): boolean {
  return SUPPORTED_FORMATS.includes(name.toUpperCase())
}

/** ksqlDB's text of a key or value column in messages: `` `K` STRING KEY ``, `` `V` INTEGER ``. */
function columnText(c: Column, isKey: boolean): string {
  return `\`${c.name}\` ${typeToString(c.type)}${isKey ? ' KEY' : ''}`
}

function columnsText(columns: readonly Column[], isKey: boolean): string {
  return `[${columns.map((c) => columnText(c, isKey)).join(', ')}]`
}

function featuresText(wrapSingle: boolean | undefined): string {
  return wrapSingle === undefined ? '[]' : wrapSingle ? '[WRAP_SINGLES]' : '[UNWRAP_SINGLES]'
}

/** Why `format` cannot hold these columns (ksqlDB's reason text), or undefined when it can. */
function unsupportedReason(
  name: string,
  columns: readonly Column[],
  isKey: boolean,
  wrapSingle?: boolean,
): string | undefined {
  switch (name) {
    case 'NONE':
      return columns.length === 0
        ? undefined
        : `The 'NONE' format can only be used when no columns are defined. Got: ${columnsText(columns, isKey)}`
    case 'KAFKA': {
      if (columns.length > 1) {
        return `The 'KAFKA' format only supports a single field. Got: ${columnsText(columns, isKey)}`
      }
      const c = columns[0]
      if (c !== undefined && !KAFKA_TYPES.has(c.type.kind)) {
        return `The 'KAFKA' format does not support type '${c.type.kind}'`
      }
      return undefined
    }
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR':
      try {
        checkProtobufTypes(columns)
        return undefined
      } catch (e) {
        return (e as Error).message
      }
    case 'AVRO':
      return avroReason(columns, columns.length > 1 || (isKey ? wrapSingle === true : wrapSingle !== false))
    case 'JSON_SR':
      return someType(columns, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')
        ? 'JSON only supports MAP types with STRING keys'
        : undefined
    case 'DELIMITED': {
      for (const c of columns) {
        const k = c.type.kind
        if (k === 'ARRAY' || k === 'MAP' || k === 'STRUCT') {
          return `The 'DELIMITED' format does not support type '${k}', column: \`${c.name}\``
        }
      }
      return undefined
    }
    default:
      return undefined
  }
}

/** Whether `test` holds for a column's type or any type inside it. */
function someType(columns: readonly Column[], test: (t: Type) => boolean): boolean {
  const visit = (t: Type): boolean => {
    if (test(t)) return true
    switch (t.kind) {
      case 'ARRAY':
        return visit(t.element)
      case 'MAP':
        return visit(t.key) || visit(t.value)
      case 'STRUCT':
        return t.fields.some((f) => visit(f.type))
      default:
        return false
    }
  }
  return columns.some((c) => visit(c.type))
}

/** Avro's names: a letter or `_`, then letters, digits or `_` (Avro's Schema.validateName). */
function avroNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Empty name'
  if (!/^[A-Za-z_]/.test(name)) return `Illegal initial character: ${name}`
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `Illegal character in: ${name}`
  return undefined
}

/** ksqlDB's AVRO schema translation: MAP keys must be STRING, field names valid Avro names. */
function avroReason(columns: readonly Column[], wrapped: boolean): string | undefined {
  if (someType(columns, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')) {
    return 'Avro only supports MAPs with STRING keys'
  }
  const names: string[] = wrapped ? columns.map((c) => c.name) : []
  someType(columns, (t) => {
    if (t.kind === 'STRUCT') for (const f of t.fields) names.push(f.name)
    return false
  })
  for (const n of names) {
    const problem = avroNameProblem(n)
    if (problem !== undefined) return `Schema is not compatible with Avro: ${problem}`
  }
  return undefined
}

/**
 * DDL validation: throws SerdeError with ksqlDB's message when the format cannot hold these
 * columns with these features:
 * - `Unknown format: FOO`; the formats of UNSUPPORTED_FORMATS are not supported by Eddy;
 * - `'WRAP_SINGLE_VALUE' is only valid for single-field value schemas`;
 * - `Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.` (DELIMITED, KAFKA, NONE);
 * - column/type problems, as ksqlDB's GenericSerdeFactory reports them:
 *   `Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[...], features=[]}\nreason: ...`.
 */
export function checkFormat(
  format: FormatSpec,
  columns: readonly Column[],
  options: { isKey: boolean; wrapSingle?: boolean },
): void {
  const name = format.format.toUpperCase()
  if (!SUPPORTED_FORMATS.includes(name)) {
    if (UNSUPPORTED_FORMATS.includes(name)) {
      throw new SerdeError(
        isRegistryFormat(name)
          ? `The '${name}' format needs a schema registry, which Eddy does not support. Supported formats: ${SUPPORTED_FORMATS.join(', ')}`
          : `The '${name}' format is not supported by Eddy. Supported formats: ${SUPPORTED_FORMATS.join(', ')}`,
      )
    }
    throw new SerdeError(`Unknown format: ${name}`)
  }
  if (name === 'DELIMITED') {
    parseDelimiter(format.delimiter)
  } else if (format.delimiter !== undefined) {
    throw new SerdeError(`${name} does not support the following configs: [delimiter]`)
  }
  const wrap = options.wrapSingle
  if (!options.isKey && wrap !== undefined) {
    if (columns.length !== 1)
      throw new SerdeError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
    if (wrap && name !== 'JSON' && name !== 'PROTOBUF_NOSR' && !REGISTRY_SERDE_FORMATS.includes(name)) {
      throw new SerdeError(`Format '${name}' does not support 'WRAP_SINGLE_VALUE' set to 'true'.`)
    }
  }
  checkColumns(name, columns, options)
}

/** The format/column part of checkFormat (features aside). */
function checkColumns(name: string, columns: readonly Column[], options: SerdeOptions): void {
  const wrap = options.wrapSingle
  const reason = unsupportedReason(name, columns, options.isKey, wrap)
  if (reason !== undefined) {
    throw new SerdeError(
      `${options.isKey ? 'Key' : 'Value'} format does not support schema.\nformat: ${name}\nschema: Persistence{columns=${columnsText(columns, options.isKey)}, features=${featuresText(wrap)}}\nreason: ${reason}`,
    )
  }
}

const NONE_SERDE: RowSerde = {
  serialize: () => null,
  deserialize: (bytes) => (bytes === null ? null : []),
}

/**
 * The serde of a key (`isKey`) or value for these columns (value columns stored in the value:
 * header columns excluded). Throws SerdeError when the format cannot hold them (see checkFormat;
 * the WRAP_SINGLE_VALUE rules are not re-checked: `wrapSingle` only matters for a single column).
 */
export function createSerde(format: FormatSpec, columns: readonly Column[], options: SerdeOptions): RowSerde {
  const name = format.format.toUpperCase()
  if (!SUPPORTED_FORMATS.includes(name)) checkFormat(format, columns, options)
  checkColumns(name, columns, options)
  switch (name) {
    case 'JSON':
      return createJsonSerde(columns, options)
    case 'DELIMITED':
      return createDelimitedSerde(columns, format.delimiter, options)
    case 'KAFKA':
      return createKafkaSerde(columns, options)
    case 'PROTOBUF_NOSR':
      return createProtobufNoSrSerde(columns, {
        ...options,
        ...(format.nullableRepresentation !== undefined ? { nullable: format.nullableRepresentation } : {}),
      })
    case 'AVRO':
    case 'JSON_SR':
    case 'PROTOBUF':
      return createRegistrySerde(format, columns, options)
    default:
      return NONE_SERDE
  }
}
