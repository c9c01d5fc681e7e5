/**
 * Throughput of a stateless persistent query: `CREATE STREAM ... AS SELECT <4 columns> FROM s
 * WHERE <predicate>` over N JSON records of ≈150 bytes on the embedded backend (on disk), as
 * records/s (median of runs) and as a ratio to a baseline measured in the same run: a bare loop
 * doing UTF-8 decode + JSON.parse + the same filter + JSON.stringify + encode of the same
 * records. The target: within 2× of that loop (ratio ≥ 0.5).
 *
 * Usage: node --expose-gc dist/bench/stateless.js [records=1000000] [runs=3]
 * Profile: node --cpu-prof --expose-gc dist/bench/stateless.js 1000000 1
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/engine/engine.js'
import { EmbeddedBackend } from '../src/log/embedded/embedded-backend.js'
import type { OutRecord } from '../src/log/topic-backend.js'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 3)
const enc = new TextEncoder()
const dec = new TextDecoder()
const CITIES = ['Berlin', 'Lisbon', 'Nairobi', 'Osaka', 'Quito', 'Tromso', 'Perth']
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL']
const COLOURS = ['graphite', 'midnight-blue', 'sand', 'forest-green', 'white']

function makeRecords(): OutRecord[] {
  const out: OutRecord[] = new Array(N)
  for (let i = 0; i < N; i++) {
    const v = {
      ID: i,
      CUSTOMER: `customer-${i % 5000}`,
      AMOUNT: Math.round((i % 1000) * 1.37 * 100) / 100,
      CITY: CITIES[i % CITIES.length],
      STATUS: i % 3 === 0 ? 'NEW' : 'SHIPPED',
      QTY: i % 17,
      TS: 1_700_000_000_000 + i,
      SKU: `SKU-EU-${(i % 90_000).toString().padStart(5, '0')}-${SIZES[i % SIZES.length]}-${COLOURS[i % COLOURS.length]}`,
    }
    out[i] = {
      key: enc.encode(String(i % 10_000)),
      value: enc.encode(JSON.stringify(v)),
      timestamp: 1_700_000_000_000 + i,
    }
  }
  return out
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/** The bare loop: decode, parse, filter, project, stringify, encode. */
function baseline(records: readonly OutRecord[]): number {
  gc()
  const t = performance.now()
  let kept = 0
  for (const r of records) {
    const o = JSON.parse(dec.decode(r.value as Uint8Array)) as Record<string, unknown>
    if ((o.AMOUNT as number) > 100 && o.STATUS === 'SHIPPED') {
      const out = enc.encode(
        JSON.stringify({ ID: o.ID, CUSTOMER: o.CUSTOMER, AMOUNT: o.AMOUNT, CITY: o.CITY }),
      )
      kept += out.length > 0 ? 1 : 0
    }
  }
  const ms = performance.now() - t
  if (kept === 0) throw new Error('baseline kept nothing')
  return (N / ms) * 1000
}

async function engineRun(records: readonly OutRecord[]): Promise<{ rate: number; out: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-stateless-'))
  try {
    const backend = await EmbeddedBackend.open(dir)
    await backend.createTopic('orders', { partitions: 1 })
    for (let i = 0; i < records.length; i += 20_000)
      await backend.produce('orders', records.slice(i, i + 20_000))
    const engine = await Engine.create({ backend, properties: { 'auto.offset.reset': 'earliest' } })
    await engine.execute(`
      CREATE STREAM orders (K STRING KEY, ID BIGINT, CUSTOMER STRING, AMOUNT DOUBLE, CITY STRING,
        STATUS STRING, QTY INT, TS BIGINT, SKU STRING) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
      CREATE STREAM big_orders AS SELECT K, ID, CUSTOMER, AMOUNT, CITY FROM orders
        WHERE AMOUNT > 100 AND STATUS = 'SHIPPED';`)
    gc()
    const t = performance.now()
    await engine.runUntilIdle()
    const ms = performance.now() - t
    const d = await backend.describeTopic('BIG_ORDERS')
    const out = d.partitions.reduce((n, p) => n + p.endOffset, 0)
    await engine.close()
    return { rate: (N / ms) * 1000, out }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const records = makeRecords()
const avg = records.reduce((n, r) => n + (r.value?.length ?? 0), 0) / N
console.log(`stateless bench: ${N} JSON records, ${avg.toFixed(0)} bytes average value, ${RUNS} runs`)
const base: number[] = []
const eng: number[] = []
let outCount = 0
for (let run = 0; run < RUNS; run++) {
  base.push(baseline(records))
  const r = await engineRun(records)
  eng.push(r.rate)
  outCount = r.out
}
const fmt = (x: number): string => `${(x / 1000).toFixed(0).padStart(6)} K rec/s`
console.log(`bare JSON.parse+stringify loop  ${fmt(median(base))}`)
console.log(`eddy filter+project CSAS        ${fmt(median(eng))}   (${outCount} records out)`)
console.log(`ratio eddy / bare loop          ${(median(eng) / median(base)).toFixed(2)}  (target ≥ 0.50)`)
