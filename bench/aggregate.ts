/**
 * Throughput of a windowed aggregation with persistent state: COUNT(*) and SUM(AMOUNT) per
 * customer (100 000 keys) in 5-minute tumbling windows over N JSON order records (≈150 bytes,
 * one per 0.6 ms of event time: 10 minutes, so 2 windows × 100 000 groups, 5 records per group),
 * on the embedded backend with state in LevelDB. Prints records/s (median of runs) and the
 * ratio to the stateless filter+project query measured in the same run.
 * Target (issue 4): ≥ 150 K records/s on one core.
 *
 * Usage: node --expose-gc dist/bench/aggregate.js [records=1000000] [runs=3]
 * Profile: node --cpu-prof --expose-gc dist/bench/aggregate.js 1000000 1
 */
import { median, orderRecords, ORDERS_COLUMNS, rate, runQuery, statelessRun } from './common.js'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 3)
const KEYS = 100_000

const records = () => orderRecords(N, { customers: KEYS, stepMs: 0.6 })
console.log(`aggregate bench: ${N} JSON records, ${KEYS} keys, TUMBLING 5 MINUTES, ${RUNS} runs`)
const stateless: number[] = []
const agg: number[] = []
const memory: number[] = []
let out = 0
const aggregate = (memoryState: boolean) =>
  runQuery(
    new Map([['orders', records]]),
    `CREATE STREAM orders (K STRING KEY, ${ORDERS_COLUMNS}) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');`,
    `CREATE TABLE revenue AS SELECT CUSTOMER, COUNT(*) AS ORDERS, SUM(AMOUNT) AS TOTAL FROM orders
       WINDOW TUMBLING (SIZE 5 MINUTES) GROUP BY CUSTOMER EMIT CHANGES;`,
    'REVENUE',
    N,
    undefined,
    memoryState,
  )
for (let run = 0; run < RUNS; run++) {
  stateless.push((await statelessRun(records, N)).rate)
  const r = await aggregate(false)
  agg.push(r.rate)
  out = r.out
  memory.push((await aggregate(true)).rate)
}
console.log(`stateless filter+project CSAS      ${rate(median(stateless))}`)
console.log(`windowed COUNT/SUM CTAS (LevelDB)  ${rate(median(agg))}   (${out} changelog records out)`)
console.log(`same, state in memory (reference)  ${rate(median(memory))}`)
console.log(
  `ratio aggregate / stateless        ${(median(agg) / median(stateless)).toFixed(2)}  (target ≥ 150 K rec/s)`,
)
console.log(`ratio LevelDB / in-memory state    ${(median(agg) / median(memory)).toFixed(2)}`)
