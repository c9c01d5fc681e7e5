import { describe, expect, it } from 'vitest'
import type { SourceDef } from '../../src/catalog/source.js'
import type { EngineApi, EngineOptions } from '../../src/engine/engine.js'
import type { StatementResult } from '../../src/engine/results.js'
import { EddyError, RecordError, SqlPlanError } from '../../src/errors.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { TopicBackend } from '../../src/log/topic-backend.js'
import { parseTestFile } from '../../src/qtt/load.js'
import { parsePostSchema, schemaText } from '../../src/qtt/post.js'
import {
  decodeWindowedKey,
  encodeWindowedKey,
  engineProperties,
  readTopic,
  runCase,
  TEST_DEFAULT_PROPERTIES,
  topicsToCreate,
  unsupportedReason,
} from '../../src/qtt/run-case.js'
import { T } from '../../src/types/type.js'

/**
 * A stand-in engine that understands just enough SQL by pattern:
 * - `CREATE STREAM <name> (...) WITH (kafka_topic='<t>', ...)`: a source (INT key `ID`, STRING `V`);
 * - `CREATE STREAM <name> AS SELECT * FROM <src>`: a query copying records to topic `<name>`;
 * - a statement containing `PLAN_ERROR` throws a SqlPlanError; `HANG` makes runUntilIdle spin;
 * - a record value containing `boom` fails the queries with a RecordError.
 */
class FakeEngine implements EngineApi {
  readonly processingLog = []
  readonly defs = new Map<string, SourceDef>()
  readonly queries: { from: string; to: string; read: number }[] = []
  closed = false
  hang = false

  constructor(
    readonly backend: TopicBackend,
    readonly options: EngineOptions,
  ) {}

  source(name: string): SourceDef | undefined {
    return this.defs.get(name)
  }

  sources(): readonly SourceDef[] {
    return [...this.defs.values()]
  }

  private def(name: string, topic: string, writtenBy?: string): SourceDef {
    return {
      name,
      kind: 'STREAM',
      schema: {
        key: [{ name: 'ID', type: T.INTEGER, namespace: 'KEY' }],
        value: [{ name: 'V', type: T.STRING, namespace: 'VALUE' }],
      },
      topic,
      keyFormat: { format: 'KAFKA' },
      valueFormat: { format: 'JSON' },
      keyFeatures: {},
      valueFeatures: {},
      isSource: false,
      ...(writtenBy !== undefined ? { writtenBy } : {}),
      sql: '',
    }
  }

  /** Like the engine: a script runs statement by statement (here: one per line). */
  async execute(script: string): Promise<StatementResult[]> {
    const results: StatementResult[] = []
    for (const sql of script.split('\n')) {
      if (sql.trim() === '') continue
      try {
        results.push(...(await this.executeOne(sql)))
      } catch (err) {
        if (err instanceof EddyError) err.statement = sql
        throw err
      }
    }
    return results
  }

  private async executeOne(sql: string): Promise<StatementResult[]> {
    if (sql.includes('PLAN_ERROR')) throw new SqlPlanError("Column 'PLAN_ERROR' cannot be resolved.")
    if (sql.includes('HANG')) this.hang = true
    const csas = /CREATE STREAM (\w+) AS SELECT \* FROM (\w+)/i.exec(sql)
    if (csas !== null) {
      const [, name, from] = csas as unknown as [string, string, string]
      const src = this.defs.get(from.toUpperCase())
      if (src === undefined) throw new SqlPlanError(`${from} does not exist.`)
      const id = `CSAS_${name.toUpperCase()}_${this.queries.length}`
      if (!(await this.backend.topicExists(name.toUpperCase()))) {
        await this.backend.createTopic(name.toUpperCase(), { partitions: 1 })
      }
      this.defs.set(name.toUpperCase(), this.def(name.toUpperCase(), name.toUpperCase(), id))
      this.queries.push({ from: src.topic, to: name.toUpperCase(), read: 0 })
      return [{ kind: 'QueryStarted', statement: sql, queryId: id, message: `Created query with ID ${id}` }]
    }
    const create = /CREATE STREAM (\w+) .*kafka_topic='(\w+)'/i.exec(sql)
    if (create !== null) {
      const [, name, topic] = create as unknown as [string, string, string]
      this.defs.set(name.toUpperCase(), this.def(name.toUpperCase(), topic))
      return [{ kind: 'CommandStatus', statement: sql, message: 'Stream created' }]
    }
    return [{ kind: 'CommandStatus', statement: sql, message: '' }]
  }

  async runUntilIdle(): Promise<void> {
    while (this.hang) await readTopic(this.backend, 'in')
    for (const q of this.queries) {
      const records = await readTopic(this.backend, q.from)
      const fresh = records.slice(q.read)
      q.read = records.length
      for (const r of fresh) {
        if (r.value !== null && new TextDecoder().decode(r.value).includes('boom')) {
          throw new RecordError('Exception caught in process', r)
        }
      }
      if (fresh.length > 0) {
        await this.backend.produce(
          q.to,
          fresh.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers })),
        )
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true
    await this.backend.close()
  }
}

function harness() {
  const engines: FakeEngine[] = []
  return {
    engines,
    options: {
      createBackend: () => EmbeddedBackend.inMemory(),
      createEngine: async (opts: EngineOptions) => {
        const e = new FakeEngine(opts.backend, opts)
        engines.push(e)
        return e
      },
    },
  }
}

const CREATE_IN = "CREATE STREAM INPUT (ID INT KEY, V STRING) WITH (kafka_topic='in', value_format='JSON');"
const COPY = 'CREATE STREAM OUTPUT AS SELECT * FROM INPUT;'

function variantOf(test: Record<string, unknown>, file = '/x/ksqldb-qtt/f.json') {
  const loaded = parseTestFile(file, JSON.stringify({ tests: [{ name: 'c', ...test }] }))
  const v = loaded.variants[0]
  if (v === undefined) throw new Error(loaded.invalid[0]?.reason ?? 'no variant')
  return v
}

const passthrough = {
  statements: [CREATE_IN, COPY],
  inputs: [
    { topic: 'in', key: 1, value: { V: 'a' }, timestamp: 10 },
    { topic: 'in', key: 2, value: { V: 'b' }, headers: [{ KEY: 'h', VALUE: 'AQI=' }] },
  ],
  outputs: [
    { topic: 'OUTPUT', key: 1, value: { V: 'a' }, timestamp: 10 },
    { topic: 'OUTPUT', key: 2, value: { v: 'b' }, timestamp: 0, headers: [{ KEY: 'h', VALUE: 'AQI=' }] },
  ],
}

describe('runCase', () => {
  it('runs the statements, feeds the inputs and compares the outputs', async () => {
    const h = harness()
    expect(await runCase(variantOf(passthrough), h.options)).toEqual({ status: 'pass' })
    const engine = h.engines[0]!
    expect(engine.closed).toBe(true)
    expect(engine.options.testMode).toBe(true)
    expect(engine.options.properties).toMatchObject(TEST_DEFAULT_PROPERTIES)
  })

  it('creates the topics first and writes every input to partition 0', async () => {
    const h = harness()
    let seen: { partitions: number; inputPartitions: number[] } | undefined
    const createEngine = async (opts: EngineOptions) => {
      const e = await h.options.createEngine(opts)
      const run = e.runUntilIdle.bind(e)
      e.runUntilIdle = async () => {
        const desc = await opts.backend.describeTopic('in')
        const records = await readTopic(opts.backend, 'in')
        seen = { partitions: desc.partitions.length, inputPartitions: records.map((r) => r.partition) }
        await run()
      }
      return e
    }
    const outcome = await runCase(variantOf(passthrough), { ...h.options, createEngine, feed: 'batch' })
    expect(outcome).toEqual({ status: 'pass' })
    expect(seen).toEqual({ partitions: 4, inputPartitions: [0, 0] })
  })

  it.each([
    [
      'a different value',
      [
        { topic: 'OUTPUT', key: 1, value: { V: 'x' } },
        { topic: 'OUTPUT', key: 2, value: { V: 'b' } },
      ],
      'topic OUTPUT, record 0: expected <1, {"V":"x"}> but was <1, {"V":"a"}> ts=10',
    ],
    [
      'a different count',
      [{ topic: 'OUTPUT', key: 1, value: { V: 'a' } }],
      'topic OUTPUT: expected 1 records but got 2: <1, {"V":"a"}> ts=10, <2, {"V":"b"}> ts=0 headers={h=AQI=}',
    ],
  ])('fails on %s', async (_name, outputs, reason) => {
    const outcome = await runCase(variantOf({ ...passthrough, outputs }), harness().options)
    expect(outcome).toEqual({ status: 'fail', reason })
  })

  it.each([
    [
      'expected statement error',
      { type: 'io.confluent.ksql.util.KsqlStatementException', message: 'PLAN_ERROR' },
      'pass',
    ],
    ['other message', { type: 'io.confluent.ksql.util.KsqlStatementException', message: 'nope' }, 'fail'],
    [
      'runtime class for a statement error',
      { type: 'org.apache.kafka.streams.errors.StreamsException' },
      'fail',
    ],
  ])('checks a statement error: %s', async (_name, expectedException, status) => {
    const v = variantOf({
      statements: [CREATE_IN, 'CREATE STREAM OUTPUT AS SELECT PLAN_ERROR FROM INPUT;'],
      expectedException,
    })
    expect((await runCase(v, harness().options)).status).toBe(status)
  })

  it('fails a statement error nobody expected, naming the statement', async () => {
    const v = variantOf({
      ...passthrough,
      statements: [CREATE_IN, 'CREATE STREAM OUTPUT AS SELECT PLAN_ERROR FROM INPUT;'],
    })
    expect(await runCase(v, harness().options)).toEqual({
      status: 'fail',
      reason:
        'statement failed: SqlPlanError: Column \'PLAN_ERROR\' cannot be resolved. in "CREATE STREAM OUTPUT AS SELECT PLAN_ERROR FROM INPUT;"',
    })
  })

  it('reports a syntax error at its line in the joined script, before running anything', async () => {
    const h = harness()
    const v = variantOf({
      statements: [CREATE_IN, 'CREATE STREAM OUTPUT AS SELEKT * FROM INPUT;'],
      expectedException: {
        type: 'io.confluent.ksql.parser.exception.ParseFailedException',
        message: 'line 2:',
      },
    })
    expect(await runCase(v, h.options)).toEqual({ status: 'pass' })
    expect(h.engines[0]!.defs.size).toBe(0)
  })

  it.each([
    [
      'expected',
      { type: 'org.apache.kafka.streams.errors.StreamsException', message: 'Exception caught' },
      'pass',
    ],
    ['statement class', { type: 'io.confluent.ksql.util.KsqlStatementException' }, 'fail'],
  ])('checks a runtime error: %s', async (_name, expectedException, status) => {
    const v = variantOf({
      statements: [CREATE_IN, COPY],
      inputs: [{ topic: 'in', key: 1, value: { V: 'boom' } }],
      expectedException,
    })
    expect((await runCase(v, harness().options)).status).toBe(status)
  })

  it('fails when an expected error does not happen', async () => {
    const v = variantOf({ ...passthrough, expectedException: { message: 'never' } })
    expect(await runCase(v, harness().options)).toEqual({
      status: 'fail',
      reason: 'expected "never", but nothing failed',
    })
  })

  it('fails a case whose statements start no query', async () => {
    const v = variantOf({ ...passthrough, statements: [CREATE_IN] })
    expect(await runCase(v, harness().options)).toEqual({
      status: 'fail',
      reason: 'test did not generate any queries.',
    })
  })

  it('times out a run that never ends, and still closes the engine', async () => {
    const h = harness()
    const v = variantOf({ ...passthrough, statements: [CREATE_IN, `${COPY.slice(0, -1)} -- HANG\n;`] })
    expect(await runCase(v, { ...h.options, timeoutMs: 50 })).toEqual({
      status: 'fail',
      reason: 'timed out after 50 ms',
    })
    expect(h.engines[0]!.closed).toBe(true)
  })

  it('treats an engine that rejects the case properties as a statement error', async () => {
    const createEngine = async (): Promise<EngineApi> => {
      throw new SqlPlanError('Invalid value x for configuration auto.offset.reset')
    }
    const options = { ...harness().options, createEngine }
    const expected = variantOf({
      ...passthrough,
      properties: { 'auto.offset.reset': 'x' },
      expectedException: { type: 'io.confluent.ksql.util.KsqlException', message: 'Invalid value x' },
    })
    expect(await runCase(expected, options)).toEqual({ status: 'pass' })
    expect(
      await runCase(variantOf({ ...passthrough, properties: { 'auto.offset.reset': 'x' } }), options),
    ).toEqual({
      status: 'fail',
      reason:
        'engine rejected the case properties: SqlPlanError: Invalid value x for configuration auto.offset.reset',
    })
  })

  it('checks post conditions', async () => {
    const ok = variantOf({
      ...passthrough,
      post: {
        sources: [
          { name: 'OUTPUT', type: 'stream', schema: 'ID INT KEY, V STRING', keyFormat: { format: 'KAFKA' } },
        ],
        topics: {
          blacklist: '.*-repartition',
          topics: [{ name: 'OUTPUT', keyFormat: { format: 'KAFKA' }, valueFormat: { format: 'JSON' } }],
        },
      },
    })
    expect(await runCase(ok, harness().options)).toEqual({ status: 'pass' })
    const bad = variantOf({
      ...passthrough,
      post: { sources: [{ name: 'OUTPUT', type: 'stream', schema: 'ID BIGINT KEY, V STRING' }] },
    })
    expect(await runCase(bad, harness().options)).toEqual({
      status: 'fail',
      reason:
        'post source OUTPUT: expected schema `ID` BIGINT KEY, `V` STRING but was `ID` INTEGER KEY, `V` STRING',
    })
    const table = variantOf({ ...passthrough, post: { sources: [{ name: 'OUTPUT', type: 'table' }] } })
    expect((await runCase(table, harness().options)).reason).toBe(
      'post source OUTPUT: expected a table, but it is a stream',
    )
    const black = variantOf({ ...passthrough, post: { topics: { blacklist: 'OUT' } } })
    expect((await runCase(black, harness().options)).reason).toBe('post: blacklisted topics found: OUTPUT')
  })

  it.each([
    ['disabled', { ...passthrough, enabled: false }, { status: 'skip', reason: 'disabled (enabled: false)' }],
    [
      'a test-only UDF',
      { ...passthrough, statements: [CREATE_IN, 'CREATE STREAM OUTPUT AS SELECT test_udf(V) FROM INPUT;'] },
      { status: 'unsupported', reason: 'test-only function TEST_UDF is not registered' },
    ],
  ])('does not run %s', async (_name, test, outcome) => {
    const h = harness()
    expect(await runCase(variantOf(test), h.options)).toEqual(outcome)
    expect(h.engines).toHaveLength(0)
  })
})

describe('unsupportedReason', () => {
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['plain JSON', passthrough, undefined],
    [
      'PROTOBUF format variant (embedded registry)',
      { ...passthrough, format: ['PROTOBUF'], statements: [CREATE_IN, COPY] },
      undefined,
    ],
    [
      'PROTOBUF key format',
      {
        ...passthrough,
        statements: [CREATE_IN.replace("value_format='JSON'", "key_format='protobuf'"), COPY],
      },
      undefined,
    ],
    [
      'PROTOBUF topic schema',
      {
        ...passthrough,
        topics: [{ name: 'in', valueSchema: 'syntax = "proto3"; message M { int32 a = 1; }' }],
      },
      undefined,
    ],
    [
      'PROTOBUF default format property',
      { ...passthrough, properties: { 'ksql.persistence.default.format.value': 'PROTOBUF' } },
      undefined,
    ],
    [
      'column named like a format',
      { ...passthrough, statements: [CREATE_IN.replace('V STRING', 'AVRO_COL STRING'), COPY] },
      undefined,
    ],
    [
      'a function whose name ends like a test UDF',
      { ...passthrough, statements: [CREATE_IN, 'CREATE STREAM O AS SELECT MY_VAR_ARG(V) FROM INPUT;'] },
      undefined,
    ],
  ])('%s', (_name, test, reason) => {
    expect(unsupportedReason(variantOf(test))).toBe(reason)
  })

  it('accepts registered test functions', () => {
    const v = variantOf({
      ...passthrough,
      statements: [CREATE_IN, 'CREATE STREAM O AS SELECT TEST_UDF(V) FROM INPUT;'],
    })
    expect(unsupportedReason(v, new Set(['TEST_UDF']))).toBeUndefined()
  })
})

describe('topicsToCreate', () => {
  it('takes topic nodes, then CREATE statements, then records', () => {
    const v = variantOf({
      statements: [
        CREATE_IN,
        "CREATE STREAM B (ID INT KEY) WITH (kafka_topic='b', value_format='JSON', partitions=2, replicas=3);",
        "CREATE STREAM N (ID INT KEY) WITH (kafka_topic='node', value_format='JSON');",
        COPY,
      ],
      topics: [{ name: 'node', partitions: 7 }],
      inputs: [
        { topic: 'in', value: {} },
        { topic: 'other', value: {} },
      ],
      outputs: [{ topic: 'OUTPUT', value: {} }],
    })
    expect(Object.fromEntries(topicsToCreate(v))).toEqual({
      node: { partitions: 7, replicas: 1 },
      in: { partitions: 4, replicas: 1 },
      b: { partitions: 2, replicas: 3 },
      other: { partitions: 4, replicas: 1 },
      OUTPUT: { partitions: 4, replicas: 1 },
    })
  })

  it("a topic node without partitions takes the PARTITIONS of a statement's topic, else 1", () => {
    const v = variantOf({
      statements: [
        "CREATE TABLE L WITH (kafka_topic='left', partitions=128, format='AVRO');",
        "CREATE STREAM R (ID INT KEY) WITH (kafka_topic='right', value_format='JSON');",
      ],
      topics: [{ name: 'left' }, { name: 'right' }],
      inputs: [{ topic: 'left', value: {} }],
    })
    expect(Object.fromEntries(topicsToCreate(v))).toEqual({
      left: { partitions: 128, replicas: 1 },
      right: { partitions: 1, replicas: 1 },
    })
  })
})

describe('engineProperties', () => {
  it('adds the case properties to the test defaults, as text, without runner-only ones', () => {
    const v = variantOf({
      ...passthrough,
      properties: {
        'ksql.sink.partitions': 2,
        'use.exact.numeric.comparison': false,
        'auto.offset.reset': 'latest',
      },
    })
    expect(engineProperties(v)).toEqual({
      'ksql.service.id': 'some.ksql.service.id',
      'auto.offset.reset': 'latest',
      'cache.max.bytes.buffering': '0',
      'ksql.sink.partitions': '2',
    })
  })
})

describe('windowed keys', () => {
  it.each([
    [{ start: 1000, end: 2000, type: 'time' as const }, { type: 'TUMBLING' as const, sizeMs: 1000 }, 8],
    [{ start: 5, end: 465, type: 'session' as const }, { type: 'SESSION' as const }, 16],
  ])('round-trips %o', (window, info, extra) => {
    const inner = new Uint8Array([0x61, 0x62])
    const bytes = encodeWindowedKey(inner, window)
    expect(bytes.length).toBe(inner.length + extra)
    const decoded = decodeWindowedKey(bytes, info)
    expect([...decoded.inner]).toEqual([0x61, 0x62])
    expect(decoded.window).toEqual(window)
  })
})

describe('parsePostSchema', () => {
  it.each([
    ['ID BIGINT KEY, NAME STRING', '`ID` BIGINT KEY, `NAME` STRING'],
    ['K INT PRIMARY KEY, TEXT STRING', '`K` INTEGER KEY, `TEXT` STRING'],
    [
      "`id` INT KEY, `c1` DECIMAL(4, 2), H BYTES HEADER('h'), HS ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS",
      "`id` INTEGER KEY, `c1` DECIMAL(4, 2), `H` BYTES HEADER('h'), `HS` ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS",
    ],
  ])('%s', (text, expected) => {
    expect(schemaText(parsePostSchema(text))).toBe(expected)
  })
})
