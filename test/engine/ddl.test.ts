import { beforeEach, describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import type { Statement } from '../../src/ast/statements.js'
import { Catalog } from '../../src/catalog/catalog.js'
import type { SourceDef } from '../../src/catalog/source.js'
import {
  type DdlContext,
  executeAlterSource,
  executeDropSource,
  executeDropType,
  executeRegisterType,
  planCreateSource,
  resolveSinkProperties,
} from '../../src/engine/ddl.js'
import { listing } from '../../src/engine/listings.js'
import { Properties } from '../../src/engine/properties.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { T } from '../../src/types/type.js'

function firstStatement(sql: string): { statement: Statement; text: string } {
  const p = parseStatements(sql)[0]
  if (p === undefined) throw new Error('no statement')
  return p
}

interface Harness extends DdlContext {
  queries: Map<string, { readers: string[]; writers: string[] }>
  terminated: string[]
  run(sql: string): Promise<string[]>
}

async function harness(
  props: Record<string, string> = {},
  topics: string[] = ['t', 'input', 'input_topic'],
): Promise<Harness> {
  const backend = EmbeddedBackend.inMemory()
  for (const t of topics) await backend.createTopic(t, { partitions: 1 })
  const h: Harness = {
    catalog: new Catalog(),
    backend,
    properties: new Properties(props),
    queries: new Map(),
    terminated: [],
    async run(sql) {
      const out: string[] = []
      for (const { statement, text } of parseStatements(sql)) out.push(await exec(h, statement, text))
      return out
    },
  }
  return h
}

async function exec(h: Harness, stmt: Statement, text: string): Promise<string> {
  switch (stmt.kind) {
    case 'CreateStream':
    case 'CreateTable': {
      const planned = await planCreateSource(stmt, text, { ...h, catalog: h.catalog.clone() })
      if (planned.createTopic !== undefined) {
        await h.backend.createTopic(planned.createTopic.name, { partitions: planned.createTopic.partitions })
      }
      if (planned.source !== undefined) h.catalog.putSource(planned.source)
      return planned.message
    }
    case 'DropStream':
    case 'DropTable':
      return executeDropSource(stmt, {
        ...h,
        queriesUsing: (name) => {
          const readers: string[] = []
          const writers: string[] = []
          for (const [id, q] of h.queries) {
            if (q.readers.includes(name)) readers.push(id)
            if (q.writers.includes(name)) writers.push(id)
          }
          return { readers, writers }
        },
        terminateQuery: async (id) => {
          h.terminated.push(id)
          h.queries.delete(id)
        },
      })
    case 'AlterSource':
      return executeAlterSource(stmt, h)
    case 'RegisterType':
      return executeRegisterType(stmt, h)
    case 'DropType':
      return executeDropType(stmt, h)
    default:
      throw new Error(`unexpected ${stmt.kind}`)
  }
}

async function errorOf(h: Harness, sql: string): Promise<string> {
  try {
    await h.run(sql)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('CREATE STREAM / TABLE: errors', () => {
  it.each([
    ["CREATE STREAM S WITH (kafka_topic='t', value_format='FOO');", 'Unknown format: FOO'],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', key_format='FOO');",
      'Unknown format: FOO',
    ],
    ["CREATE STREAM S WITH (kafka_topic='t', format='FOO');", 'Unknown format: FOO'],
    [
      "CREATE STREAM S (foo VARCHAR) WITH (kafka_topic='t');",
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', format='KAFKA');",
      "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.",
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', key_format='KAFKA', format='KAFKA');",
      "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties",
    ],
    [
      "CREATE STREAM S (A INT) WITH (value_format='JSON');",
      'Missing required property "KAFKA_TOPIC" which has no default value.',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', foo='x');",
      'Invalid config variable(s) in the WITH clause: FOO',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', partitions='x');",
      'Invalid value x for property PARTITIONS: Not a number of type INT',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', wrap_single_value='maybe');",
      'Invalid value maybe for property WRAP_SINGLE_VALUE: Expected value to be either true or false',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic=1, value_format='JSON');",
      'Invalid value 1 for property KAFKA_TOPIC: Expected value to be a string, but it was a java.lang.Integer',
    ],
    [
      "CREATE STREAM S (K STRING KEY, f0 STRING, f1 STRING) WITH (WRAP_SINGLE_VALUE=true, kafka_topic='t', value_format='JSON');",
      "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
    ],
    [
      "CREATE TABLE S (K STRING PRIMARY KEY, f0 STRING, f1 STRING) WITH (WRAP_SINGLE_VALUE=false, kafka_topic='t', value_format='JSON');",
      "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
    ],
    [
      "CREATE STREAM S (K STRING KEY, foo INT) WITH (WRAP_SINGLE_VALUE=true, kafka_topic='t', value_format='DELIMITED');",
      "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
    ],
    [
      "CREATE STREAM S (K STRING KEY, H1 BYTES HEADERS, V BIGINT) WITH (kafka_topic='t', value_format='json');",
      'Invalid type for HEADERS column: expected ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>, got BYTES',
    ],
    [
      "CREATE STREAM S (K STRING KEY, H1 INT HEADER('key'), V BIGINT) WITH (kafka_topic='t', value_format='json');",
      "Invalid type for HEADER('key') column: expected BYTES, got INTEGER",
    ],
    [
      "CREATE STREAM S (K STRING KEY, H1 BYTES HEADER('x'), H2 ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) WITH (kafka_topic='t', value_format='json');",
      "Schema already contains a HEADER('x') column.",
    ],
    [
      "CREATE STREAM S (K ARRAY<DOUBLE> KEY, V INT) WITH (kafka_topic='t', format='DELIMITED');",
      "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`",
    ],
    [
      "CREATE STREAM S (K MAP<STRING, DOUBLE> KEY, V INT) WITH (kafka_topic='t', format='DELIMITED');",
      'Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<STRING, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more.',
    ],
    [
      "CREATE STREAM S (foo MAP<INT, DOUBLE>) WITH (kafka_topic='t', value_format='DELIMITED');",
      "The 'DELIMITED' format does not support type 'MAP'",
    ],
    [
      "CREATE STREAM S WITH (kafka_topic='t', value_format='DELIMITED', value_delimiter='<~>');",
      "Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'",
    ],
    [
      "CREATE STREAM S WITH (kafka_topic='t', value_format='DELIMITED', value_delimiter=' ');",
      "Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
    ],
    [
      "CREATE STREAM S WITH (kafka_topic='t', value_format='JSON', value_delimiter='|');",
      'JSON does not support the following configs: [delimiter]',
    ],
    [
      "CREATE STREAM S (K STRING KEY, foo INT) WITH (kafka_topic='t', key_format='NONE', value_format='JSON');",
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
    ],
    [
      "CREATE STREAM S (foo INT) WITH (kafka_topic='t', value_format='NONE');",
      "The 'NONE' format can only be used when no columns are defined. Got: [`FOO` INTEGER]",
    ],
    [
      "CREATE STREAM S (V0 INT, V1 STRING) WITH (kafka_topic='t', value_format='KAFKA');",
      "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    ],
    [
      "CREATE STREAM S (K BOOLEAN KEY, V INT) WITH (kafka_topic='t', format='KAFKA');",
      "The 'KAFKA' format does not support type 'BOOLEAN'",
    ],
    ["CREATE STREAM S WITH (kafka_topic='t', value_format='DELIMITED');", 'No columns supplied.'],
    ["CREATE STREAM S WITH (kafka_topic='t', value_format='KAFKA');", 'No columns supplied.'],
    [
      "CREATE TABLE S (ID INT, F0 INT) WITH (kafka_topic='t', value_format='JSON');",
      'Tables require a PRIMARY KEY. Please define the PRIMARY KEY.',
    ],
    [
      "CREATE TABLE S WITH (kafka_topic='t', value_format='Avro');",
      'Tables require a PRIMARY KEY. Please define the PRIMARY KEY.',
    ],
    [
      "CREATE STREAM S (F0 INT) WITH (kafka_topic='t', value_format='JSON', window_type='SESSION');",
      'Windowed sources require a key column.',
    ],
    [
      "CREATE STREAM S WITH (kafka_topic='t', key_format='kafka', value_format='protobuf', key_schema_id=1);",
      'KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is KAFKA.',
    ],
    [
      "CREATE STREAM S (`c3` INT KEY) WITH (kafka_topic='t', key_format='protobuf', value_format='protobuf', key_schema_id=1);",
      'Table elements and KEY_SCHEMA_ID cannot both exist for create statement.',
    ],
    [
      "CREATE STREAM S (K STRING KEY, ROWPARTITION INT) WITH (kafka_topic='t', value_format='JSON');",
      "'ROWPARTITION' is a reserved column name. You cannot use it as a name for a column.",
    ],
    [
      "CREATE STREAM S (A INT, A STRING) WITH (kafka_topic='t', value_format='JSON');",
      'Duplicate non-KEY column names: A',
    ],
    [
      "CREATE STREAM S (A INT KEY, A STRING) WITH (kafka_topic='t', value_format='JSON');",
      'Duplicate column names: A',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='missing', value_format='JSON');",
      "Topic 'missing' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: ",
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', partitions=3);",
      "A Kafka topic with the name 't' already exists, with different partition/replica configuration than required. KSQL expects 3 partitions (topic has 1)",
    ],
    [
      "CREATE STREAM S (A INT, TS INT) WITH (kafka_topic='t', value_format='JSON', timestamp='ts');",
      'Timestamp column, `TS`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.',
    ],
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', timestamp='ts');",
      "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'TS'",
    ],
    [
      "CREATE STREAM S (A INT, TS STRING) WITH (kafka_topic='t', value_format='JSON', timestamp='ts');",
      'A String timestamp field has been specified without also specifying the timestamp_format',
    ],
    [
      "CREATE STREAM S (A INT, TS BIGINT) WITH (kafka_topic='t', value_format='JSON', timestamp='ts', timestamp_format='yyyy');",
      "'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.",
    ],
    [
      "CREATE STREAM S (A INT, TS STRING) WITH (kafka_topic='t', value_format='JSON', timestamp='ts', timestamp_format='yyyy-bb');",
      'Invalid datetime format for config:TIMESTAMP_FORMAT, reason:Unknown pattern letter: b',
    ],
    [
      "CREATE OR REPLACE SOURCE TABLE S (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='t', value_format='DELIMITED');",
      "Cannot add table 'S': CREATE OR REPLACE is not supported on source tables.",
    ],
    [
      "CREATE TABLE S (K INT PRIMARY KEY, V STRING) WITH (kafka_topic='t', value_format='JSON', retention_ms=100);",
      'Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.',
    ],
    ["CREATE STREAM S (A ADDRESS) WITH (kafka_topic='t', value_format='JSON');", 'Unknown type: ADDRESS'],
  ])('%s', async (sql, message) => {
    const h = await harness()
    expect(await errorOf(h, sql)).toContain(message)
    expect(h.catalog.sources()).toEqual([])
  })

  it('needs no VALUE_FORMAT when a default is configured', async () => {
    const h = await harness({ 'ksql.persistence.default.format.value': 'json' })
    await h.run("CREATE STREAM S (K STRING KEY, foo INT) WITH (kafka_topic='t');")
    expect(h.catalog.source('S')?.valueFormat).toEqual({ format: 'JSON' })
    expect(h.catalog.source('S')?.keyFormat).toEqual({ format: 'KAFKA' })
  })
})

describe('CREATE STREAM / TABLE: the source', () => {
  it.each<[string, Partial<SourceDef>]>([
    [
      "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');",
      {
        name: 'S',
        kind: 'STREAM',
        topic: 't',
        keyFormat: { format: 'KAFKA' },
        valueFormat: { format: 'JSON' },
        keyFeatures: {},
        valueFeatures: {},
        isSource: false,
      },
    ],
    [
      "CREATE TABLE S (ID INT PRIMARY KEY, V STRING) WITH (kafka_topic='t', format='JSON');",
      { kind: 'TABLE', keyFormat: { format: 'JSON' }, keyFeatures: { wrapSingle: false }, valueFeatures: {} },
    ],
    [
      "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON', wrap_single_value=false);",
      { valueFeatures: { wrapSingle: false } },
    ],
    [
      "CREATE STREAM S (V INT) WITH (kafka_topic='t', value_format='DELIMITED', value_delimiter='TAB');",
      { valueFormat: { format: 'DELIMITED', delimiter: 'TAB' } },
    ],
    [
      "CREATE STREAM S (K BIGINT KEY, V BIGINT) WITH (kafka_topic='t', value_format='DELIMITED', WINDOW_TYPE='HoPping', WINDOW_SIZE='30 seconds');",
      { window: { type: 'HOPPING', sizeMs: 30000 } },
    ],
    [
      "CREATE STREAM S (K INT KEY, V INT) WITH (kafka_topic='t', value_format='JSON', window_type='session');",
      { window: { type: 'SESSION' } },
    ],
    [
      "CREATE STREAM S (K STRING KEY, ts STRING) WITH (kafka_topic='t', value_format='JSON', timestamp='ts', timestamp_format='yy-MM-dd HH:mm:ssX');",
      { timestampColumn: 'TS', timestampFormat: 'yy-MM-dd HH:mm:ssX' },
    ],
    [
      "CREATE SOURCE TABLE S (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='t', value_format='DELIMITED');",
      { isSource: true, kind: 'TABLE' },
    ],
    [
      "CREATE STREAM S (K STRING KEY, H ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, V BIGINT) WITH (kafka_topic='t', value_format='KAFKA');",
      {
        schema: {
          key: [{ name: 'K', type: T.STRING, namespace: 'KEY' }],
          value: [
            {
              name: 'H',
              type: {
                kind: 'ARRAY',
                element: {
                  kind: 'STRUCT',
                  fields: [
                    { name: 'KEY', type: T.STRING },
                    { name: 'VALUE', type: T.BYTES },
                  ],
                },
              },
              namespace: 'VALUE',
              headerKey: null,
            },
            { name: 'V', type: T.BIGINT, namespace: 'VALUE' },
          ],
        },
      },
    ],
    [
      // One HEADERS column, or HEADER('k') columns with distinct keys (ksqlDB's headers.sql).
      "CREATE STREAM S (K STRING KEY, H1 BYTES HEADER('abc'), H2 BYTES HEADER('def'), V BIGINT) WITH (kafka_topic='t', value_format='KAFKA');",
      {
        schema: {
          key: [{ name: 'K', type: T.STRING, namespace: 'KEY' }],
          value: [
            { name: 'H1', type: T.BYTES, namespace: 'VALUE', headerKey: 'abc' },
            { name: 'H2', type: T.BYTES, namespace: 'VALUE', headerKey: 'def' },
            { name: 'V', type: T.BIGINT, namespace: 'VALUE' },
          ],
        },
      },
    ],
    [
      "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='t', key_format='AVRO', value_format='PROTOBUF');",
      { keyFormat: { format: 'AVRO' }, valueFormat: { format: 'PROTOBUF' } },
    ],
  ])('%s', async (sql, fields) => {
    const h = await harness()
    expect(await h.run(sql)).toEqual([sql.includes('TABLE') ? 'Table created' : 'Stream created'])
    expect(h.catalog.source('S')).toMatchObject({ ...fields, sql: sql.replace(/;$/, '') })
  })

  it('applies ksql.persistence.wrap.single.values to single-column values only', async () => {
    const h = await harness({ 'ksql.persistence.wrap.single.values': 'false' })
    await h.run(
      "CREATE STREAM A (V INT) WITH (kafka_topic='t', value_format='JSON'); CREATE STREAM B (V INT, W INT) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(h.catalog.source('A')?.valueFeatures).toEqual({ wrapSingle: false })
    expect(h.catalog.source('B')?.valueFeatures).toEqual({})
  })

  it('plans a missing topic when PARTITIONS is given', async () => {
    const h = await harness()
    const { statement, text } = firstStatement(
      "CREATE TABLE S (K INT PRIMARY KEY, V INT) WITH (kafka_topic='new_topic', value_format='JSON', partitions=4, replicas=2);",
    )
    if (statement.kind !== 'CreateTable') throw new Error('parse')
    const planned = await planCreateSource(statement, text, h)
    expect(planned.createTopic).toEqual({
      name: 'new_topic',
      partitions: 4,
      replicas: 2,
      config: { 'cleanup.policy': 'compact' },
    })
    expect(await h.backend.topicExists('new_topic')).toBe(false)
  })

  it.each([
    [
      "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON');",
      "Cannot add stream 'S': A stream with the same name already exists",
    ],
    [
      "CREATE TABLE S (A INT PRIMARY KEY) WITH (kafka_topic='t', value_format='JSON');",
      "Cannot add table 'S': A stream with the same name already exists",
    ],
    [
      "CREATE OR REPLACE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON');",
      "Cannot upgrade data source: DataSource '`S`' has schema = `A` STRING which is not upgradeable to `A` INTEGER. (The following columns are changed, missing or reordered: [`A` STRING])",
    ],
    [
      "CREATE OR REPLACE TABLE S (A STRING PRIMARY KEY) WITH (kafka_topic='t', value_format='JSON');",
      "DataSource '`S`' has type = KSTREAM which is not upgradeable to KTABLE",
    ],
  ])('existing source: %s', async (sql, message) => {
    const h = await harness()
    await h.run("CREATE STREAM S (A STRING) WITH (kafka_topic='t', value_format='JSON');")
    expect(await errorOf(h, sql)).toContain(message)
    expect(h.catalog.source('S')?.schema.value[0]?.type).toEqual(T.STRING)
  })

  it('IF NOT EXISTS keeps the existing source; OR REPLACE may add columns', async () => {
    const h = await harness()
    await h.run("CREATE STREAM S (A STRING) WITH (kafka_topic='t', value_format='JSON');")
    expect(
      await h.run("CREATE STREAM IF NOT EXISTS S (B INT) WITH (kafka_topic='t', value_format='JSON');"),
    ).toEqual(['Cannot add stream S: A stream with the same name already exists.'])
    expect(h.catalog.source('S')?.schema.value.map((c) => c.name)).toEqual(['A'])
    await h.run("CREATE OR REPLACE STREAM S (A STRING, B INT) WITH (kafka_topic='t', value_format='JSON');")
    expect(h.catalog.source('S')?.schema.value.map((c) => c.name)).toEqual(['A', 'B'])
  })
})

describe('DROP', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
    await h.run(
      "CREATE STREAM A (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON'); CREATE SOURCE TABLE R (K INT PRIMARY KEY, V STRING) WITH (kafka_topic='input', value_format='JSON');",
    )
  })

  it.each([
    ['DROP STREAM test;', 'Stream TEST does not exist.'],
    ['DROP TABLE A;', 'Incompatible data source type is stream, but statement was DROP table'],
    ['DROP TABLE R DELETE TOPIC;', 'Cannot delete topic for read-only source: R'],
    [
      'DROP STREAM "a";',
      'Stream a does not exist.\nDid you mean A? Hint: try removing double quotes from the source name.',
    ],
  ])('%s', async (sql, message) => {
    expect(await errorOf(h, sql)).toBe(message)
    expect(h.catalog.sources().map((s) => s.name)).toEqual(['A', 'R'])
  })

  it('drops, IF EXISTS, DELETE TOPIC', async () => {
    expect(await h.run('DROP STREAM IF EXISTS nope; DROP STREAM A DELETE TOPIC;')).toEqual([
      'Source NOPE does not exist.',
      'Source A (topic: t) was dropped.',
    ])
    expect(h.catalog.source('A')).toBeUndefined()
    expect(await h.backend.topicExists('t')).toBe(false)
  })

  it('refuses while INSERT queries use the source; terminates the query writing a CSAS sink', async () => {
    h.catalog.putSource({
      ...(h.catalog.source('A') as SourceDef),
      name: 'OUT',
      topic: 'OUT',
      writtenBy: 'CSAS_OUT_0',
    })
    h.catalog.setReferences('OUT', ['A'])
    h.queries.set('CSAS_OUT_0', { readers: ['A'], writers: ['OUT'] })
    h.queries.set('INSERTQUERY_1', { readers: ['A'], writers: ['OUT'] })
    expect(await errorOf(h, 'DROP STREAM A;')).toBe(
      'Cannot drop A.\nThe following queries read from this source: [INSERTQUERY_1].\nThe following queries write into this source: [].\nYou need to terminate them before dropping A.',
    )
    h.queries.delete('INSERTQUERY_1')
    expect(await errorOf(h, 'DROP STREAM A;')).toBe(
      'Cannot drop A.\nThe following streams and/or tables read from this source: [OUT].\nYou need to drop them before dropping A.',
    )
    expect(await h.run('DROP STREAM OUT; DROP STREAM A;')).toHaveLength(2)
    expect(h.terminated).toEqual(['CSAS_OUT_0'])
  })
})

describe('ALTER', () => {
  it.each([
    ['ALTER STREAM A ADD COLUMN W STRING;', 'Stream A altered.'],
    ['ALTER STREAM A ADD COLUMN W STRING, ADD COLUMN X ARRAY<INT>;', 'Stream A altered.'],
  ])('%s', async (sql, message) => {
    const h = await harness()
    await h.run("CREATE STREAM A (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');")
    expect(await h.run(sql)).toEqual([message])
    expect(h.catalog.source('A')?.schema.value.map((c) => c.name)).toContain('W')
  })

  it.each([
    ['ALTER STREAM B ADD COLUMN W STRING;', 'Source B does not exist.'],
    [
      'ALTER TABLE A ADD COLUMN W STRING;',
      'Incompatible data source type is STREAM, but statement was ALTER TABLE',
    ],
    [
      'ALTER STREAM A ADD COLUMN V STRING;',
      'Cannot add column `V` to schema. A column with the same name already exists.',
    ],
    [
      'ALTER STREAM A ADD COLUMN K STRING;',
      'Cannot add column `K` to schema. A column with the same name already exists.',
    ],
    [
      'ALTER TABLE R ADD COLUMN newCol INT;',
      "Cannot alter table 'R': ALTER operations are not supported on source tables.",
    ],
    ['ALTER STREAM D ADD COLUMN W MAP<STRING, INT>;', "The 'DELIMITED' format does not support type 'MAP'"],
  ])('%s', async (sql, message) => {
    const h = await harness()
    await h.run(
      "CREATE STREAM A (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON'); CREATE SOURCE TABLE R (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='t', value_format='DELIMITED'); CREATE STREAM D (V INT) WITH (kafka_topic='t', value_format='DELIMITED');",
    )
    expect(await errorOf(h, sql)).toContain(message)
    expect(h.catalog.source('A')?.schema.value.map((c) => c.name)).toEqual(['V'])
  })
})

describe('CREATE TYPE / DROP TYPE', () => {
  it('registers, uses, reports duplicates and drops types', async () => {
    const h = await harness()
    expect(
      await h.run(
        "CREATE TYPE ADDRESS AS STRUCT<number INTEGER, street VARCHAR>; CREATE TYPE PERSON AS STRUCT<name VARCHAR, address ADDRESS>; CREATE TYPE IF NOT EXISTS ADDRESS AS INT; CREATE TABLE P (K STRING PRIMARY KEY, person PERSON) WITH (kafka_topic='t', value_format='JSON');",
      ),
    ).toEqual([
      "Registered custom type with name 'ADDRESS' and SQL type STRUCT<`NUMBER` INTEGER, `STREET` STRING>",
      "Registered custom type with name 'PERSON' and SQL type STRUCT<`NAME` STRING, `ADDRESS` STRUCT<`NUMBER` INTEGER, `STREET` STRING>>",
      'ADDRESS is already registered with type STRUCT<`NUMBER` INTEGER, `STREET` STRING>',
      'Table created',
    ])
    expect(h.catalog.source('P')?.schema.value[0]?.type.kind).toBe('STRUCT')
    expect(await errorOf(h, 'CREATE TYPE ADDRESS AS INT;')).toBe(
      "Cannot register custom type 'ADDRESS' since it is already registered with type: STRUCT<`NUMBER` INTEGER, `STREET` STRING>",
    )
    expect(await h.run('DROP TYPE ADDRESS; DROP TYPE IF EXISTS ADDRESS;')).toEqual([
      "Dropped type 'ADDRESS'",
      "Type 'ADDRESS' does not exist",
    ])
    expect(await errorOf(h, 'DROP TYPE ADDRESS;')).toBe('Type ADDRESS does not exist.')
  })
})

describe('resolveSinkProperties', () => {
  async function sink(
    sourceSql: string,
    withClause: string,
    schema: SourceDef['schema'],
    props: Record<string, string> = {},
    extra: { partitionByNull?: boolean } = {},
  ) {
    const h = await harness(props)
    await h.run(sourceSql)
    const source = h.catalog.sources()[0] as SourceDef
    const { statement } = firstStatement(`CREATE STREAM OUT ${withClause} AS SELECT * FROM ${source.name};`)
    if (statement.kind !== 'CreateStreamAsSelect') throw new Error('parse')
    return resolveSinkProperties(statement.properties, { sinkName: 'OUT', source, schema, ...extra }, h)
  }
  const kv = {
    key: [{ name: 'K', type: T.STRING, namespace: 'KEY' as const }],
    value: [{ name: 'V', type: T.INTEGER, namespace: 'VALUE' as const }],
  }

  it('inherits formats and delimiters from the source, topic from the name', async () => {
    const p = await sink(
      "CREATE STREAM I (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='DELIMITED', value_delimiter='|');",
      '',
      kv,
      { 'ksql.output.topic.name.prefix': 'pre_' },
    )
    expect(p).toEqual({
      topic: 'pre_OUT',
      keyFormat: { format: 'KAFKA' },
      valueFormat: { format: 'DELIMITED', delimiter: '|' },
      keyFeatures: {},
      valueFeatures: {},
    })
  })

  it('takes explicit properties', async () => {
    const p = await sink(
      "CREATE STREAM I (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='DELIMITED');",
      "WITH (kafka_topic='x', format='JSON', partitions=3, replicas=2, wrap_single_value=false)",
      kv,
    )
    expect(p).toEqual({
      topic: 'x',
      keyFormat: { format: 'JSON' },
      valueFormat: { format: 'JSON' },
      keyFeatures: { wrapSingle: false },
      valueFeatures: { wrapSingle: false },
      partitions: 3,
      replicas: 2,
    })
  })

  it('uses the default key format when a NONE-keyed source gets a key', async () => {
    const p = await sink(
      "CREATE STREAM I (V INT) WITH (kafka_topic='t', key_format='NONE', value_format='JSON');",
      '',
      kv,
      { 'ksql.persistence.default.format.key': 'JSON' },
    )
    expect(p.keyFormat).toEqual({ format: 'JSON' })
  })

  it.each<[string, SourceDef['schema'], string, { partitionByNull?: boolean }]>([
    ["WITH (value_format='FOO')", kv, 'Unknown format: FOO', {}],
    [
      "WITH (key_format='KAFKA')",
      { ...kv, key: [{ name: 'K', type: T.BOOLEAN, namespace: 'KEY' }] },
      "The 'KAFKA' format does not support type 'BOOLEAN'",
      {},
    ],
    [
      "WITH (key_format='DELIMITED')",
      kv,
      'Key format specified for stream without key columns.',
      { partitionByNull: true },
    ],
    [
      "WITH (key_format='NONE')",
      kv,
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
      {},
    ],
    [
      'WITH (wrap_single_value=true)',
      { ...kv, value: [...kv.value, { name: 'W', type: T.INTEGER, namespace: 'VALUE' }] },
      "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
      {},
    ],
    ["WITH (window_type='SESSION')", kv, 'Invalid config variable(s) in the WITH clause: WINDOW_TYPE', {}],
    [
      "WITH (timestamp='nope')",
      kv,
      "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'NOPE'",
      {},
    ],
    [
      '',
      {
        key: [
          { name: 'K1', type: T.INTEGER, namespace: 'KEY' },
          { name: 'K2', type: T.INTEGER, namespace: 'KEY' },
        ],
        value: kv.value,
      },
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K1` INTEGER KEY, `K2` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`K1` INTEGER KEY, `K2` INTEGER KEY]",
      {},
    ],
  ])('%s → %s', async (withClause, schema, message, extra) => {
    await expect(
      sink(
        "CREATE STREAM I (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');",
        withClause,
        schema,
        {},
        extra,
      ),
    ).rejects.toThrow(message)
  })
})

describe('listings', () => {
  it('SHOW STREAMS / TABLES / TOPICS / TYPES and DESCRIBE', async () => {
    const h = await harness()
    await h.run(
      "CREATE TYPE ADDR AS STRUCT<street STRING>; CREATE STREAM S (K STRING KEY, H BYTES HEADER('h'), V INT) WITH (kafka_topic='t', value_format='JSON'); CREATE TABLE T1 (ID INT PRIMARY KEY, V STRING) WITH (kafka_topic='input', format='JSON', window_type='SESSION');",
    )
    const show = async (sql: string) => {
      const { statement, text } = firstStatement(sql)
      if (
        statement.kind !== 'Show' &&
        statement.kind !== 'DescribeSource' &&
        statement.kind !== 'DescribeStreams'
      ) {
        throw new Error(statement.kind)
      }
      return listing(statement, h, text)
    }
    expect(await show('SHOW STREAMS;')).toMatchObject({
      kind: 'Listing',
      type: 'streams',
      columns: ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
      rows: [['S', 't', 'KAFKA', 'JSON', 'false']],
    })
    expect((await show('LIST TABLES;')).rows).toEqual([['T1', 'input', 'JSON', 'JSON', 'SESSION']])
    expect(await show('SHOW TOPICS;')).toMatchObject({
      columns: ['Kafka Topic', 'Partitions', 'Partition Replicas'],
      rows: [
        ['input', '1', '1'],
        ['input_topic', '1', '1'],
        ['t', '1', '1'],
      ],
    })
    expect((await show('SHOW TYPES;')).rows).toEqual([['ADDR', 'STRUCT<`STREET` STRING>']])
    expect((await show('DESCRIBE S;')).rows).toEqual([
      ['K', 'STRING (key)'],
      ['H', "BYTES (header('h'))"],
      ['V', 'INTEGER'],
    ])
    expect((await show('DESCRIBE T1;')).rows).toEqual([
      ['ID', 'INTEGER (primary key)'],
      ['V', 'STRING'],
    ])
    expect((await show('DESCRIBE S EXTENDED;')).rows).toContainEqual([
      'Kafka topic',
      't (partitions: 1, replication: 1)',
    ])
    expect((await show('DESCRIBE STREAMS;')).rows).toHaveLength(3)
    await expect(show('DESCRIBE NOPE;')).rejects.toThrow(
      "Could not find STREAM/TABLE 'NOPE' in the Metastore",
    )
    expect((await show('SHOW PROPERTIES;')).rows).toContainEqual([
      'ksql.persistence.default.format.key',
      'KSQL',
      'DEFAULT',
      'KAFKA',
    ])
  })
})

describe('Properties', () => {
  it('defaults, SET validation, UNSET, clone', () => {
    const p = new Properties({ 'ksql.service.id': 'svc' })
    expect(p.defaultKeyFormat()).toBe('KAFKA')
    expect(p.defaultValueFormat()).toBeUndefined()
    expect(p.wrapSingleValues()).toBeUndefined()
    expect(p.get('ksql.service.id')).toBe('svc')
    p.set('ksql.persistence.default.format.value', 'json')
    p.set('ksql.persistence.wrap.single.values', 'false')
    p.set('ksql.streams.num.standby.replicas', '1')
    expect(p.defaultValueFormat()).toBe('JSON')
    expect(p.wrapSingleValues()).toBe(false)
    expect(() => p.set('foo.bar', '1')).toThrow(
      "Not recognizable as ksql, streams, consumer, or producer property: 'foo.bar'",
    )
    expect(() => p.set('auto.offset.reset', 'middle')).toThrow(
      'Invalid value middle for configuration auto.offset.reset: String must be one of: latest, earliest, none',
    )
    const copy = p.clone()
    copy.unset('ksql.persistence.default.format.value')
    expect(copy.defaultValueFormat()).toBeUndefined()
    expect(p.defaultValueFormat()).toBe('JSON')
    expect(p.listing().find((r) => r.name === 'ksql.service.id')).toEqual({
      name: 'ksql.service.id',
      scope: 'KSQL',
      level: 'SERVER',
      value: 'svc',
    })
    expect(p.listing().find((r) => r.name === 'ksql.persistence.wrap.single.values')?.level).toBe('SESSION')
  })
})
