import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { EddyError } from '../../src/errors.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { partitionForKey } from '../../src/log/murmur2.js'
import { decodeWindowedKey } from '../../src/serde/windowed-key.js'

const enc = new TextEncoder()

async function engine(): Promise<Engine> {
  return Engine.create({
    backend: EmbeddedBackend.inMemory(),
    properties: { 'auto.offset.reset': 'earliest' },
    followPushQueries: false,
  })
}

/** The rows of a push query that ends once it has read its input: values, `!` marking a tombstone. */
async function rows(e: Engine, sql: string): Promise<unknown[][]> {
  const [r] = await e.execute(sql)
  if (r?.kind !== 'PushQuery') throw new Error('expected a push query')
  const out: unknown[][] = []
  for await (const row of r.rows) out.push(row.tombstone === true ? ['!', ...row.values] : [...row.values])
  return out
}

async function produce(e: Engine, topic: string, records: [string, string | null][]): Promise<void> {
  await e.backend.produce(
    topic,
    records.map(([k, v], i) => ({
      key: enc.encode(k),
      value: v === null ? null : enc.encode(v),
      timestamp: i + 1,
    })),
  )
  await e.runUntilIdle()
}

describe('transient push query output', () => {
  it('drops stream records with a null value; a table delete is a tombstone row with its key', async () => {
    const e = await engine()
    await e.execute(`
      CREATE STREAM s (K STRING KEY, ID INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');
      CREATE TABLE t (K STRING PRIMARY KEY, ID INT) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON');`)
    const records: [string, string | null][] = [
      ['a', '{"ID":1}'],
      ['a', null],
      ['b', '{"ID":2}'],
    ]
    await produce(e, 's', records)
    await produce(e, 't', records)
    expect(await rows(e, 'SELECT * FROM s EMIT CHANGES;')).toEqual([
      ['a', 1],
      ['b', 2],
    ])
    expect(await rows(e, 'SELECT * FROM t EMIT CHANGES;')).toEqual([
      ['a', 1],
      ['!', 'a', null],
      ['b', 2],
    ])
    await e.close()
  })

  it('fills the window bounds of a windowed table tombstone', async () => {
    const e = await engine()
    await e.execute(`
      CREATE STREAM s (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');
      CREATE TABLE agg AS SELECT K, SUM(V) AS S FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K HAVING SUM(V) > 0;`)
    await produce(e, 's', [
      ['a', '{"V":10}'],
      ['a', '{"V":-20}'],
      ['a', '{"V":21}'],
    ])
    expect(await rows(e, 'SELECT * FROM agg EMIT CHANGES;')).toEqual([
      ['a', 0n, 1000n, 10],
      ['!', 'a', 0n, 1000n, null],
      ['a', 0n, 1000n, 11],
    ])
    expect(await rows(e, 'SELECT S, WINDOWEND FROM agg EMIT CHANGES;')).toEqual([
      [10, 1000n],
      ['!', null, 1000n],
      [11, 1000n],
    ])
    await e.close()
  })

  it('filters a source table without deleting rows it never emitted', async () => {
    const e = await engine()
    await e.execute(
      "CREATE TABLE t (K STRING PRIMARY KEY, ID INT) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON');",
    )
    await produce(e, 't', [
      ['a', '{"ID":1}'], // never matches: no output
      ['b', '{"ID":5}'],
      ['b', '{"ID":2}'], // b matched before: its delete
      ['c', null], // a delete of a key never emitted: nothing
    ])
    expect(await rows(e, 'SELECT * FROM t WHERE ID > 3 EMIT CHANGES;')).toEqual([
      ['b', 5],
      ['!', 'b', null],
    ])
    await e.close()
  })
})

describe('windowed joins and aggregations', () => {
  it('SELECT * over a join of windowed sources selects each side’s window bounds', async () => {
    const e = await engine()
    await e.execute(`
      CREATE STREAM s1 (K INT KEY, ID BIGINT) WITH (KAFKA_TOPIC='l', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');
      CREATE STREAM s2 (K INT KEY, ID BIGINT) WITH (KAFKA_TOPIC='r', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');
      CREATE STREAM out AS SELECT * FROM s1 JOIN s2 WITHIN 1 MINUTE ON s1.K = s2.K;`)
    const out = e.sources().find((s) => s.name === 'OUT')
    expect(out?.schema.value.map((c) => c.name)).toEqual([
      'S1_WINDOWSTART',
      'S1_WINDOWEND',
      'S1_ID',
      'S2_K',
      'S2_WINDOWSTART',
      'S2_WINDOWEND',
      'S2_ID',
    ])
    await e.close()
  })

  const bounds =
    'Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.'
  it.each([
    [
      'WHERE',
      'SELECT COUNT(1) FROM s WINDOW TUMBLING (SIZE 1 SECOND) WHERE WINDOWSTART > 1000 GROUP BY K',
      'Error in WHERE expression: Unknown column WINDOWSTART.',
    ],
    [
      'HAVING',
      'SELECT COUNT(1) FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K HAVING MIN(WINDOWSTART) > 1000',
      bounds,
    ],
    [
      'an aggregate argument',
      'SELECT K, MAX(WINDOWSTART) FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K',
      bounds,
    ],
    ['GROUP BY', 'SELECT COUNT(1) FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K, WINDOWSTART', bounds],
  ])('rejects the window bounds of a windowed aggregation in %s', async (_where, sql, message) => {
    const e = await engine()
    await e.execute(
      "CREATE STREAM s (K INT KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');",
    )
    await expect(e.execute(`${sql} EMIT CHANGES;`)).rejects.toThrow(message)
    // In the SELECT clause they are fine.
    await e.execute(
      'SELECT K, WINDOWSTART, COUNT(1) FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K EMIT CHANGES LIMIT 1;',
    )
    await e.close()
  })

  it('rejects a foreign-key join of windowed tables', async () => {
    const e = await engine()
    await e.execute(`
      CREATE TABLE l (K STRING PRIMARY KEY, F STRING) WITH (KAFKA_TOPIC='l', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='1 SECOND');
      CREATE TABLE r (K STRING PRIMARY KEY, ID INT) WITH (KAFKA_TOPIC='r', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='1 SECOND');`)
    await expect(e.execute('SELECT * FROM l JOIN r ON l.F = r.K EMIT CHANGES;')).rejects.toThrow(
      'Foreign-key table-table joins are not supported on windowed tables.',
    )
    await e.close()
  })

  it('writes a windowed key to the partition of its inner key (WindowedStreamPartitioner)', async () => {
    const e = await Engine.create({
      backend: EmbeddedBackend.inMemory(),
      properties: { 'auto.offset.reset': 'earliest' },
    })
    await e.execute(`
      CREATE STREAM s (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=4, VALUE_FORMAT='JSON');
      CREATE TABLE agg AS SELECT K, COUNT(1) AS N FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K;`)
    await e.backend.produce(
      's',
      ['a', 'b', 'c', 'd', 'e'].flatMap((k) =>
        [0, 5000].map((ts) => ({ key: enc.encode(k), value: enc.encode('{"V":1}'), timestamp: ts })),
      ),
    )
    await e.runUntilIdle()
    const info = { type: 'TUMBLING' as const, sizeMs: 1000 }
    let seen = 0
    for await (const b of e.backend.consume('AGG', { follow: false })) {
      for (const r of b.records) {
        const inner = decodeWindowedKey(r.key as Uint8Array, info).inner
        expect(b.partition).toBe(partitionForKey(inner, 4))
        seen++
      }
    }
    expect(seen).toBe(10)
    await e.close()
  })
})

describe('LIMIT', () => {
  it('a non-integer LIMIT fails while the statement is prepared', async () => {
    const e = await engine()
    await e.execute(
      "CREATE STREAM s (K INT KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');",
    )
    const err = await e.execute('SELECT * FROM s LIMIT 2.5;').catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EddyError)
    expect((err as EddyError).message).toBe('Value must be integer for command: LIMIT')
    expect((err as EddyError).prepare).toBe(true)
    await e.close()
  })
})
