import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import { Engine } from '../../src/engine/engine.js'
import { requiredColumns } from '../../src/engine/query-upgrade.js'
import { pairDeclarations } from '../../src/engine/upgrade-state.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'

const dec = new TextDecoder()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const PROPS = { 'auto.offset.reset': 'earliest' }

/** The two engines an upgrade must work on: state in memory, or in LevelDB under a data directory. */
const ENGINES: readonly [string, () => Promise<{ engine: Engine; reopen: () => Promise<Engine> }>][] = [
  [
    'in memory',
    async () => {
      const engine = await Engine.create({ backend: EmbeddedBackend.inMemory(), properties: PROPS })
      return { engine, reopen: () => Promise.reject(new Error('an in-memory engine cannot reopen')) }
    },
  ],
  [
    'with a data directory',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eddy-upgrade-'))
      dirs.push(dir)
      return {
        engine: await Engine.open(dir, { properties: PROPS }),
        reopen: () => Engine.open(dir, { properties: PROPS }),
      }
    },
  ],
]

/** Every record of a topic as `key -> value` text (INT keys, null for a tombstone), in offset order. */
async function records(engine: Engine, topic: string): Promise<string[]> {
  const out: string[] = []
  for await (const b of engine.backend.consume(topic, { follow: false })) {
    for (const r of b.records) {
      const key = r.key === null ? 'null' : Buffer.from(r.key).readInt32BE(0)
      out.push(`${key} -> ${r.value === null ? 'null' : dec.decode(r.value)}`)
    }
  }
  return out
}

/** Runs each statement, then lets the queries process what it wrote. */
async function run(engine: Engine, sql: string): Promise<void> {
  for (const p of parseStatements(sql)) {
    await engine.execute(`${p.text};`)
    await engine.runUntilIdle()
  }
}

describe.each(ENGINES)(
  'CREATE OR REPLACE ... AS SELECT upgrades a running query in place (%s)',
  (_, make) => {
    it('keeps the query id and resumes after the last processed record: later records go through the new plan', async () => {
      const { engine } = await make()
      await run(
        engine,
        `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
       CREATE STREAM b AS SELECT * FROM a WHERE col1 > 0;
       INSERT INTO a (id, col1) VALUES (1, 0);
       INSERT INTO a (id, col1) VALUES (2, 5);`,
      )
      const [result] = await engine.execute(
        'CREATE OR REPLACE STREAM b AS SELECT id, col1, col1 * 10 AS x FROM a;',
      )
      expect(result).toMatchObject({ kind: 'QueryStarted', queryId: 'CSAS_B_0' })
      await run(engine, 'INSERT INTO a (id, col1) VALUES (3, 0);')
      // (1, 0) was filtered by the old plan and is not processed again.
      expect(await records(engine, 'B')).toEqual(['2 -> {"COL1":5}', '3 -> {"COL1":0,"X":0}'])
      expect(engine.persistentQueries().map((q) => q.id)).toEqual(['CSAS_B_0'])
      // The upgrade consumed no query id.
      const [next] = await engine.execute('CREATE STREAM c AS SELECT * FROM a;')
      expect(next).toMatchObject({ queryId: 'CSAS_C_1' })
      await engine.close()
    })

    it('an aggregation keeps its state when its filter changes', async () => {
      const { engine } = await make()
      await run(
        engine,
        `CREATE STREAM foo (id INT KEY, col1 INT) WITH (kafka_topic='foo', value_format='JSON', partitions=1);
       CREATE TABLE bar AS SELECT id, COUNT(*) AS n FROM foo WHERE col1 >= 0 GROUP BY id;
       INSERT INTO foo (id, col1) VALUES (1, 0);
       INSERT INTO foo (id, col1) VALUES (2, 0);
       CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(*) AS n FROM foo WHERE col1 > 0 GROUP BY id;
       INSERT INTO foo (id, col1) VALUES (1, 0);
       INSERT INTO foo (id, col1) VALUES (2, 1);`,
      )
      expect(await records(engine, 'BAR')).toEqual(['1 -> {"N":1}', '2 -> {"N":1}', '2 -> {"N":2}'])
      await engine.close()
    })

    it('a filter added over a table starts with no record of what was emitted (no tombstone for older rows)', async () => {
      const { engine } = await make()
      await run(
        engine,
        `CREATE TABLE a (id INT PRIMARY KEY, col1 INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
       CREATE TABLE b AS SELECT * FROM a;
       INSERT INTO a (id, col1) VALUES (1, 0);
       CREATE OR REPLACE TABLE b AS SELECT * FROM a WHERE col1 > 0;
       INSERT INTO a (id, col1) VALUES (1, 0);
       INSERT INTO a (id, col1) VALUES (1, 1);
       INSERT INTO a (id, col1) VALUES (1, 0);`,
      )
      expect(await records(engine, 'B')).toEqual(['1 -> {"COL1":0}', '1 -> {"COL1":1}', '1 -> null'])
      await engine.close()
    })
  },
)

describe('an upgrade with a data directory', () => {
  it('moves the aggregation state when the new plan declares its tables in another order (HAVING added), and survives a restart', async () => {
    const [, make] = ENGINES[1]!
    const { engine, reopen } = await make()
    await run(
      engine,
      `CREATE STREAM foo (id INT KEY, col1 INT) WITH (kafka_topic='foo', value_format='JSON', partitions=1);
       CREATE TABLE bar AS SELECT id, COUNT(*) AS n FROM foo GROUP BY id;
       INSERT INTO foo (id, col1) VALUES (1, 0);
       INSERT INTO foo (id, col1) VALUES (1, 0);
       CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(*) AS n FROM foo GROUP BY id HAVING COUNT(*) > 2;
       INSERT INTO foo (id, col1) VALUES (1, 0);`,
    )
    expect(await records(engine, 'BAR')).toEqual(['1 -> {"N":1}', '1 -> {"N":2}', '1 -> {"N":3}'])
    await engine.close()

    const again = await reopen()
    expect(again.persistentQueries().map((q) => q.id)).toEqual(['CTAS_BAR_0'])
    await run(again, 'INSERT INTO foo (id, col1) VALUES (1, 0);')
    expect((await records(again, 'BAR')).slice(3)).toEqual(['1 -> {"N":4}'])
    // Pull queries read the upgraded query's store.
    const [pull] = await again.execute('SELECT * FROM bar WHERE id = 1;')
    const rows: unknown[] = []
    if (pull?.kind === 'PushQuery') for await (const r of pull.rows) rows.push(r)
    expect(rows).toEqual([{ values: [1, 4n] }])
    await again.close()
  })
})

describe('upgrades ksqlDB rejects', () => {
  const setup = `CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
    CREATE TABLE t (id INT PRIMARY KEY, v INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);`
  it.each([
    [
      'a changed key',
      'CREATE STREAM b AS SELECT * FROM a PARTITION BY col1;',
      'CREATE OR REPLACE STREAM b AS SELECT * FROM a PARTITION BY col2;',
      'Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY]',
    ],
    [
      'a removed column',
      'CREATE STREAM b AS SELECT id, col1, col2 FROM a;',
      'CREATE OR REPLACE STREAM b AS SELECT id, col1 FROM a;',
      'The following columns are changed, missing or reordered: [`COL2` INTEGER]',
    ],
    [
      'a join',
      'CREATE STREAM b AS SELECT a.id, a.col1, t.v FROM a JOIN t ON a.id = t.id;',
      'CREATE OR REPLACE STREAM b AS SELECT a.id, a.col1, t.v FROM a JOIN t ON a.id = t.id WHERE a.col1 > 0;',
      'Upgrades not yet supported for StreamTableJoin',
    ],
    [
      'a windowed aggregation',
      'CREATE TABLE b AS SELECT id, COUNT(*) AS n FROM a WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY id;',
      'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS n FROM a WINDOW TUMBLING (SIZE 1 MINUTE) WHERE col1 > 0 GROUP BY id;',
      'Upgrades not yet supported for StreamWindowedAggregate',
    ],
    [
      'a table aggregation',
      'CREATE TABLE b AS SELECT v, COUNT(*) AS n FROM t GROUP BY v;',
      'CREATE OR REPLACE TABLE b AS SELECT v, COUNT(*) AS n FROM t WHERE id > 0 GROUP BY v;',
      'Upgrades not yet supported for TableAggregate',
    ],
    [
      'other columns read by an aggregation',
      'CREATE TABLE b AS SELECT id, COUNT(*) AS n FROM a GROUP BY id;',
      'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS n FROM a WHERE col2 > 0 GROUP BY id;',
      'Query is not upgradeable. Plan step of type StreamAggregate must have matching columns not part of aggregate. Values differ: [`ID`, `ROWTIME`] vs. [`ID`, `ROWTIME`, `COL2`]',
    ],
    [
      'other aggregate functions',
      'CREATE TABLE b AS SELECT id, SUM(col1) AS n FROM a GROUP BY id;',
      'CREATE OR REPLACE TABLE b AS SELECT id, MAX(col1) AS n FROM a GROUP BY id;',
      'Plan step of type StreamAggregate must have matching aggregate functions. Values differ: [SUM(COL1)] vs. [MAX(COL1)]',
    ],
    [
      'a table function',
      'CREATE STREAM b AS SELECT id, EXPLODE(ARRAY[col1, col2]) AS x FROM a;',
      'CREATE OR REPLACE STREAM b AS SELECT id, EXPLODE(ARRAY[col1, col2]) AS x FROM a WHERE col1 > 0;',
      'Upgrades not yet supported for StreamFlatMap',
    ],
  ])('%s', async (_, create, replace, message) => {
    const engine = await Engine.create({ backend: EmbeddedBackend.inMemory(), properties: PROPS })
    await engine.execute(setup + create)
    await expect(engine.execute(replace)).rejects.toThrow(message)
    // Nothing changed: the old query still runs under its id.
    expect(engine.persistentQueries().map((q) => q.plan.statementText)).toEqual([create.slice(0, -1)])
    await engine.close()
  })

  it('a sink written by more than one query, and CREATE OR REPLACE when disabled', async () => {
    const engine = await Engine.create({ backend: EmbeddedBackend.inMemory(), properties: PROPS })
    await engine.execute(`${setup}
      CREATE STREAM b AS SELECT * FROM a;
      INSERT INTO b SELECT * FROM a;`)
    await expect(
      engine.execute('CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;'),
    ).rejects.toThrow(
      'REPLACE for sink B is not supported because there are multiple queries writing into it: [CSAS_B_0, INSERTQUERY_1]',
    )
    await engine.execute(`CREATE STREAM c AS SELECT * FROM a;
      SET 'ksql.create.or.replace.enabled' = 'false';`)
    await expect(
      engine.execute('CREATE OR REPLACE STREAM c AS SELECT * FROM a WHERE col1 > 0;'),
    ).rejects.toThrow("Cannot add stream 'C': A stream with the same name already exists")
    await engine.close()
  })
})

describe('upgrade helpers', () => {
  it.each([
    ['SELECT id, COUNT(*) FROM foo WHERE col1 > 0 GROUP BY id', ['ID', 'ROWTIME', 'COL1']],
    ['SELECT id, COUNT(col1) FROM foo WHERE col1 > 0 GROUP BY id', ['ID', 'COL1']],
    [
      'SELECT col2, SUM(col1), WINDOWSTART FROM foo WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY col2',
      ['COL2', 'COL1'],
    ],
    [
      'SELECT id, COLLECT_LIST(TRANSFORM(arr, x => x + k)) FROM foo GROUP BY id HAVING COUNT(*) > 1',
      ['ID', 'ARR', 'K', 'ROWTIME'],
    ],
  ])('the columns an aggregation reads: %s', (sql, expected) => {
    const [parsed] = parseStatements(`${sql};`)
    if (parsed?.statement.kind !== 'Query') throw new Error('not a query')
    expect(requiredColumns(parsed.statement, builtinFunctions())).toEqual(expected)
  })

  it('pairs state declarations by kind, name and occurrence; filters start empty', () => {
    const t = (name: string) => ({ kind: 'table' as const, name })
    expect(
      pairDeclarations(
        [t('groups'), t('emitted'), t('left'), t('left')],
        [t('emitted'), t('groups'), t('left'), t('left'), t('right')],
      ),
    ).toEqual([undefined, 0, 2, 3, undefined])
  })
})
