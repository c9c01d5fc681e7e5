import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { SqlPlanError } from '../../src/errors.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { TopicBackend } from '../../src/log/topic-backend.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

type Rec = { key: string | null; value: string | null; ts: number }

async function readAll(backend: TopicBackend, topic: string): Promise<Rec[]> {
  const out: Rec[] = []
  for await (const b of backend.consume(topic, { follow: false })) {
    for (const r of b.records) {
      out.push({
        key: r.key === null ? null : dec.decode(r.key).replace(/[^\x20-\x7e]/g, ''),
        value: r.value === null ? null : dec.decode(r.value),
        ts: r.timestamp,
      })
    }
  }
  return out
}

async function engine(): Promise<Engine> {
  const backend = EmbeddedBackend.inMemory()
  await backend.createTopic('input', { partitions: 1 })
  return Engine.create({ backend, properties: { 'auto.offset.reset': 'earliest' } })
}

/** Produces records one at a time, running the query after each. */
async function feed(e: Engine, records: readonly [string, number][]): Promise<void> {
  for (const [key, ts] of records) {
    await e.backend.produce('input', [{ key: enc.encode(key), value: enc.encode('{"V":1}'), timestamp: ts }])
    await e.runUntilIdle()
  }
}

const INPUT = `CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (kafka_topic='input', value_format='JSON');`

const values = (recs: readonly Rec[]) => recs.map((r) => ({ value: r.value, ts: r.ts }))

describe('EMIT FINAL', () => {
  it('emits a tumbling window once stream time passes its end plus grace, at its latest record time', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    await feed(e, [
      ['k1', 0],
      ['k1', 1],
    ])
    expect(await readAll(e.backend, 'OUT')).toEqual([])
    await feed(e, [['k1', 2]])
    expect(values(await readAll(e.backend, 'OUT'))).toEqual([{ value: '{"C":2}', ts: 1 }])
    await e.close()
  })

  it('counts out-of-order records within grace, drops later ones, and skips windows the store no longer retains', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    // [0,2) reaches 4 rows but closes only when stream time jumps to 5: by then the window store
    // (retention = size + grace) has dropped it, so only [2,4) is emitted, as in ksqlDB.
    await feed(e, [
      ['k1', 0],
      ['k1', 1],
      ['k1', 2],
      ['k1', 1],
      ['k1', 0],
      ['k1', 5],
      ['k1', 0],
    ])
    expect(values(await readAll(e.backend, 'OUT'))).toEqual([{ value: '{"C":1}', ts: 2 }])
    await e.close()
  })

  it('emits closed windows of several keys in window-start then key order', async () => {
    const e = await engine()
    await e.execute(`${INPUT}
      CREATE TABLE OUT AS SELECT ID, COUNT(*) AS C FROM INPUT
        WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY ID EMIT FINAL;`)
    await feed(e, [
      ['b', 1],
      ['a', 2],
      ['b', 3],
      ['c', 12],
    ])
    expect((await readAll(e.backend, 'OUT')).map((r) => [r.key, r.value])).toEqual([
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
    await feed(e, [
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
    expect(values(await readAll(e.backend, 'OUT'))).toEqual([
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
