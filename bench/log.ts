/**
 * Throughput of the embedded topic backend: produce and consume of 1 M small records (≈10-byte
 * key, ≈40-byte value), in memory and on disk, as records/s (median of runs) and as a ratio to a
 * baseline measured in the same run: raw `fs.writeSync` / `fs.readSync` of the same payload bytes
 * (keys, values, 8-byte timestamps) in 1 MiB chunks. Ratios, not timings, are what to compare
 * across machines.
 *
 * Usage: node --expose-gc dist/bench/log.js [records=1000000] [runs=5]
 * (with --expose-gc each timed phase starts after a full GC, which makes runs much less noisy).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedBackend } from '../src/log/embedded/embedded-backend.js'
import type { OutRecord, TopicBackend } from '../src/log/topic-backend.js'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 5)
const PRODUCE_BATCH = 10_000
const PARTITIONS = 4

const enc = new TextEncoder()
const records: OutRecord[] = Array.from({ length: N }, (_, i) => ({
  key: enc.encode(`key-${i % 10_000}`),
  value: enc.encode(`{"ID":${i},"NAME":"name-${i % 977}","AMOUNT":${i * 3}}`.padEnd(40, ' ')),
  timestamp: 1_700_000_000_000 + i,
}))
const payloadBytes = records.reduce((n, r) => n + r.key!.length + r.value!.length + 8, 0)

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function rate(ms: number): number {
  return (N / ms) * 1000
}

function fmt(perSecond: number): string {
  return `${(perSecond / 1000).toFixed(0).padStart(6)} K rec/s`
}

/** Raw fs append and read of the same payload bytes, 1 MiB at a time. */
function baseline(): { write: number; read: number } {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-raw-'))
  const file = join(dir, 'raw')
  const chunk = Buffer.alloc(1024 * 1024, 7)
  try {
    gc()
    let t = performance.now()
    const fd = openSync(file, 'a')
    for (let left = payloadBytes; left > 0; left -= chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, left))
    }
    closeSync(fd)
    const write = performance.now() - t
    t = performance.now()
    const rfd = openSync(file, 'r')
    let pos = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(chunk.length)
      const n = readSync(rfd, buf, 0, buf.length, pos)
      if (n === 0) break
      pos += n
    }
    closeSync(rfd)
    return { write, read: performance.now() - t }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function runBackend(backend: TopicBackend): Promise<{ produce: number; consume: number }> {
  await backend.createTopic('bench', { partitions: PARTITIONS })
  gc()
  let t = performance.now()
  for (let i = 0; i < N; i += PRODUCE_BATCH) {
    await backend.produce('bench', records.slice(i, i + PRODUCE_BATCH))
  }
  const produce = performance.now() - t
  gc()
  t = performance.now()
  let n = 0
  let bytes = 0
  for await (const batch of backend.consume('bench', { follow: false })) {
    n += batch.records.length
    for (const r of batch.records) bytes += r.value!.length
  }
  const consume = performance.now() - t
  if (n !== N || bytes === 0) throw new Error(`consumed ${n} of ${N} records`)
  return { produce, consume }
}

/** Produce while a following consumer keeps up (the tail path): time until the consumer has all. */
async function runPipeline(backend: TopicBackend): Promise<number> {
  await backend.createTopic('pipe', { partitions: PARTITIONS })
  gc()
  const t = performance.now()
  const ac = new AbortController()
  const consumed = (async () => {
    let n = 0
    for await (const batch of backend.consume('pipe', { signal: ac.signal })) {
      n += batch.records.length
      if (n === N) ac.abort()
    }
    return n
  })()
  for (let i = 0; i < N; i += PRODUCE_BATCH) {
    await backend.produce('pipe', records.slice(i, i + PRODUCE_BATCH))
  }
  if ((await consumed) !== N) throw new Error('pipeline lost records')
  return performance.now() - t
}

async function main(): Promise<void> {
  console.log(
    `bench/log: ${N} records (${(payloadBytes / N).toFixed(0)} payload bytes each), ${PARTITIONS} partitions, produce batches of ${PRODUCE_BATCH}, median of ${RUNS} runs`,
  )
  const base = { write: [] as number[], read: [] as number[] }
  const modes = {
    memory: { produce: [] as number[], consume: [] as number[] },
    disk: { produce: [] as number[], consume: [] as number[] },
  }
  const pipeline: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const b = baseline()
    base.write.push(b.write)
    base.read.push(b.read)
    const mem = EmbeddedBackend.inMemory()
    const m = await runBackend(mem)
    await mem.close()
    modes.memory.produce.push(m.produce)
    modes.memory.consume.push(m.consume)
    const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-log-'))
    try {
      const disk = await EmbeddedBackend.open(dir)
      const d = await runBackend(disk)
      pipeline.push(await runPipeline(disk))
      await disk.close()
      modes.disk.produce.push(d.produce)
      modes.disk.consume.push(d.consume)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const baseWrite = rate(median(base.write))
  const baseRead = rate(median(base.read))
  console.log(`baseline raw fs append  ${fmt(baseWrite)}`)
  console.log(`baseline raw fs read    ${fmt(baseRead)}`)
  for (const [mode, r] of Object.entries(modes)) {
    const p = rate(median(r.produce))
    const c = rate(median(r.consume))
    console.log(`${mode.padEnd(6)} produce  ${fmt(p)}   ratio to raw append ${(p / baseWrite).toFixed(3)}`)
    console.log(`${mode.padEnd(6)} consume  ${fmt(c)}   ratio to raw read   ${(c / baseRead).toFixed(3)}`)
  }
  const pipe = rate(median(pipeline))
  console.log(
    `disk   produce with a following consumer ${fmt(pipe)} end to end, ratio to raw append ${(pipe / baseWrite).toFixed(3)}`,
  )
}

await main()
