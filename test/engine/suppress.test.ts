import { describe, expect, it } from 'vitest'
import type { Engine } from '../../src/engine/engine.js'
import { SqlPlanError } from '../../src/errors.js'
import { engineOver, feed, type Rec, readAll } from './topic-helpers.js'

const engine = (): Promise<Engine> => engineOver('input')

/** Produces records one at a time, running the query after each. */
async function feedAll(e: Engine, records: readonly [string, number][]): Promise<void> {
  for (const [key, ts] of records) await feed(e, 'input', key, '{"V":1}', ts)
}

const INPUT = `CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (kafka_topic='input', value_format='JSON');`

const values = (recs: readonly Rec[]) => recs.map((r) => ({ value: r.value, ts: r.ts }))

describe('EMIT FINAL', () => {
  it('emits a tumbling window once stream time passes its end plus grace, at its latest record time', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    await feedAll(e, [
      ['k1', 0],
      ['k1', 1],
    ])
    expect(await readAll(e.backend, 'OUT', { printableKeys: true })).toEqual([])
    await feedAll(e, [['k1', 2]])
    expect(values(await readAll(e.backend, 'OUT', { printableKeys: true }))).toEqual([
      { value: '{"C":2}', ts: 1 },
    ])
    await e.close()
  })

  it('counts out-of-order records within grace, drops later ones, and skips windows the store no longer retains', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    // [0,2) reaches 4 rows but closes only when stream time jumps to 5: by then the window store
    // (retention = size + grace) has dropped it, so only [2,4) is emitted, as in ksqlDB.
    await feedAll(e, [
      ['k1', 0],
      ['k1', 1],
      ['k1', 2],
      ['k1', 1],
      ['k1', 0],
      ['k1', 5],
      ['k1', 0],
    ])
    expect(values(await readAll(e.backend, 'OUT', { printableKeys: true }))).toEqual([
      { value: '{"C":1}', ts: 2 },
    ])
    await e.close()
  })

  it('emits closed windows of several keys in window-start then key order', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    await feedAll(e, [
      ['b', 1],
      ['a', 2],
      ['b', 3],
      ['c', 12],
    ])
    expect((await readAll(e.backend, 'OUT', { printableKeys: true })).map((r) => [r.key, r.value])).toEqual([
      ['a', '{"C":1}'],
      ['b', '{"C":2}'],
    ])
    await e.close()
  })

  it('emits a session once stream time passes its end plus gap plus grace, at its end time', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 6 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    await feedAll(e, [
      ['k1', 0],
      ['k1', 4],
      ['k1', 8],
      ['k1', 12],
      ['k1', 14],
      ['k1', 30],
      ['k1', 29],
      ['k1', 17],
      ['k1', 42],
    ])
    expect(values(await readAll(e.backend, 'OUT', { printableKeys: true }))).toEqual([
      { value: '{"C":5}', ts: 14 },
      { value: '{"C":2}', ts: 30 },
    ])
    await e.close()
  })

  it('names the non-aggregate columns of a windowed aggregation without GROUP BY', async () => {
    const e = await engine()
    await e.execute(INPUT)
    await expect(
      e.execute(`CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS) EMIT FINAL;`),
    ).rejects.toThrow(SqlPlanError)
    await expect(
      e.execute(`CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS) EMIT FINAL;`),
    ).rejects.toThrow(/Non-aggregate SELECT expression\(s\) not part of GROUP BY: ID/)
    await e.close()
  })
})
