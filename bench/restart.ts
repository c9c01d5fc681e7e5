/**
 * Restart time of a query with a large state: a persistent GROUP BY over K distinct keys
 * (default 1 000 000) is built on an on-disk data directory, the engine is closed, then reopened;
 * printed is the time from `Engine.open` until one new input record is processed and its updated
 * row produced (median of runs), split into opening and first record. The target: ≤ 1 s.
 *
 * Usage: node --expose-gc dist/bench/restart.js [keys=1000000] [runs=3]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/engine/engine.js'
import { median } from './common.js'

const K = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 3)
const enc = new TextEncoder()

const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-restart-'))
try {
  const build0 = performance.now()
  const first = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
  await first.execute(`CREATE STREAM events (USER_ID STRING, N INT) WITH (KAFKA_TOPIC='events', PARTITIONS=1, VALUE_FORMAT='JSON');
    CREATE TABLE per_user AS SELECT USER_ID, COUNT(*) AS EVENTS, SUM(N) AS TOTAL FROM events GROUP BY USER_ID;`)
  for (let i = 0; i < K; i += 20_000) {
    const n = Math.min(20_000, K - i)
    await first.backend.produce(
      'events',
      Array.from({ length: n }, (_, j) => ({
        key: null,
        value: enc.encode(`{"USER_ID":"user-${i + j}","N":${(i + j) % 10}}`),
        timestamp: 1_700_000_000_000 + i + j,
      })),
    )
  }
  await first.runUntilIdle()
  await first.close()
  console.log(
    `restart bench: GROUP BY state of ${K} keys built in ${((performance.now() - build0) / 1000).toFixed(1)} s; ${RUNS} restarts`,
  )

  const total: number[] = []
  const opening: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now()
    const engine = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    const t1 = performance.now()
    const before = (await engine.backend.describeTopic('PER_USER')).partitions[0]!.endOffset
    await engine.backend.produce('events', [
      {
        key: null,
        value: enc.encode(`{"USER_ID":"user-${(run * 7919) % K}","N":1}`),
        timestamp: 1_800_000_000_000 + run,
      },
    ])
    await engine.runUntilIdle()
    const t2 = performance.now()
    const after = (await engine.backend.describeTopic('PER_USER')).partitions[0]!.endOffset
    if (after !== before + 1) throw new Error(`expected one new row, got ${after - before}`)
    await engine.close()
    opening.push(t1 - t0)
    total.push(t2 - t0)
  }
  console.log(`Engine.open (catalog, topics, LevelDB state)  ${median(opening).toFixed(0).padStart(6)} ms`)
  console.log(
    `open → first new record processed           ${median(total).toFixed(0).padStart(6)} ms  (target ≤ 1000 ms)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
