import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { QueryRuntimeError } from '../../src/errors.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { MemorySchemaRegistry } from '../../src/serde/schema-registry.js'
import { engineOver, feed, readAll } from './topic-helpers.js'

/** Runs `fn`, returning what it threw (undefined when nothing). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
    return undefined
  } catch (e) {
    return e
  }
}

describe('errors that stop a persistent query', () => {
  it('a DECIMAL SUM overflow: "Exception caught in process", earlier output kept', async () => {
    const e = await engineOver('in')
    await e.execute(`
      CREATE STREAM TEST (ID BIGINT KEY, V DECIMAL(3,1)) WITH (kafka_topic='in', value_format='JSON', key_format='JSON');
      CREATE TABLE S2 AS SELECT ID, SUM(V) AS S FROM TEST GROUP BY ID;`)
    await feed(e, 'in', '1', '{"V": 50.9}', 0)
    await e.backend.produce('in', [
      { key: new TextEncoder().encode('1'), value: new TextEncoder().encode('{"V": 50.8}'), timestamp: 1 },
    ])
    const err = await thrown(() => e.runUntilIdle())
    expect(err).toBeInstanceOf(QueryRuntimeError)
    const message = (err as Error).message
    expect(message).toMatch(/^Exception caught in process\. taskId=0_0, .*topic=in, partition=0, offset=1,/)
    expect(((err as Error).cause as Error).message).toContain('Numeric field overflow')
    expect((await readAll(e.backend, 'S2')).map((r) => r.value)).toEqual(['{"S":50.9}'])
    await e.close()
  })

  it('a sink serialization error: "Unable to serialize record" as the cause', async () => {
    const backend = EmbeddedBackend.inMemory()
    await backend.createTopic('in', { partitions: 1 })
    const registry = new MemorySchemaRegistry()
    // The sink's schema (by id) has a required field the query does not write.
    const id = registry.register('OUT-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'blah',
        fields: [
          { name: 'C1', type: 'int' },
          { name: 'C2', type: 'double' },
        ],
      }),
    })
    const e = await Engine.create({
      backend,
      schemaRegistry: registry,
      properties: { 'auto.offset.reset': 'earliest' },
    })
    await e.execute(`
      CREATE STREAM INPUT (C1 INT) WITH (kafka_topic='in', value_format='JSON');
      CREATE STREAM OUT WITH (value_format='AVRO', value_schema_id=${id}) AS SELECT * FROM INPUT;`)
    await backend.produce('in', [{ key: null, value: new TextEncoder().encode('{"C1": 4}'), timestamp: 0 }])
    const err = await thrown(() => e.runUntilIdle())
    expect((err as Error).message).toMatch(/^Exception caught in process\./)
    expect(((err as Error).cause as Error).message).toMatch(/^Unable to serialize record\./)
    await e.close()
  })
})

describe('INSERT INTO implicit casts (ImplicitlyCastResolver)', () => {
  it.each([
    ['1', 'DECIMAL(5,2)', '1.00'],
    ['2.0', 'DECIMAL(5,2)', '2.00'],
    ['-0.5', 'DECIMAL(3,2)', '-0.50'],
  ])('%s into %s', async (literal, type, expected) => {
    const e = await engineOver('src', 'target')
    await e.execute(`
      CREATE STREAM SOURCE (IGNORED VARCHAR) WITH (kafka_topic='src', value_format='JSON');
      CREATE STREAM TARGET (C1 ${type}) WITH (kafka_topic='target', value_format='JSON');
      INSERT INTO TARGET SELECT ${literal} AS C1 FROM SOURCE;`)
    await feed(e, 'src', 'k', '{"IGNORED": "x"}', 0)
    expect((await readAll(e.backend, 'target')).map((r) => r.value)).toEqual([`{"C1":${expected}}`])
    await e.close()
  })

  it('a literal the DECIMAL cannot hold without loss is not cast', async () => {
    const e = await engineOver('src', 'target')
    await e.execute(`
      CREATE STREAM SOURCE (IGNORED VARCHAR) WITH (kafka_topic='src', value_format='JSON');
      CREATE STREAM TARGET (C1 DECIMAL(3,2)) WITH (kafka_topic='target', value_format='JSON');`)
    await expect(e.execute('INSERT INTO TARGET SELECT 1.005 AS C1 FROM SOURCE;')).rejects.toThrow(
      'Incompatible schema between results and sink.',
    )
    await e.close()
  })
})

describe('format properties (Format.validateProperties)', () => {
  it.each([
    [
      "value_format='JSON', VALUE_AVRO_SCHEMA_FULL_NAME='com.custom.schema'",
      'JSON does not support the following configs: [fullSchemaName]',
    ],
    [
      "value_format='AVRO', VALUE_SCHEMA_FULL_NAME=' '",
      'fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}',
    ],
  ])('%s', async (props, message) => {
    const e = await engineOver('in')
    await expect(
      e.execute(`CREATE STREAM INPUT (K STRING KEY, FOO STRING) WITH (kafka_topic='in', ${props});`),
    ).rejects.toThrow(message)
    await e.close()
  })
})

describe('joins on a schema-registry key format (forced repartition)', () => {
  it('time windows of both sides come back in the left key format (its window size)', async () => {
    const e = await engineOver('l', 'r')
    await e.execute(`
      CREATE STREAM S1 (ID INT KEY, V BIGINT) WITH (kafka_topic='l', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');
      CREATE STREAM S2 (ID INT KEY, V BIGINT) WITH (kafka_topic='r', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');`)
    const plan = await e.execute(
      'CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;',
    )
    expect(plan[0]?.kind).toBe('QueryStarted')
    const internal = (await e.backend.listTopics()).filter((t) => t.includes('-Join-'))
    expect(internal.sort()).toEqual([
      '_confluent-ksql-default_query_CSAS_OUTPUT_0-Join-left-repartition',
      '_confluent-ksql-default_query_CSAS_OUTPUT_0-Join-right-repartition',
    ])
    await e.close()
  })

  it('windowed tables cannot be repartitioned for it', async () => {
    const e = await engineOver('l', 'r')
    await e.execute(`
      CREATE TABLE T1 (ID INT PRIMARY KEY, V BIGINT) WITH (kafka_topic='l', key_format='AVRO', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='5 SECONDS');
      CREATE TABLE T2 (ID INT PRIMARY KEY, V BIGINT) WITH (kafka_topic='r', key_format='AVRO', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='5 SECONDS');`)
    await expect(
      e.execute('CREATE TABLE OUTPUT AS SELECT T1.ID, T1.V, T2.V AS V2 FROM T1 JOIN T2 ON T1.ID = T2.ID;'),
    ).rejects.toThrow(
      'ksqlDB does not support joins on windowed sources with Schema-Registry-enabled key formats',
    )
    await e.close()
  })
})
