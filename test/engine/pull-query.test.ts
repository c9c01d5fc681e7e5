import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import type { PushQueryResult } from '../../src/engine/results.js'
import { SqlPlanError } from '../../src/errors.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { Value } from '../../src/types/values.js'

/** Values with BIGINT as number, for readable expectations. */
function plain(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(plain)
  return v
}

async function pull(engine: Engine, sql: string): Promise<{ result: PushQueryResult; rows: unknown[][] }> {
  const [result] = await engine.execute(sql)
  if (result?.kind !== 'PushQuery') throw new Error(`expected query rows from ${sql}`)
  const rows: unknown[][] = []
  for await (const r of result.rows) rows.push(r.values.map(plain))
  return { result, rows }
}

async function pullError(engine: Engine, sql: string): Promise<string> {
  try {
    await pull(engine, sql)
  } catch (err) {
    expect(err).toBeInstanceOf(SqlPlanError)
    return (err as Error).message
  }
  throw new Error(`expected ${sql} to fail`)
}

const header = (r: PushQueryResult) =>
  r.schema.value.map((c) => `${c.name}${c.namespace === 'KEY' ? ' KEY' : ''}`)

let engine: Engine

beforeEach(async () => {
  engine = await Engine.create({
    backend: EmbeddedBackend.inMemory(),
    properties: { 'auto.offset.reset': 'earliest' },
    testMode: true,
  })
  await engine.execute(`
    CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (kafka_topic='input', value_format='JSON', partitions=1);
    CREATE TABLE AGG AS SELECT ID, COUNT(1) AS CNT, SUM(V) AS TOTAL FROM INPUT GROUP BY ID;
    CREATE TABLE WIN AS SELECT ID, COUNT(1) AS CNT FROM INPUT WINDOW TUMBLING(SIZE 1 SECOND) GROUP BY ID;
    INSERT INTO INPUT (ROWTIME, ID, V) VALUES (12345, 'b', 1);
    INSERT INTO INPUT (ROWTIME, ID, V) VALUES (13345, 'b', 2);
    INSERT INTO INPUT (ROWTIME, ID, V) VALUES (12400, 'a', 5);
    INSERT INTO INPUT (ROWTIME, ID, V) VALUES (12500, 'c', 7);
    INSERT INTO INPUT (ROWTIME, ID, V) VALUES (14500, 'd', 3);
  `)
  await engine.runUntilIdle()
})

afterEach(async () => {
  await engine.close()
})

describe('pull queries on tables', () => {
  it('reads one key, marks key columns and keeps the projection order', async () => {
    const { result, rows } = await pull(engine, `SELECT TOTAL, ID FROM AGG WHERE ID = 'b';`)
    expect(result.pull).toBe('TABLE')
    expect(header(result)).toEqual(['TOTAL', 'ID KEY'])
    expect(rows).toEqual([[3, 'b']])
  })

  it('returns nothing for a missing key', async () => {
    expect((await pull(engine, `SELECT * FROM AGG WHERE ID = 'zz';`)).rows).toEqual([])
  })

  it('reads several keys with IN and with ORs of equalities, in key order', async () => {
    expect((await pull(engine, `SELECT ID, CNT FROM AGG WHERE ID IN ('c', 'a', 'zz');`)).rows).toEqual([
      ['a', 1],
      ['c', 1],
    ])
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID = 'd' OR ID = 'b';`)).rows).toEqual([
      ['b'],
      ['d'],
    ])
  })

  it('reads a key range (exclusive and inclusive bounds, BETWEEN)', async () => {
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID > 'a' AND ID <= 'c';`)).rows).toEqual([
      ['b'],
      ['c'],
    ])
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID BETWEEN 'b' AND 'd';`)).rows).toEqual([
      ['b'],
      ['c'],
      ['d'],
    ])
    expect((await pull(engine, `SELECT ID FROM AGG WHERE 'c' < ID;`)).rows).toEqual([['d']])
  })

  it('filters on value columns (a table scan), alone or with a key condition', async () => {
    expect((await pull(engine, `SELECT ID, TOTAL FROM AGG WHERE TOTAL >= 3;`)).rows).toEqual([
      ['a', 5],
      ['b', 3],
      ['c', 7],
      ['d', 3],
    ])
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID IN ('a', 'b') AND CNT > 1;`)).rows).toEqual([
      ['b'],
    ])
  })

  it('computes expressions, ROWTIME and synthetic names', async () => {
    const { result, rows } = await pull(
      engine,
      `SELECT CNT * 10, ROWTIME, UCASE(ID) AS UP FROM AGG WHERE ID = 'b';`,
    )
    expect(header(result)).toEqual(['KSQL_COL_0', 'ROWTIME', 'UP'])
    expect(rows).toEqual([[20, 13345, 'B']])
  })

  it('reads a windowed table with WINDOWSTART / WINDOWEND bounds', async () => {
    const all = await pull(engine, `SELECT * FROM WIN WHERE ID = 'b';`)
    expect(header(all.result)).toEqual(['ID KEY', 'WINDOWSTART KEY', 'WINDOWEND KEY', 'CNT'])
    expect(all.rows).toEqual([
      ['b', 12000, 13000, 1],
      ['b', 13000, 14000, 1],
    ])
    expect(
      (await pull(engine, `SELECT ID, WINDOWSTART FROM WIN WHERE ID = 'b' AND WINDOWSTART >= 13000;`)).rows,
    ).toEqual([['b', 13000]])
    expect(
      (
        await pull(
          engine,
          `SELECT ID, WINDOWEND FROM WIN WHERE WINDOWEND <= 13000 AND ID IN ('a', 'b', 'c');`,
        )
      ).rows,
    ).toEqual([
      ['a', 13000],
      ['b', 13000],
      ['c', 13000],
    ])
    expect(
      (await pull(engine, `SELECT ID FROM WIN WHERE ID = 'b' AND WINDOWSTART = '1970-01-01T00:00:13.000';`))
        .rows,
    ).toEqual([['b']])
  })

  it('reads a CREATE SOURCE TABLE from its topic: upserts and tombstones applied', async () => {
    const enc = new TextEncoder()
    await engine.execute(
      `CREATE SOURCE TABLE SRC (K STRING PRIMARY KEY, X INT) WITH (kafka_topic='src', value_format='JSON', partitions=1);`,
    )
    const rec = (k: string, v: string | null) => ({
      key: enc.encode(k),
      value: v === null ? null : enc.encode(v),
      timestamp: 1,
    })
    await engine.backend.produce('src', [
      rec('p', '{"X":1}'),
      rec('q', '{"X":2}'),
      rec('p', '{"X":3}'),
      rec('q', null),
    ])
    expect((await pull(engine, `SELECT * FROM SRC;`)).rows).toEqual([['p', 3]])
  })
})

describe('ORDER BY and LIMIT', () => {
  it('sorts by any column, ascending or descending, then limits', async () => {
    expect((await pull(engine, `SELECT ID, TOTAL FROM AGG ORDER BY TOTAL DESC LIMIT 2;`)).rows).toEqual([
      ['c', 7],
      ['a', 5],
    ])
    expect((await pull(engine, `SELECT ID, TOTAL FROM AGG ORDER BY TOTAL, ID DESC;`)).rows).toEqual([
      ['d', 3],
      ['b', 3],
      ['a', 5],
      ['c', 7],
    ])
  })

  it('orders by an output alias', async () => {
    expect((await pull(engine, `SELECT ID, TOTAL * -1 AS NEG FROM AGG ORDER BY NEG LIMIT 1;`)).rows).toEqual([
      ['c', -7],
    ])
  })

  it('serves ORDER BY on the key from the key order, forwards and backwards', async () => {
    expect((await pull(engine, `SELECT ID FROM AGG ORDER BY ID DESC;`)).rows).toEqual([
      ['d'],
      ['c'],
      ['b'],
      ['a'],
    ])
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID >= 'b' ORDER BY ID DESC LIMIT 2;`)).rows).toEqual(
      [['d'], ['c']],
    )
    expect(
      (await pull(engine, `SELECT ID, WINDOWSTART FROM WIN ORDER BY ID DESC, WINDOWSTART DESC LIMIT 3;`))
        .rows,
    ).toEqual([
      ['d', 14000],
      ['c', 12000],
      ['b', 13000],
    ])
  })

  it('LIMIT 0 returns no rows', async () => {
    expect((await pull(engine, `SELECT * FROM AGG LIMIT 0;`)).rows).toEqual([])
  })
})

describe('pull queries on streams', () => {
  it('scan the topic in offset order, filter, project and stop', async () => {
    const { result, rows } = await pull(engine, `SELECT ID, V * 2 AS DOUBLED FROM INPUT WHERE V > 1;`)
    expect(result.pull).toBe('STREAM')
    expect(rows).toEqual([
      ['b', 4],
      ['a', 10],
      ['c', 14],
      ['d', 6],
    ])
  })

  it('LIMIT and ORDER BY', async () => {
    expect((await pull(engine, `SELECT V FROM INPUT LIMIT 2;`)).rows).toEqual([[1], [2]])
    expect((await pull(engine, `SELECT ID, V FROM INPUT ORDER BY V DESC LIMIT 2;`)).rows).toEqual([
      ['c', 7],
      ['a', 5],
    ])
  })
})

describe('ksqlDB error messages', () => {
  const HELP =
    'See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.'

  it('rejects clauses pull queries do not support', async () => {
    expect(await pullError(engine, `SELECT * FROM AGG WHERE ID = 'a' GROUP BY ID;`)).toBe(
      `Pull queries don't support GROUP BY clauses. ${HELP}`,
    )
    expect(await pullError(engine, `SELECT * FROM INPUT WINDOW TUMBLING (SIZE 1 SECOND);`)).toBe(
      `Pull queries don't support WINDOW clauses. ${HELP}`,
    )
    expect(await pullError(engine, `SELECT * FROM AGG A JOIN INPUT I ON A.ID = I.ID;`)).toBe(
      `Pull queries don't support JOIN clauses. ${HELP}`,
    )
  })

  it('rejects ROWPARTITION / ROWOFFSET', async () => {
    expect(await pullError(engine, `SELECT ID, ROWOFFSET FROM INPUT;`)).toBe(
      "Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`",
    )
    expect(await pullError(engine, `SELECT * FROM INPUT WHERE ROWPARTITION = 0;`)).toBe(
      "Pull queries don't support the following columns in WHERE clauses: `ROWPARTITION`",
    )
  })

  it('rejects a table that is not materialized', async () => {
    await engine.execute(
      `CREATE TABLE PLAIN (K STRING PRIMARY KEY, X INT) WITH (kafka_topic='plain', value_format='JSON', partitions=1);`,
    )
    expect(await pullError(engine, `SELECT * FROM PLAIN;`)).toBe(
      "The `PLAIN` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_PLAIN AS SELECT * FROM PLAIN'. See https://cnfl.io/queries for more info.",
    )
  })

  it('type errors in WHERE name the comparison; window bounds need a windowed table', async () => {
    expect(await pullError(engine, `SELECT * FROM AGG WHERE ID = 10;`)).toBe(
      'Error in WHERE expression: Cannot compare ID (STRING) to 10 (INTEGER) with EQUAL.\nStatement: (ID = 10)',
    )
    expect(await pullError(engine, `SELECT * FROM AGG WHERE WINDOWSTART = 10;`)).toContain(
      "WHERE column 'WINDOWSTART' cannot be resolved",
    )
    expect(await pullError(engine, `SELECT * FROM AGG WHERE ID IN (NULL);`)).toBe(
      'Primary key columns can not be NULL: (ID = null)',
    )
    expect(await pullError(engine, `SELECT * FROM AGG WHERE CNT LIKE 'x%';`)).toBe(
      'The column type for Like condition must be VARCHAR. The column type is BIGINT',
    )
  })

  it('duplicate output names and negative LIMIT', async () => {
    expect(await pullError(engine, `SELECT CNT, CNT FROM AGG;`)).toBe(
      'Duplicate value columns found in schema: `CNT` BIGINT',
    )
    expect(await pullError(engine, `SELECT * FROM AGG LIMIT -1;`)).toContain(
      "Pull queries don't support negative integers in the LIMIT clause.",
    )
  })

  it('with table scans disabled, only key lookups are allowed', async () => {
    await engine.execute(`SET 'ksql.query.pull.table.scan.enabled'='false';`)
    expect(await pullError(engine, `SELECT * FROM AGG WHERE CNT = 1;`)).toBe(
      'WHERE clause missing key column for disjunct: (CNT = 1)',
    )
    expect(await pullError(engine, `SELECT * FROM AGG WHERE ID > 'a';`)).toBe(
      'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
    )
    expect(await pullError(engine, `SELECT * FROM AGG WHERE ID = UCASE(ID);`)).toBe(
      'A comparison must be between a key column and a resolvable expression.',
    )
    expect((await pull(engine, `SELECT ID FROM AGG WHERE ID = 'a';`)).rows).toEqual([['a']])
  })

  it('disabled LIMIT', async () => {
    await engine.execute(`SET 'ksql.query.pull.limit.clause.enabled'='false';`)
    expect(await pullError(engine, `SELECT * FROM INPUT LIMIT 1;`)).toBe(
      `LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true. ${HELP}`,
    )
  })
})
