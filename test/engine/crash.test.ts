import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'

/**
 * Crash safety (issue 4): a persistent GROUP BY runs in a child process (dist/scripts/crash-worker.js,
 * built by `npm test`) while input flows; it is killed with SIGKILL at random points and restarted,
 * then run to the end. The sink topic must equal, record for record, the one of a run that was never
 * killed, and the final table must equal the aggregate computed directly from the input: nothing lost,
 * nothing counted or emitted twice. With the record cache on, which changes are forwarded depends on
 * when commits happen, so there each key's updates must count up without a repeat instead.
 */
const WORKER = join(import.meta.dirname, '../../dist/scripts/crash-worker.js')
const TOTAL = 6000
const KEYS = 37
const KILLS = 4
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function start(
  dir: string,
  cacheBytes = '0',
): {
  child: ChildProcess
  ready: Promise<void>
  exit: Promise<number | null>
  out: () => string
} {
  const child = spawn(process.execPath, [WORKER, dir, String(TOTAL), cacheBytes], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  let onReady: () => void = () => {}
  const ready = new Promise<void>((r) => {
    onReady = r
  })
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    if (out.includes('READY')) onReady()
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, ready, exit, out: () => out + err }
}

async function runToEnd(dir: string, cacheBytes = '0'): Promise<void> {
  const w = start(dir, cacheBytes)
  const code = await w.exit
  if (code !== 0 || !w.out().includes('DONE')) throw new Error(`worker failed (exit ${code}): ${w.out()}`)
}

interface SinkRecord {
  key: string
  value: string | null
  ts: number
}

async function sink(dir: string): Promise<SinkRecord[]> {
  const b = await EmbeddedBackend.open(join(dir, 'topics'))
  const out: SinkRecord[] = []
  const dec = new TextDecoder()
  for await (const batch of b.consume('TOTALS', { follow: false, reset: 'earliest' })) {
    for (const r of batch.records) {
      out.push({
        key: dec.decode(r.key ?? new Uint8Array()),
        value: r.value === null ? null : dec.decode(r.value),
        ts: r.timestamp,
      })
    }
  }
  await b.close()
  return out
}

/** Runs the worker KILLS times with a SIGKILL at a random point, then to the end; returns how many kills landed. */
async function killAndFinish(dir: string, cacheBytes: string): Promise<number> {
  let kills = 0
  for (let i = 0; i < KILLS; i++) {
    const w = start(dir, cacheBytes)
    await Promise.race([w.ready, w.exit])
    // Somewhere while input is produced and processed.
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 700)))
    if (w.child.exitCode === null && w.child.kill('SIGKILL')) kills++
    await w.exit
  }
  await runToEnd(dir, cacheBytes)
  return kills
}

/** The table computed directly from the input. */
function expectedTable(): Map<string, { N: number; TOTAL: number }> {
  const expected = new Map<string, { N: number; TOTAL: number }>()
  for (let i = 0; i < TOTAL; i++) {
    const k = `c${i % KEYS}`
    const e = expected.get(k) ?? { N: 0, TOTAL: 0 }
    e.N++
    e.TOTAL += i % 100
    expected.set(k, e)
  }
  return expected
}

describe('crash safety of a persistent aggregation (SIGKILL, restart)', () => {
  it('ends with the same sink topic and table as a run never killed', async () => {
    const clean = mkdtempSync(join(tmpdir(), 'eddy-crash-clean-'))
    const killed = mkdtempSync(join(tmpdir(), 'eddy-crash-killed-'))
    dirs.push(clean, killed)
    await runToEnd(clean)
    expect(await killAndFinish(killed, '0')).toBeGreaterThan(0)

    const expected = expectedTable()
    const reference = await sink(clean)
    const actual = await sink(killed)
    // One changelog record per input record (EMIT CHANGES, no cache).
    expect(reference).toHaveLength(TOTAL)
    const table = new Map(
      actual.map((r) => [r.key, JSON.parse(r.value ?? 'null') as { N: number; TOTAL: number }]),
    )
    expect(table).toEqual(expected)
    expect(actual).toEqual(reference)
  }, 120_000)

  it('with the record cache: each key counts up without a repeat to the right total', async () => {
    const killed = mkdtempSync(join(tmpdir(), 'eddy-crash-cached-'))
    dirs.push(killed)
    expect(await killAndFinish(killed, '10485760')).toBeGreaterThan(0)
    const actual = await sink(killed)
    const last = new Map<string, { N: number; TOTAL: number }>()
    for (const r of actual) {
      const v = JSON.parse(r.value ?? 'null') as { N: number; TOTAL: number }
      const before = last.get(r.key)
      // A change processed twice (or emitted again after a restart) would repeat or go back.
      if (before !== undefined) expect(v.N, `${r.key} after ${before.N}`).toBeGreaterThan(before.N)
      last.set(r.key, v)
    }
    expect(last).toEqual(expectedTable())
    // The cache compacted: fewer changes than input records.
    expect(actual.length).toBeLessThan(TOTAL)
  }, 120_000)
})
