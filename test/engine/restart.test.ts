import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import type { TopicBackend } from '../../src/log/topic-backend.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function produce(backend: TopicBackend, from: number, to: number): Promise<void> {
  const records = []
  for (let i = from; i < to; i++) {
    records.push({ key: enc.encode(`k${i % 5}`), value: enc.encode(JSON.stringify({ id: i })), timestamp: i })
  }
  await backend.produce('input', records)
}

async function sinkIds(backend: TopicBackend): Promise<number[]> {
  const ids: number[] = []
  for await (const b of backend.consume('EVENS', { follow: false })) {
    for (const r of b.records) ids.push((JSON.parse(dec.decode(r.value as Uint8Array)) as { ID: number }).ID)
  }
  return ids.sort((a, b) => a - b)
}

describe('restart on the embedded backend', () => {
  it('resumes a persistent query from its committed offsets: the sink loses and duplicates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-restart-'))
    dirs.push(dir)
    const first = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    await first.execute(`
      CREATE STREAM s (k STRING KEY, id INT) WITH (kafka_topic='input', value_format='JSON', partitions=3);
      CREATE STREAM evens AS SELECT k, id FROM s WHERE id % 2 = 0;`)
    await produce(first.backend, 0, 100)
    await first.runUntilIdle()
    expect(await sinkIds(first.backend)).toHaveLength(50)
    await first.close()

    const second = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    expect(second.source('EVENS')?.kind).toBe('STREAM')
    expect(second.persistentQueries().map((q) => q.id)).toEqual(['CSAS_EVENS_0'])
    await produce(second.backend, 100, 160)
    await second.runUntilIdle()
    const ids = await sinkIds(second.backend)
    expect(ids).toEqual(Array.from({ length: 80 }, (_, i) => i * 2))
    const group = await second.backend.committedOffsets('_confluent-ksql-default_query_CSAS_EVENS_0', 'input')
    const ends = (await second.backend.describeTopic('input')).partitions.map((p) => p.endOffset)
    expect(group.map((g) => g.offset)).toEqual(ends)
    // A statement after the restart continues the query id sequence.
    await second.execute('CREATE STREAM odds AS SELECT k, id FROM s WHERE id % 2 = 1;')
    expect(second.persistentQueries().map((q) => q.id)).toEqual(['CSAS_EVENS_0', 'CSAS_ODDS_1'])
    await second.close()
  })

  it('an aggregation rebuilds its state after a restart: counts continue, nothing is counted twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-restart-agg-'))
    dirs.push(dir)
    const props = { properties: { 'auto.offset.reset': 'earliest' } }
    const first = await Engine.open(dir, props)
    await first.execute(`
      CREATE STREAM s (k STRING KEY, id INT) WITH (kafka_topic='input', value_format='JSON', partitions=2);
      CREATE TABLE counts AS SELECT k, COUNT(*) AS n, SUM(id) AS total FROM s GROUP BY k;`)
    await produce(first.backend, 0, 50)
    await first.runUntilIdle()
    await first.close()

    const second = await Engine.open(dir, props)
    await produce(second.backend, 50, 100)
    await second.runUntilIdle()
    const latest = new Map<string, { N: number; TOTAL: number }>()
    for await (const b of second.backend.consume('COUNTS', { follow: false })) {
      for (const r of b.records) {
        latest.set(dec.decode(r.key as Uint8Array), JSON.parse(dec.decode(r.value as Uint8Array)))
      }
    }
    // k0..k4 each got 20 of the ids 0..99 (i % 5), so 20 rows and the sum of their ids.
    for (let k = 0; k < 5; k++) {
      const ids = Array.from({ length: 20 }, (_, j) => j * 5 + k)
      expect(latest.get(`k${k}`)).toEqual({ N: 20, TOTAL: ids.reduce((a, b) => a + b, 0) })
    }
    expect(second.processingLog).toEqual([])
    await second.close()
  })
})
