/**
 * Throughput of a stream-table join with persistent state: N JSON order records (≈150 bytes,
 * keyed by customer) joined with a 100 000-row customers table, on the embedded backend with the
 * table side in LevelDB. The query first reads the table (not timed), then the orders arrive and
 * are timed. Prints the median of runs and the ratio
 * to the stateless filter+project query measured in the same run.
 * Target (issue 4): ≥ 200 K records/s on one core.
 *
 * Usage: node --expose-gc dist/bench/join.js [records=1000000] [runs=3]
 */
import { BASE_TS, median, orderRecords, ORDERS_COLUMNS, rate, runQuery, statelessRun } from './common.js'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 3)
const ROWS = 100_000
const enc = new TextEncoder()
const REGIONS = ['north', 'south', 'east', 'west']

const orders = () => orderRecords(N, { customers: ROWS, keyBy: 'customer' })
const customers = () =>
  Array.from({ length: ROWS }, (_, i) => ({
    key: enc.encode(`customer-${i}`),
    value: enc.encode(JSON.stringify({ NAME: `Customer ${i}`, REGION: REGIONS[i % 4], TIER: i % 3 })),
    timestamp: BASE_TS - 1,
  }))
console.log(`join bench: ${N} JSON records joined with a ${ROWS}-row table, ${RUNS} runs`)
const stateless: number[] = []
const joined: number[] = []
let out = 0
for (let run = 0; run < RUNS; run++) {
  stateless.push((await statelessRun(orders, N)).rate)
  const r = await runQuery(
    new Map([['customers', customers]]),
    `CREATE TABLE customers (ID STRING PRIMARY KEY, NAME STRING, REGION STRING, TIER INT)
       WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
     CREATE STREAM orders (CUSTOMER_ID STRING KEY, ${ORDERS_COLUMNS}) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');`,
    `CREATE STREAM enriched AS SELECT o.CUSTOMER_ID, o.ID, o.AMOUNT, c.NAME, c.REGION
       FROM orders o JOIN customers c ON o.CUSTOMER_ID = c.ID;`,
    'ENRICHED',
    N,
    new Map([['orders', orders]]),
  )
  joined.push(r.rate)
  out = r.out
}
console.log(`stateless filter+project CSAS       ${rate(median(stateless))}`)
console.log(`stream-table join CSAS (LevelDB)    ${rate(median(joined))}   (${out} records out)`)
console.log(
  `ratio join / stateless              ${(median(joined) / median(stateless)).toFixed(2)}  (target ≥ 200 K rec/s)`,
)
