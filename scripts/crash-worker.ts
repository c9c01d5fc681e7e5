/**
 * The process that test/engine/crash.test.ts kills. It opens the engine on a data directory
 * (creating the input stream and a persistent GROUP BY table the first time), starts the query,
 * then produces the deterministic input — record i has CUSTOMER `c<i % KEYS>`, AMOUNT i % 100,
 * timestamp BASE + i — from wherever the input topic ends (a restart continues the sequence),
 * in small chunks while the query runs. Once all `total` records are in and the query has
 * committed them all it prints DONE and exits cleanly.
 *
 * Usage: node dist/scripts/crash-worker.js DATA_DIR TOTAL [RECORD_CACHE_BYTES]
 * (cache.max.bytes.buffering: 0 forwards every change, so two runs produce the same sink topic)
 */
import { Engine } from '../src/engine/engine.js'

export const KEYS = 37
export const BASE_TS = 1_600_000_000_000
const CHUNK = 40

const [dir, totalText, cacheBytes = '0'] = process.argv.slice(2)
if (dir === undefined || totalText === undefined) {
  process.stderr.write('usage: crash-worker DATA_DIR TOTAL\n')
  process.exit(2)
}
const total = Number(totalText)
const enc = new TextEncoder()

// Commits every 50 ms (the default is 2 s), so kills land between commits, not only before the first.
const engine = await Engine.open(dir, {
  properties: {
    'auto.offset.reset': 'earliest',
    'ksql.streams.commit.interval.ms': '50',
    'cache.max.bytes.buffering': cacheBytes,
  },
})
if (engine.source('ORDERS') === undefined) {
  await engine.execute(`CREATE STREAM orders (ID BIGINT, CUSTOMER STRING, AMOUNT INT)
    WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');`)
}
if (engine.source('TOTALS') === undefined) {
  await engine.execute(`CREATE TABLE totals AS SELECT CUSTOMER, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL
    FROM orders GROUP BY CUSTOMER EMIT CHANGES;`)
}
engine.start()
process.stdout.write('READY\n')

let next = (await engine.backend.describeTopic('orders')).partitions[0]!.endOffset
while (next < total) {
  const n = Math.min(CHUNK, total - next)
  const records = Array.from({ length: n }, (_, j) => {
    const i = next + j
    return {
      partition: 0,
      key: null,
      value: enc.encode(JSON.stringify({ ID: i, CUSTOMER: `c${i % KEYS}`, AMOUNT: i % 100 })),
      timestamp: BASE_TS + i,
    }
  })
  await engine.backend.produce('orders', records)
  next += n
  await new Promise((r) => setTimeout(r, 15))
}
// Wait until the query has committed every input record.
for (;;) {
  const committed = await engine.backend.committedOffsets(engine.persistentQueries()[0]!.group, 'orders')
  if ((committed[0]?.offset ?? 0) >= total) break
  await new Promise((r) => setTimeout(r, 10))
}
await engine.close()
process.stdout.write('DONE\n')
