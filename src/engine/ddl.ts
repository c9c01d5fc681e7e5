/**
 * DDL: CREATE STREAM/TABLE (not AS SELECT), the sink properties of CREATE ... AS SELECT, DROP,
 * ALTER, CREATE/DROP TYPE — ksqlDB's DefaultFormatInjector, TopicCreateInjector,
 * CreateSourceFactory, DropSourceFactory, DdlCommandExec and MetaStore checks, with their messages.
 *
 * Every function validates first and only then mutates (a failed statement changes nothing).
 */
import type { Property, TableElement } from '../ast/statements.js'
import type {
  CreateStream,
  CreateTable,
  DropStream,
  DropTable,
  AlterSource,
  RegisterType,
  DropType,
} from '../ast/statements.js'
import type { Literal } from '../ast/expressions.js'
import { formatStatement } from '../ast/format.js'
import type { Catalog } from '../catalog/catalog.js'
import type { FormatSpec, SerdeFeatures, SourceDef, SourceKind, WindowInfo } from '../catalog/source.js'
import { parseWithClause, type WithClause } from '../catalog/with-clause.js'
import { SqlPlanError } from '../errors.js'
import { checkTopicName, type TopicBackend, TopicBackendError } from '../log/topic-backend.js'
import { checkFormat } from '../serde/serde.js'
import type { SchemaRegistry } from '../serde/schema-registry.js'
import { inferColumns, REGISTRY_SERDE_FORMATS, SchemaInferenceError } from '../serde/registry-formats.js'
import { type Column, HEADERS_TYPE, type LogicalSchema, valueBodyColumns } from '../types/schema.js'
import { resolveType, type Type, typeEquals, typeToString } from '../types/type.js'
import type { Properties } from './properties.js'

export interface DdlContext {
  readonly catalog: Catalog
  readonly backend: TopicBackend
  readonly properties: Properties
  /** Schema inference for AVRO / JSON_SR sources without columns. */
  readonly schemaRegistry?: SchemaRegistry
}

// ---------------------------------------------------------------------------------------------
// Formats

/** Formats ksqlDB knows. */
const KNOWN_FORMATS = new Set([
  'JSON',
  'DELIMITED',
  'KAFKA',
  'NONE',
  'AVRO',
  'PROTOBUF',
  'PROTOBUF_NOSR',
  'JSON_SR',
])
/** Formats that can infer columns from a schema registry (ksqlDB's SCHEMA_INFERENCE feature). */
const INFERENCE_FORMATS = new Set(['AVRO', 'PROTOBUF', 'JSON_SR'])
/** Formats supporting both WRAP_SINGLES and UNWRAP_SINGLES; DELIMITED and KAFKA only unwrap; NONE neither. */
const WRAPPING_FORMATS = new Set(['JSON', 'AVRO', 'PROTOBUF_NOSR', 'JSON_SR'])
const UNWRAP_ONLY_FORMATS = new Set(['DELIMITED', 'KAFKA'])
/** PROTOBUF supports WRAP_SINGLES only: its single keys and values are always messages. */
const WRAP_ONLY_FORMATS = new Set(['PROTOBUF'])

function supportsWrapping(format: string, wrap: boolean): boolean {
  return (
    WRAPPING_FORMATS.has(format) ||
    (!wrap && UNWRAP_ONLY_FORMATS.has(format)) ||
    (wrap && WRAP_ONLY_FORMATS.has(format))
  )
}

const NULLABLE_FORMATS = new Set(['PROTOBUF', 'PROTOBUF_NOSR'])

/** A PROTOBUF / PROTOBUF_NOSR format with its *_PROTOBUF_NULLABLE_REPRESENTATION (OPTIONAL / WRAPPER). */
function withNullable(spec: FormatSpec, representation: string | undefined): FormatSpec {
  if (representation === undefined) return spec
  if (!NULLABLE_FORMATS.has(spec.format)) {
    throw new SqlPlanError(`${spec.format} does not support the following configs: [nullableRepresentation]`)
  }
  const r = representation.toUpperCase()
  return r === 'OPTIONAL' || r === 'WRAPPER' ? { ...spec, nullableRepresentation: r } : spec
}

/** FormatFactory.fromName + the format's supported properties. */
function formatSpec(name: string, delimiter: string | undefined, span?: Property['span']): FormatSpec {
  const format = name.toUpperCase()
  if (!KNOWN_FORMATS.has(format)) throw new SqlPlanError(`Unknown format: ${format}`, span)
  if (delimiter !== undefined && format !== 'DELIMITED') {
    throw new SqlPlanError(`${format} does not support the following configs: [delimiter]`, span)
  }
  // The property text is kept (TAB / SPACE included): serde parses it (Delimiter.parse).
  return delimiter !== undefined ? { format, delimiter } : { format }
}

/** Formats with a schema name (ksqlDB's fullSchemaName format property). */
const SCHEMA_NAME_FORMATS = new Set(['AVRO', 'PROTOBUF', 'JSON_SR', 'PROTOBUF_NOSR'])

/**
 * One side's format from the WITH clause: its name, `<side>_DELIMITER`, the protobuf nullable
 * representation, `<side>_SCHEMA_ID` and the schema full name (for the value also
 * VALUE_AVRO_SCHEMA_FULL_NAME); `inherited` (CREATE ... AS SELECT) fills in from the source's format.
 */
function sideFormat(
  with_: WithClause,
  side: 'KEY' | 'VALUE',
  name: string,
  span: Property['span'] | undefined,
  inherited?: FormatSpec,
): FormatSpec {
  const spec = withNullable(
    formatSpec(name, with_.string(`${side}_DELIMITER`), span),
    with_.string(`${side}_PROTOBUF_NULLABLE_REPRESENTATION`),
  )
  const fullName =
    with_.string(`${side}_SCHEMA_FULL_NAME`) ??
    (side === 'VALUE' ? with_.string('VALUE_AVRO_SCHEMA_FULL_NAME') : undefined)
  return withSchemaIds(
    inherited === undefined ? spec : inherit(spec, inherited),
    with_.int(`${side}_SCHEMA_ID`),
    fullName,
  )
}

/** A format with the KEY_/VALUE_SCHEMA_ID and schema full name of the WITH clause. */
function withSchemaIds(
  spec: FormatSpec,
  schemaId: number | undefined,
  fullName: string | undefined,
): FormatSpec {
  if (fullName !== undefined) {
    // Format.validateProperties: a property the format does not know, then an empty value.
    if (!SCHEMA_NAME_FORMATS.has(spec.format)) {
      throw new SqlPlanError(`${spec.format} does not support the following configs: [fullSchemaName]`)
    }
    if (fullName.trim() === '') {
      throw new SqlPlanError(
        `fullSchemaName cannot be empty. Format configuration: {fullSchemaName=${fullName.trim()}}`,
      )
    }
  }
  return {
    ...spec,
    ...(schemaId !== undefined ? { schemaId } : {}),
    ...(fullName !== undefined ? { schemaFullName: fullName } : {}),
  }
}

/**
 * DefaultSchemaInjector: the key / value columns of an AVRO or JSON_SR source that declares none,
 * from the topic's registered schema (the latest, or the one with KEY_/VALUE_SCHEMA_ID).
 */
function inferSchema(
  declared: LogicalSchema | undefined,
  keyFormat: FormatSpec,
  valueFormat: FormatSpec,
  topic: string,
  ctx: DdlContext,
  stmt: CreateStream | CreateTable,
  /** The statement's own WRAP_SINGLE_VALUE=false (not the config default): one ROWVAL column. */
  unwrapValue: boolean,
): LogicalSchema | undefined {
  const registry = ctx.schemaRegistry
  if (registry === undefined) return declared
  const keyCols = declared?.key ?? []
  const valueCols = declared?.value.filter((c) => c.headerKey === undefined) ?? []
  const infer = (format: FormatSpec, isKey: boolean): Column[] => {
    try {
      return inferColumns(
        registry,
        topic,
        format.format,
        isKey,
        format.schemaId,
        format.schemaFullName,
        !isKey && unwrapValue,
      ).columns
    } catch (e) {
      if (e instanceof SchemaInferenceError) throw new SqlPlanError(e.message, stmt.span)
      throw e
    }
  }
  const key =
    keyCols.length === 0 && REGISTRY_SERDE_FORMATS.includes(keyFormat.format)
      ? infer(keyFormat, true)
      : undefined
  const value =
    valueCols.length === 0 && REGISTRY_SERDE_FORMATS.includes(valueFormat.format)
      ? infer(valueFormat, false)
      : undefined
  if (key === undefined && value === undefined) return declared
  return {
    key: key ?? declared?.key ?? [],
    value: [...(value ?? []), ...(declared?.value ?? [])],
  }
}

/** SerdeFeaturesFactory.buildKeyFeatures: UNWRAP_SINGLES for a single key in a format that can do both. */
function keyFeatures(format: FormatSpec, keyColumns: number): SerdeFeatures {
  return keyColumns === 1 && WRAPPING_FORMATS.has(format.format) ? { wrapSingle: false } : {}
}

/** SerdeFeaturesFactory.buildValueFeatures: WRAP_SINGLE_VALUE, else ksql.persistence.wrap.single.values. */
function valueFeatures(
  format: FormatSpec,
  valueColumns: number,
  explicit: boolean | undefined,
  properties: Properties,
): SerdeFeatures {
  const single = valueColumns === 1
  if (explicit !== undefined) {
    if (!supportsWrapping(format.format, explicit)) {
      throw new SqlPlanError(
        `Format '${format.format}' does not support 'WRAP_SINGLE_VALUE' set to '${explicit}'.`,
      )
    }
    if (!single) throw new SqlPlanError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
    return { wrapSingle: explicit }
  }
  const dflt = properties.wrapSingleValues()
  if (!single || dflt === undefined || !supportsWrapping(format.format, dflt)) return {}
  return { wrapSingle: dflt }
}

/** The serde checks of ksqlDB's GenericKeySerDe / GenericRowSerDe, through serde's checkFormat. */
function checkSerde(
  format: FormatSpec,
  columns: readonly Column[],
  isKey: boolean,
  features: SerdeFeatures,
): void {
  try {
    checkFormat(format, columns, {
      isKey,
      ...(features.wrapSingle !== undefined ? { wrapSingle: features.wrapSingle } : {}),
    })
  } catch (e) {
    if (e instanceof SqlPlanError) throw e
    throw new SqlPlanError(e instanceof Error ? e.message : String(e))
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas

/** ksqlDB's SystemColumns: names a column may not have. */
const SYSTEM_COLUMNS = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'])

function containsMap(t: Type): boolean {
  switch (t.kind) {
    case 'MAP':
      return true
    case 'ARRAY':
      return containsMap(t.element)
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type))
    default:
      return false
  }
}

/** Key columns may not be (or contain) maps. */
function checkNoMapKeys(key: readonly Column[]): void {
  for (const c of key) {
    if (containsMap(c.type)) {
      throw new SqlPlanError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${c.name}\`. Column type: ${typeToString(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      )
    }
  }
}

/** ksqlDB's text of a column: `` `K` STRING KEY ``, `` `H` BYTES HEADER('k') ``. */
export function columnText(c: Column): string {
  const suffix =
    c.namespace === 'KEY'
      ? ' KEY'
      : c.headerKey === null
        ? ' HEADERS'
        : c.headerKey !== undefined
          ? ` HEADER('${c.headerKey}')`
          : ''
  return `\`${c.name}\` ${typeToString(c.type)}${suffix}`
}

/** LogicalSchema.toString: key columns then value columns. */
export function schemaText(s: LogicalSchema): string {
  return [...s.key, ...s.value].map(columnText).join(', ')
}

/**
 * AstBuilder's header type checks + TableElements: column definitions → schema. Header columns
 * must be ARRAY<STRUCT<KEY STRING, VALUE BYTES>> (HEADERS) or BYTES (HEADER('k')).
 */
function elementsToSchema(elements: readonly TableElement[], catalog: Catalog): LogicalSchema {
  const key: Column[] = []
  const value: Column[] = []
  for (const e of elements) {
    const type = resolveType(e.type, (n) => catalog.type(n))
    const c = e.constraint
    if (c?.kind === 'Headers' && typeToString(type) !== typeToString(HEADERS_TYPE)) {
      throw new SqlPlanError(
        `Invalid type for HEADERS column: expected ${typeToString(HEADERS_TYPE)}, got ${typeToString(type)}`,
        e.span,
      )
    }
    if (c?.kind === 'Header' && type.kind !== 'BYTES') {
      throw new SqlPlanError(
        `Invalid type for HEADER('${c.key}') column: expected BYTES, got ${typeToString(type)}`,
        e.span,
      )
    }
    if (c?.kind === 'Headers' || c?.kind === 'Header') {
      // LogicalSchema.Builder: one HEADERS column, or HEADER('k') columns with distinct keys.
      const all = value.find((v) => v.headerKey === null)
      const same = c.kind === 'Header' ? value.find((v) => v.headerKey === c.key) : undefined
      const any = value.find((v) => v.headerKey !== undefined)
      if (all !== undefined) throw new SqlPlanError('Schema already contains a HEADERS column.', e.span)
      if (same !== undefined || (c.kind === 'Headers' && any !== undefined)) {
        const k = (same ?? any)?.headerKey
        throw new SqlPlanError(`Schema already contains a HEADER('${k}') column.`, e.span)
      }
    }
    if (c?.kind === 'Key' || c?.kind === 'PrimaryKey') {
      key.push({ name: e.name, type, namespace: 'KEY' })
    } else if (c?.kind === 'Headers') {
      value.push({ name: e.name, type, namespace: 'VALUE', headerKey: null })
    } else if (c?.kind === 'Header') {
      value.push({ name: e.name, type, namespace: 'VALUE', headerKey: c.key })
    } else {
      value.push({ name: e.name, type, namespace: 'VALUE' })
    }
  }
  throwOnDuplicates(key, 'KEY')
  throwOnDuplicates(value, 'non-KEY')
  const keyNames = new Set(key.map((c) => c.name))
  const both = value.filter((c) => keyNames.has(c.name)).map((c) => c.name)
  if (both.length > 0) throw new SqlPlanError(`Duplicate column names: ${both.join(', ')}`)
  return { key, value }
}

function throwOnDuplicates(columns: readonly Column[], type: string): void {
  const seen = new Set<string>()
  const dups: string[] = []
  for (const c of columns) {
    if (seen.has(c.name) && !dups.includes(c.name)) dups.push(c.name)
    seen.add(c.name)
  }
  if (dups.length > 0) throw new SqlPlanError(`Duplicate ${type} column names: ${dups.join(', ')}`)
}

/** ColumnReferenceParser.parse: `quoted` keeps its case, anything else is upper-cased. */
function parseColumnRef(text: string): string {
  const t = text.trim()
  if (t.length >= 2 && t.startsWith('`') && t.endsWith('`')) return t.slice(1, -1).replaceAll('``', '`')
  return t.toUpperCase()
}

/** TimestampExtractionPolicyFactory: TIMESTAMP must name a BIGINT, TIMESTAMP or (with a format) STRING column. */
function checkTimestampColumn(
  schema: LogicalSchema,
  name: string | undefined,
  format: string | undefined,
  with_: WithClause,
): string | undefined {
  if (name === undefined) return undefined
  const col = parseColumnRef(name)
  const column = [...schema.key, ...schema.value].find((c) => c.name === col)
  const span = with_.span('TIMESTAMP')
  if (column === undefined) {
    throw new SqlPlanError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${col}'`,
      span,
    )
  }
  const kind = column.type.kind
  if (kind === 'STRING') {
    if (format === undefined) {
      throw new SqlPlanError(
        'A String timestamp field has been specified without also specifying the timestamp_format',
        span,
      )
    }
    return col
  }
  if (format !== undefined) {
    throw new SqlPlanError(
      "'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.",
      with_.span('TIMESTAMP_FORMAT'),
    )
  }
  if (kind === 'BIGINT' || kind === 'TIMESTAMP') return col
  throw new SqlPlanError(
    `Timestamp column, \`${col}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
    span,
  )
}

// ---------------------------------------------------------------------------------------------
// CREATE STREAM / TABLE

export interface CreateTopicPlan {
  readonly name: string
  readonly partitions: number
  readonly replicas: number
  readonly config?: Record<string, string>
}

export interface PlannedCreateSource {
  /** Absent when nothing changes (IF NOT EXISTS and the source exists). */
  readonly source?: SourceDef
  /** The topic to create first (PARTITIONS given and the topic is missing). */
  readonly createTopic?: CreateTopicPlan
  /** 'Stream created' | 'Table created' | the IF NOT EXISTS notice. */
  readonly message: string
}

function literalSql(lit: Literal): string {
  switch (lit.kind) {
    case 'StringLiteral':
      return `'${lit.value.replaceAll("'", "''")}'`
    case 'NullLiteral':
      return 'null'
    default:
      return String(lit.value)
  }
}

/** The statement with PARTITIONS=2 added, for the missing-topic hint (as ksqlDB's SqlFormatter prints it). */
function exampleWithPartitions(stmt: CreateStream | CreateTable): string {
  const props = stmt.properties.filter((p) => p.name.toUpperCase() !== 'PARTITIONS')
  const partitionsProp: Property = {
    kind: 'Property',
    span: stmt.span,
    name: 'PARTITIONS',
    value: { kind: 'IntegerLiteral', span: stmt.span, value: 2 },
  }
  const withPartitions: Property[] = [...props, partitionsProp].sort((a, b) =>
    a.name.toUpperCase() < b.name.toUpperCase() ? -1 : 1,
  )
  try {
    return `${formatStatement({ ...stmt, properties: withPartitions })};`
  } catch {
    const withText = withPartitions.map((p) => `${p.name.toUpperCase()}=${literalSql(p.value)}`).join(', ')
    return `CREATE ${stmt.kind === 'CreateStream' ? 'STREAM' : 'TABLE'} ${stmt.name} WITH (${withText});`
  }
}

const CLEANUP_POLICY_PRESENT =
  "Invalid config variable in the WITH clause: CLEANUP_POLICY. The CLEANUP_POLICY config is automatically inferred based on the type of source (STREAM or TABLE). Users can't set the CLEANUP_POLICY config manually."

/**
 * Validates a CREATE STREAM/TABLE (not AS SELECT) and returns the SourceDef and the topic to
 * create (PARTITIONS given and the topic missing), without mutating anything. Throws SqlPlanError
 * with ksqlDB's messages.
 */
export async function planCreateSource(
  stmt: CreateStream | CreateTable,
  sql: string,
  ctx: DdlContext,
): Promise<PlannedCreateSource> {
  const kind: SourceKind = stmt.kind === 'CreateStream' ? 'STREAM' : 'TABLE'
  const lower = kind.toLowerCase()
  const { catalog, properties } = ctx

  // AstBuilder: column types (header columns), then the WITH clause.
  const elements = stmt.elements
  const declared = elements !== undefined ? elementsToSchema(elements, catalog) : undefined
  const with_ = parseWithClause(stmt.properties, 'CREATE')

  // DefaultFormatInjector + FormatFactory.
  const keyName = with_.keyFormat() ?? properties.defaultKeyFormat()
  let valueName = with_.valueFormat()
  if (valueName === undefined) {
    valueName = properties.defaultValueFormat()
    if (valueName === undefined) {
      throw new SqlPlanError(
        "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
        stmt.span,
      )
    }
  }
  const keySpan = with_.span('FORMAT') ?? with_.span('KEY_FORMAT')
  const valueSpan = with_.span('FORMAT') ?? with_.span('VALUE_FORMAT')
  const valueFormat = sideFormat(with_, 'VALUE', valueName, valueSpan)
  const keyFormat = sideFormat(with_, 'KEY', keyName, keySpan)

  // DefaultSchemaInjector.
  for (const [side, format, id] of [
    ['KEY', keyFormat, 'KEY_SCHEMA_ID'],
    ['VALUE', valueFormat, 'VALUE_SCHEMA_ID'],
  ] as const) {
    if (with_.has(id) && !INFERENCE_FORMATS.has(format.format)) {
      throw new SqlPlanError(
        `${side}_FORMAT should support schema inference when ${id} is provided. Current format is ${format.format}.`,
        with_.span(id),
      )
    }
    const cols = side === 'KEY' ? declared?.key : declared?.value
    if (with_.has(id) && cols !== undefined && cols.length > 0) {
      throw new SqlPlanError(
        `Table elements and ${id} cannot both exist for create statement.`,
        with_.span(id),
      )
    }
  }
  const inferable = INFERENCE_FORMATS.has(keyFormat.format) || INFERENCE_FORMATS.has(valueFormat.format)
  if ((declared === undefined || declared.key.length + declared.value.length === 0) && !inferable) {
    throw new SqlPlanError('No columns supplied.', stmt.span)
  }
  const inferred = inferSchema(
    declared,
    keyFormat,
    valueFormat,
    with_.string('KAFKA_TOPIC') as string,
    ctx,
    stmt,
    with_.boolean('WRAP_SINGLE_VALUE') === false,
  )

  // TopicCreateInjector.
  const topic = with_.string('KAFKA_TOPIC') as string
  if (with_.has('CLEANUP_POLICY'))
    throw new SqlPlanError(CLEANUP_POLICY_PRESENT, with_.span('CLEANUP_POLICY'))
  const windowType = with_.windowType()
  if (kind === 'TABLE' && windowType === undefined && with_.has('RETENTION_MS')) {
    throw new SqlPlanError(
      'Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.',
      with_.span('RETENTION_MS'),
    )
  }
  const partitions = with_.int('PARTITIONS')
  const replicas = with_.int('REPLICAS')
  let createTopic: CreateTopicPlan | undefined
  if (await ctx.backend.topicExists(topic)) {
    if (partitions !== undefined || replicas !== undefined) {
      const d = await ctx.backend.describeTopic(topic)
      const p = partitions ?? d.partitions.length
      const r = replicas ?? d.replicas
      if (p !== d.partitions.length || r !== d.replicas) {
        throw new SqlPlanError(
          `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${p} partitions (topic has ${d.partitions.length}), and ${r} replication factor (topic has ${d.replicas}).`,
          with_.span('PARTITIONS') ?? with_.span('REPLICAS'),
        )
      }
    }
  } else if (partitions === undefined) {
    throw new SqlPlanError(
      `Topic '${topic}' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: ${exampleWithPartitions(stmt)}`,
      with_.span('KAFKA_TOPIC'),
    )
  } else {
    try {
      checkTopicName(topic)
    } catch (e) {
      throw new SqlPlanError(
        e instanceof TopicBackendError ? e.message : String(e),
        with_.span('KAFKA_TOPIC'),
      )
    }
    if (partitions < 1) {
      throw new SqlPlanError(
        `Invalid value ${partitions} for property PARTITIONS: must be at least 1`,
        with_.span('PARTITIONS'),
      )
    }
    const config: Record<string, string> = { 'cleanup.policy': kind === 'TABLE' ? 'compact' : 'delete' }
    const retention = with_.string('RETENTION_MS')
    if (retention !== undefined) config['retention.ms'] = retention
    createTopic = { name: topic, partitions, replicas: replicas ?? 1, config }
  }

  // CreateSourceFactory.buildSchema.
  const schema: LogicalSchema = inferred ?? { key: [], value: [] }
  for (const c of [...schema.key, ...schema.value]) {
    if (SYSTEM_COLUMNS.has(c.name)) {
      throw new SqlPlanError(
        `'${c.name}' is a reserved column name. You cannot use it as a name for a column.`,
      )
    }
  }
  checkNoMapKeys(schema.key)

  const existing = catalog.source(stmt.name)
  const timestampColumnFor = () =>
    checkTimestampColumn(schema, with_.string('TIMESTAMP'), with_.string('TIMESTAMP_FORMAT'), with_)
  let timestampColumn: string | undefined
  if (kind === 'STREAM') timestampColumn = timestampColumnFor()
  if (existing !== undefined && !stmt.orReplace && !stmt.ifNotExists) {
    throw new SqlPlanError(
      `Cannot add ${lower} '${stmt.name}': A ${existing.kind.toLowerCase()} with the same name already exists`,
      stmt.span,
    )
  }
  if (kind === 'TABLE' && schema.key.length === 0) {
    throw new SqlPlanError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.', stmt.span)
  }
  if (stmt.orReplace && (stmt.isSource || existing?.isSource === true)) {
    throw new SqlPlanError(
      `Cannot add ${lower} '${stmt.name}': CREATE OR REPLACE is not supported on source ${lower}s.`,
      stmt.span,
    )
  }
  if (kind === 'TABLE') timestampColumn = timestampColumnFor()

  // Window.
  let window: WindowInfo | undefined
  if (windowType !== undefined) {
    if (schema.key.length === 0) throw new SqlPlanError('Windowed sources require a key column.', stmt.span)
    const sizeMs = with_.windowSizeMs()
    window = sizeMs !== undefined ? { type: windowType, sizeMs } : { type: windowType }
  }

  // CreateSourceFactory.buildFormats.
  const body = valueBodyColumns(schema)
  const kFeatures = keyFeatures(keyFormat, schema.key.length)
  const vFeatures = valueFeatures(valueFormat, body.length, with_.boolean('WRAP_SINGLE_VALUE'), properties)
  checkSerde(keyFormat, schema.key, true, kFeatures)
  checkSerde(valueFormat, body, false, vFeatures)

  const timestampFormat = with_.string('TIMESTAMP_FORMAT')
  const source: SourceDef = {
    name: stmt.name,
    kind,
    schema,
    topic,
    keyFormat,
    valueFormat,
    keyFeatures: kFeatures,
    valueFeatures: vFeatures,
    ...(timestampColumn !== undefined ? { timestampColumn } : {}),
    ...(timestampColumn !== undefined && timestampFormat !== undefined ? { timestampFormat } : {}),
    ...(window !== undefined ? { window } : {}),
    isSource: stmt.isSource,
    sql,
  }

  // DdlCommandExec / MetaStore.putSource.
  if (existing !== undefined && !stmt.orReplace) {
    return {
      ...(createTopic !== undefined ? { createTopic } : {}),
      message: `Cannot add ${lower} ${stmt.name}: A ${existing.kind.toLowerCase()} with the same name already exists.`,
    }
  }
  if (existing !== undefined) {
    const problem = upgradeProblem(existing, source)
    if (problem !== undefined) throw new SqlPlanError(`Cannot upgrade data source: ${problem}`, stmt.span)
  }
  return {
    source: existing?.writtenBy !== undefined ? { ...source, writtenBy: existing.writtenBy } : source,
    ...(createTopic !== undefined ? { createTopic } : {}),
    message: kind === 'STREAM' ? 'Stream created' : 'Table created',
  }
}

function formatText(f: FormatSpec): string {
  return f.delimiter !== undefined ? `${f.format}(delimiter=${f.delimiter})` : f.format
}

function topicText(s: SourceDef): string {
  const window =
    s.window !== undefined
      ? `, window=${s.window.type}${s.window.sizeMs !== undefined ? `(${s.window.sizeMs}ms)` : ''}`
      : ''
  return `KsqlTopic{kafkaTopicName='${s.topic}', keyFormat=${formatText(s.keyFormat)}${window}, valueFormat=${formatText(s.valueFormat)}}`
}

/**
 * StructuredDataSource.canUpgradeTo: CREATE OR REPLACE may only add value columns at the end;
 * type, topic, formats and timestamp column must stay.
 */
export function upgradeProblem(existing: SourceDef, next: SourceDef): string | undefined {
  const name = `\`${existing.name}\``
  const issues: string[] = []
  const prop = (p: string, a: string, b: string) => {
    if (a !== b) issues.push(`DataSource '${name}' has ${p} = ${a} which is not upgradeable to ${b}`)
  }
  prop(
    'type',
    existing.kind === 'STREAM' ? 'KSTREAM' : 'KTABLE',
    next.kind === 'STREAM' ? 'KSTREAM' : 'KTABLE',
  )
  prop('topic', topicText(existing), topicText(next))
  const ts = (s: SourceDef) =>
    s.timestampColumn === undefined
      ? 'Optional.empty'
      : `Optional[TimestampColumn{column=${s.timestampColumn}, format=${s.timestampFormat ?? 'Optional.empty'}}]`
  prop('timestampColumn', ts(existing), ts(next))
  const schemaProblem = schemaUpgradeProblem(existing.schema, next.schema)
  if (schemaProblem !== undefined) {
    issues.push(
      `DataSource '${name}' has schema = ${schemaText(existing.schema)} which is not upgradeable to ${schemaText(next.schema)}. (${schemaProblem})`,
    )
  }
  return issues.length === 0 ? undefined : issues.join('\n\tAND ')
}

function sameColumn(a: Column, b: Column | undefined): boolean {
  return (
    b !== undefined &&
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.headerKey === b.headerKey &&
    typeEquals(a.type, b.type)
  )
}

function schemaUpgradeProblem(a: LogicalSchema, b: LogicalSchema): string | undefined {
  const changedKeys = a.key.filter((c, i) => !sameColumn(c, b.key[i]))
  if (changedKeys.length > 0 || a.key.length !== b.key.length) {
    const missing = changedKeys.length > 0 ? changedKeys : a.key
    return `Key columns must be identical. The following key columns are changed, missing or reordered: [${missing.map(columnText).join(', ')}]`
  }
  const changed = a.value.filter((c, i) => !sameColumn(c, b.value[i]))
  if (changed.length > 0) {
    return `The following columns are changed, missing or reordered: [${changed.map(columnText).join(', ')}]`
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// CREATE ... AS SELECT sinks

export interface SinkInput {
  readonly sinkName: string
  /** The query's (leftmost) source: formats and delimiters are inherited from it. */
  readonly source: SourceDef
  /** The sink's schema (key + value columns). */
  readonly schema: LogicalSchema
  /** PARTITION BY null: the sink has no key, its key format is NONE. */
  readonly partitionByNull?: boolean
}

export interface SinkProperties {
  readonly topic: string
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
  readonly keyFeatures: SerdeFeatures
  readonly valueFeatures: SerdeFeatures
  readonly timestampColumn?: string
  readonly timestampFormat?: string
  /** PARTITIONS / REPLICAS / RETENTION_MS, for creating the sink topic (defaults: the source topic's). */
  readonly partitions?: number
  readonly replicas?: number
  readonly retentionMs?: number
}

/**
 * Resolves and validates a CSAS/CTAS sink's WITH properties (ksqlDB's CreateSourceAsProperties +
 * Analyzer.analyzeNonStdOutSink + serde checks): KAFKA_TOPIC defaults to
 * ksql.output.topic.name.prefix + the sink name, formats to the source's (its delimiter inherited
 * when the format is the same), a NONE source key format becomes the default key format once the
 * sink has key columns. Throws SqlPlanError with ksqlDB's messages.
 */
export function resolveSinkProperties(
  props: readonly Property[],
  input: SinkInput,
  ctx: DdlContext,
): SinkProperties {
  const with_ = parseWithClause(props, 'CREATE_AS')
  const { source, schema } = input
  const topic = with_.string('KAFKA_TOPIC') ?? `${ctx.properties.outputTopicPrefix()}${input.sinkName}`

  const explicitKey = with_.keyFormat()
  let keyName: string
  if (input.partitionByNull === true) {
    if (explicitKey !== undefined && explicitKey !== 'NONE') {
      throw new SqlPlanError(
        'Key format specified for stream without key columns.',
        with_.span('KEY_FORMAT') ?? with_.span('FORMAT'),
      )
    }
    keyName = 'NONE'
  } else {
    keyName = explicitKey ?? source.keyFormat.format
    if (explicitKey === undefined && keyName === 'NONE' && schema.key.length > 0) {
      keyName = ctx.properties.defaultKeyFormat()
    }
  }
  const valueName = with_.valueFormat() ?? source.valueFormat.format
  const keySpan = with_.span('FORMAT') ?? with_.span('KEY_FORMAT')
  const valueSpan = with_.span('FORMAT') ?? with_.span('VALUE_FORMAT')
  const keyFormat = sideFormat(with_, 'KEY', keyName, keySpan, source.keyFormat)
  const valueFormat = sideFormat(with_, 'VALUE', valueName, valueSpan, source.valueFormat)

  checkNoMapKeys(schema.key)
  const body = valueBodyColumns(schema)
  const kFeatures = keyFeatures(keyFormat, schema.key.length)
  const vFeatures = valueFeatures(
    valueFormat,
    body.length,
    with_.boolean('WRAP_SINGLE_VALUE'),
    ctx.properties,
  )
  checkSerde(keyFormat, schema.key, true, kFeatures)
  checkSerde(valueFormat, body, false, vFeatures)
  checkSinkSchemaId(ctx, topic, keyFormat, schema.key, true)
  checkSinkSchemaId(ctx, topic, valueFormat, body, false)

  const timestampFormat = with_.string('TIMESTAMP_FORMAT')
  const timestampColumn = checkTimestampColumn(schema, with_.string('TIMESTAMP'), timestampFormat, with_)
  const partitions = with_.int('PARTITIONS')
  const replicas = with_.int('REPLICAS')
  const retention = with_.string('RETENTION_MS')
  return {
    topic,
    keyFormat,
    valueFormat,
    keyFeatures: kFeatures,
    valueFeatures: vFeatures,
    ...(timestampColumn !== undefined ? { timestampColumn } : {}),
    ...(timestampColumn !== undefined && timestampFormat !== undefined ? { timestampFormat } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(retention !== undefined ? { retentionMs: Number(retention) } : {}),
  }
}

/**
 * A sink written with a registered schema (KEY_/VALUE_SCHEMA_ID): its columns must be that
 * schema's first columns, in order, with the same names and types (ksqlDB's
 * SchemaRegisterInjector check).
 */
function checkSinkSchemaId(
  ctx: DdlContext,
  topic: string,
  format: FormatSpec,
  columns: readonly Column[],
  isKey: boolean,
): void {
  const registry = ctx.schemaRegistry
  if (format.schemaId === undefined || registry === undefined) return
  if (!REGISTRY_SERDE_FORMATS.includes(format.format)) return
  let registered: Column[]
  try {
    registered = inferColumns(
      registry,
      topic,
      format.format,
      isKey,
      format.schemaId,
      format.schemaFullName,
    ).columns
  } catch (e) {
    if (e instanceof SchemaInferenceError) throw new SqlPlanError(e.message)
    throw e
  }
  const text = (c: Column): string => `\`${c.name}\` ${typeToString(c.type)}${isKey ? ' KEY' : ''}`
  const bad = columns.filter((c, i) => {
    const r = registered[i]
    return r === undefined || r.name !== c.name || !typeEquals(r.type, c.type)
  })
  if (bad.length > 0) {
    throw new SqlPlanError(
      `The following ${isKey ? 'key' : 'value'} columns are changed, missing or reordered: [${bad.map(text).join(', ')}]. Schema from schema registry is [${registered.map(text).join(', ')}]`,
    )
  }
}

/** Analyzer.buildFormatInfo: the source's delimiter is inherited when the format is the same. */
function inherit(spec: FormatSpec, sourceSpec: FormatSpec): FormatSpec {
  if (
    spec.nullableRepresentation === undefined &&
    spec.format === sourceSpec.format &&
    sourceSpec.nullableRepresentation !== undefined
  ) {
    return inherit({ ...spec, nullableRepresentation: sourceSpec.nullableRepresentation }, sourceSpec)
  }
  if (
    spec.delimiter === undefined &&
    spec.format === sourceSpec.format &&
    sourceSpec.delimiter !== undefined
  ) {
    return { ...spec, delimiter: sourceSpec.delimiter }
  }
  return spec
}

// ---------------------------------------------------------------------------------------------
// DROP STREAM / TABLE

export interface DropContext extends DdlContext {
  /** Running persistent queries that read from / write into a source, by id. */
  queriesUsing(sourceName: string): {
    readonly readers: readonly string[]
    readonly writers: readonly string[]
  }
  /**
   * Terminates a query. When given, DROP terminates the CREATE ... AS SELECT query that writes
   * the dropped source (as ksqlDB does); without it that query blocks the DROP.
   */
  terminateQuery?(queryId: string): Promise<void>
}

/**
 * DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]: DropSourceFactory, TopicDeleteInjector and
 * the metastore's referential checks, then removes the source (and its topic).
 */
export async function executeDropSource(stmt: DropStream | DropTable, ctx: DropContext): Promise<string> {
  const { catalog } = ctx
  const stmtType = stmt.kind === 'DropStream' ? 'STREAM' : 'TABLE'
  const source = catalog.source(stmt.name)
  if (source === undefined) {
    if (stmt.ifExists) return `Source ${stmt.name} does not exist.`
    const like = catalog.sourceNameLike(stmt.name)
    const hint =
      like === undefined
        ? ''
        : like === like.toUpperCase()
          ? `\nDid you mean ${like}? Hint: try removing double quotes from the source name.`
          : `\nDid you mean "${like}"? Hint: wrap the source name in double quotes to make it case-sensitive.`
    throw new SqlPlanError(
      `${stmtType === 'STREAM' ? 'Stream' : 'Table'} ${stmt.name} does not exist.${hint}`,
      stmt.span,
    )
  }
  if (source.kind !== stmtType) {
    throw new SqlPlanError(
      `Incompatible data source type is ${source.kind.toLowerCase()}, but statement was DROP ${stmtType.toLowerCase()}`,
      stmt.span,
    )
  }
  if (source.isSource && stmt.deleteTopic) {
    throw new SqlPlanError(`Cannot delete topic for read-only source: ${stmt.name}`, stmt.span)
  }
  if (stmt.deleteTopic) {
    const others = catalog.sources().filter((s) => s.name !== source.name && s.topic === source.topic)
    if (others.length > 0) {
      throw new SqlPlanError(
        `Refusing to delete topic. Found other data sources (${others.map((s) => s.name).join(', ')}) using topic ${source.topic}`,
        stmt.span,
      )
    }
  }
  const { readers, writers } = ctx.queriesUsing(source.name)
  const ownWriter =
    source.writtenBy !== undefined && ctx.terminateQuery !== undefined ? source.writtenBy : undefined
  // Queries that create a source are source references (below), not blocking queries.
  const creators = new Map(
    catalog
      .sources()
      .filter((s) => s.writtenBy !== undefined)
      .map((s) => [s.writtenBy as string, s.name]),
  )
  const blockingReaders = readers.filter((q) => !creators.has(q)).sort()
  const blockingWriters = writers.filter((q) => q !== ownWriter).sort()
  if (blockingReaders.length > 0 || blockingWriters.length > 0) {
    throw new SqlPlanError(
      `Cannot drop ${source.name}.\nThe following queries read from this source: [${blockingReaders.join(', ')}].\nThe following queries write into this source: [${blockingWriters.join(', ')}].\nYou need to terminate them before dropping ${source.name}.`,
      stmt.span,
    )
  }
  const referencing = new Set(catalog.referencesTo(source.name))
  for (const q of readers) {
    const s = creators.get(q)
    if (s !== undefined && s !== source.name) referencing.add(s)
  }
  if (referencing.size > 0) {
    throw new SqlPlanError(
      `Cannot drop ${source.name}.\nThe following streams and/or tables read from this source: [${[...referencing].sort().join(', ')}].\nYou need to drop them before dropping ${source.name}.`,
      stmt.span,
    )
  }
  // Apply.
  if (ownWriter !== undefined && writers.includes(ownWriter)) await ctx.terminateQuery?.(ownWriter)
  if (stmt.deleteTopic && (await ctx.backend.topicExists(source.topic)))
    await ctx.backend.deleteTopic(source.topic)
  catalog.removeSource(source.name)
  return `Source ${source.name} (topic: ${source.topic}) was dropped.`
}

// ---------------------------------------------------------------------------------------------
// ALTER

/** ALTER STREAM|TABLE name ADD COLUMN ...: AlterSourceFactory + DdlCommandExec.executeAlterSource. */
export async function executeAlterSource(stmt: AlterSource, ctx: DdlContext): Promise<string> {
  const { catalog } = ctx
  const lower = stmt.sourceType.toLowerCase()
  const source = catalog.source(stmt.name)
  if (source?.isSource === true) {
    throw new SqlPlanError(
      `Cannot alter ${lower} '${stmt.name}': ALTER operations are not supported on source ${lower}s.`,
      stmt.span,
    )
  }
  if (source === undefined) throw new SqlPlanError(`Source ${stmt.name} does not exist.`, stmt.span)
  if (source.kind !== stmt.sourceType) {
    throw new SqlPlanError(
      `Incompatible data source type is ${source.kind}, but statement was ALTER ${stmt.sourceType}`,
      stmt.span,
    )
  }
  if (source.writtenBy !== undefined) {
    throw new SqlPlanError('ALTER command is not supported for CREATE ... AS statements.', stmt.span)
  }
  const names = new Set([...source.schema.key, ...source.schema.value].map((c) => c.name))
  const added: Column[] = []
  for (const c of stmt.columns) {
    if (names.has(c.name)) {
      throw new SqlPlanError(
        `Cannot add column \`${c.name}\` to schema. A column with the same name already exists.`,
        stmt.span,
      )
    }
    names.add(c.name)
    added.push({ name: c.name, type: resolveType(c.type, (n) => catalog.type(n)), namespace: 'VALUE' })
  }
  const schema: LogicalSchema = { key: source.schema.key, value: [...source.schema.value, ...added] }
  const body = valueBodyColumns(schema)
  const vFeatures: SerdeFeatures =
    body.length === 1
      ? source.valueFeatures
      : source.valueFeatures.wrapSingle === undefined
        ? source.valueFeatures
        : {}
  checkSerde(source.valueFormat, body, false, vFeatures)
  catalog.putSource({
    ...source,
    schema,
    valueFeatures: vFeatures,
    sql: `${source.sql}\n${formatAlter(stmt)}`,
  })
  return `${source.kind === 'STREAM' ? 'Stream' : 'Table'} ${source.name} altered.`
}

function formatAlter(stmt: AlterSource): string {
  try {
    return `${formatStatement(stmt)};`
  } catch {
    return ''
  }
}

// ---------------------------------------------------------------------------------------------
// CREATE TYPE / DROP TYPE

/** CREATE TYPE [IF NOT EXISTS] name AS type. */
export function executeRegisterType(stmt: RegisterType, ctx: DdlContext): string {
  const { catalog } = ctx
  const type = resolveType(stmt.type, (n) => catalog.type(n))
  const existing = catalog.type(stmt.name)
  if (existing !== undefined) {
    if (!stmt.ifNotExists) {
      throw new SqlPlanError(
        `Cannot register custom type '${stmt.name}' since it is already registered with type: ${typeToString(existing)}`,
        stmt.span,
      )
    }
    return `${stmt.name} is already registered with type ${typeToString(existing)}`
  }
  catalog.putType(stmt.name, type)
  return `Registered custom type with name '${stmt.name}' and SQL type ${typeToString(type)}`
}

/** DROP TYPE [IF EXISTS] name. */
export function executeDropType(stmt: DropType, ctx: DdlContext): string {
  const { catalog } = ctx
  if (catalog.type(stmt.name) === undefined) {
    if (!stmt.ifExists) throw new SqlPlanError(`Type ${stmt.name} does not exist.`, stmt.span)
    return `Type '${stmt.name}' does not exist`
  }
  catalog.removeType(stmt.name)
  return `Dropped type '${stmt.name}'`
}
