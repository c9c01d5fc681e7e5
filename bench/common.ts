/**
 * What the engine benchmarks share: the ≈150-byte JSON order records, medians, and a timed run of
 * one persistent query over a topic on the embedded backend (on disk).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/engine/engine.js'
import { EmbeddedBackend } from '../src/log/embedded/embedded-backend.js'
import type { OutRecord } from '../src/log/topic-backend.js'

const enc = new TextEncoder()
const CITIES = ['Berlin', 'Lisbon', 'Nairobi', 'Osaka', 'Quito', 'Tromso', 'Perth']
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL']
const COLOURS = ['graphite', 'midnight-blue', 'sand', 'forest-green', 'white']

export const BASE_TS = 1_700_000_000_000

export interface OrderOptions {
  /** Distinct CUSTOMER values (`customer-<i % customers>`). */
  readonly customers?: number
  /** Record key: the order id mod 10 000 (default), or the customer. */
  readonly keyBy?: 'id' | 'customer'
  /** Milliseconds of event time between consecutive records. */
  readonly stepMs?: number
}

export function orderRecords(n: number, o: OrderOptions = {}): OutRecord[] {
  const customers = o.customers ?? 5000
  const step = o.stepMs ?? 1
  const out: OutRecord[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const customer = `customer-${i % customers}`
    const ts = BASE_TS + Math.floor(i * step)
    const v = {
      ID: i,
      CUSTOMER: customer,
      AMOUNT: Math.round((i % 1000) * 1.37 * 100) / 100,
      CITY: CITIES[i % CITIES.length],
      STATUS: i % 3 === 0 ? 'NEW' : 'SHIPPED',
      QTY: i % 17,
      TS: ts,
      SKU: `SKU-EU-${(i % 90_000).toString().padStart(5, '0')}-${SIZES[i % SIZES.length]}-${COLOURS[i % COLOURS.length]}`,
    }
    out[i] = {
      key: enc.encode(o.keyBy === 'customer' ? customer : String(i % 10_000)),
      value: enc.encode(JSON.stringify(v)),
      timestamp: ts,
    }
  }
  return out
}

export const ORDERS_COLUMNS =
  'ID BIGINT, CUSTOMER STRING, AMOUNT DOUBLE, CITY STRING, STATUS STRING, QTY INT, TS BIGINT, SKU STRING'

export const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

export const rate = (x: number): string => `${(x / 1000).toFixed(0).padStart(6)} K rec/s`

/**
 * A topic's records, made when needed: the benchmark does not hold the input in the heap while
 * the query runs (a few hundred MB of live input would make every major GC slower).
 */
export type Records = () => readonly OutRecord[]

async function produceAll(
  backend: EmbeddedBackend,
  topic: string,
  records: readonly OutRecord[],
): Promise<void> {
  for (let i = 0; i < records.length; i += 20_000) await backend.produce(topic, records.slice(i, i + 20_000))
}

export interface QueryRun {
  /** Records/s over the timed records (`timed`, default all of `topics`' last topic). */
  readonly rate: number
  /** Records in the sink topic. */
  readonly out: number
}

/**
 * Loads `topics` (name → records) into a fresh data directory, runs `setup` (DDL, not timed) and
 * `query` (the persistent query), and times `runUntilIdle` over `timedRecords`. The engine has a
 * data directory, so stateful queries keep their state in LevelDB as in production.
 */
export async function runQuery(
  topics: ReadonlyMap<string, Records>,
  setup: string,
  query: string,
  sink: string,
  timedRecords: number,
  /** Produced once the query has processed `topics`: then only these are timed. */
  later?: ReadonlyMap<string, Records>,
  /** Keep operator state in memory (no state directory): the reference for the state layer's cost. */
  memoryState = false,
): Promise<QueryRun> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-'))
  try {
    const backend = await EmbeddedBackend.open(join(dir, 'topics'))
    for (const name of new Set([...topics.keys(), ...(later?.keys() ?? [])])) {
      await backend.createTopic(name, { partitions: 1 })
    }
    for (const [name, make] of topics) await produceAll(backend, name, make())
    const engine = await Engine.create({
      backend,
      ...(memoryState ? {} : { stateDir: dir }),
      properties: { 'auto.offset.reset': 'earliest' },
    })
    await engine.execute(setup)
    await engine.execute(query)
    if (later !== undefined) {
      await engine.runUntilIdle()
      for (const [name, make] of later) await produceAll(backend, name, make())
    }
    gc()
    const t = performance.now()
    await engine.runUntilIdle()
    const ms = performance.now() - t
    const d = await backend.describeTopic(sink)
    const out = d.partitions.reduce((n, p) => n + p.endOffset, 0)
    await engine.close()
    return { rate: (timedRecords / ms) * 1000, out }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The stateless reference query of bench/stateless, for ratios measured in the same run. */
export function statelessRun(records: Records, n: number): Promise<QueryRun> {
  return runQuery(
    new Map([['orders', records]]),
    `CREATE STREAM orders (K STRING KEY, ${ORDERS_COLUMNS}) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');`,
    `CREATE STREAM big_orders AS SELECT K, ID, CUSTOMER, AMOUNT, CITY FROM orders
       WHERE AMOUNT > 100 AND STATUS = 'SHIPPED';`,
    'BIG_ORDERS',
    n,
  )
}
