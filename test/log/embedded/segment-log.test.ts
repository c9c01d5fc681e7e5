import { appendFile, mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EmbeddedBackend } from '../../../src/log/embedded/embedded-backend.js'
import type { SegmentLogOptions } from '../../../src/log/embedded/segment-log.js'
import { bytes, readAll } from '../topic-backend-contract.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-seg-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const partitionDir = () => join(dir, 'topics', 't', '0')
const segmentFiles = async (ext: string) =>
  (await readdir(partitionDir())).filter((f) => f.endsWith(ext)).sort()

/** Writes `calls` produce calls of `perCall` records (one frame each) to topic t, partition 0. */
async function seed(calls: number, perCall: number, options: SegmentLogOptions = {}): Promise<void> {
  const backend = await EmbeddedBackend.open(dir, options)
  await backend.createTopic('t', { partitions: 1 })
  for (let c = 0; c < calls; c++) {
    await backend.produce(
      't',
      Array.from({ length: perCall }, (_, i) => ({ key: bytes(`k${c}`), value: bytes(`value ${c}.${i}`) })),
    )
  }
  await backend.close()
}

async function values(options: SegmentLogOptions = {}, from?: number): Promise<string[]> {
  const backend = await EmbeddedBackend.open(dir, options)
  try {
    const offsets = from === undefined ? [] : [{ partition: 0, offset: from }]
    const { records } = await readAll(backend, 't', { offsets })
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => (from ?? 0) + i))
    return records.map((r) => Buffer.from(r.value!).toString())
  } finally {
    await backend.close()
  }
}

/** Byte positions where each frame of a segment file starts, plus the file size. */
async function frameBounds(file: string): Promise<number[]> {
  const buf = await readFile(file)
  const bounds = [0]
  for (let p = 0; p < buf.length; ) {
    p += buf.readUInt32LE(p)
    bounds.push(p)
  }
  return bounds
}

const expectedValues = (calls: number, perCall: number) =>
  Array.from({ length: calls * perCall }, (_, i) => `value ${Math.floor(i / perCall)}.${i % perCall}`)

describe('crash recovery of the last segment', () => {
  it.each<[string, (bounds: number[]) => number, number]>([
    ['one byte short of the end', (b) => b[b.length - 1]! - 1, 9],
    ['in the middle of the last record', (b) => b[b.length - 1]! - 5, 9],
    ['in the header of the last frame', (b) => b[b.length - 2]! + 10, 9],
    ['at a frame boundary', (b) => b[7]!, 7],
    ['inside the first frame', (b) => Math.floor(b[1]! / 2), 0],
    ['to an empty file', () => 0, 0],
  ])('truncated %s: reopen keeps the valid prefix and appends after it', async (_, cut, framesKept) => {
    await seed(10, 5)
    const [log] = await segmentFiles('.log')
    const file = join(partitionDir(), log!)
    await truncate(file, cut(await frameBounds(file)))
    expect(await values()).toEqual(expectedValues(framesKept, 5))

    const backend = await EmbeddedBackend.open(dir)
    const [ref] = await backend.produce('t', [{ key: null, value: bytes('after') }])
    expect(ref!.offset).toBe(framesKept * 5)
    await backend.close()
    expect(await values()).toEqual([...expectedValues(framesKept, 5), 'after'])
  })

  it.each<[string, (file: string, bounds: number[]) => Promise<void>, number]>([
    ['zeros appended (a preallocated tail)', (f) => appendFile(f, Buffer.alloc(200)), 10],
    ['garbage appended', (f) => appendFile(f, Buffer.from('not a frame at all, just noise')), 10],
    [
      'a flipped byte in the last frame (CRC mismatch)',
      async (f, b) => {
        const buf = await readFile(f)
        buf[b[b.length - 2]! + 40]! ^= 0xff
        await writeFile(f, buf)
      },
      9,
    ],
    [
      'a flipped byte in frame 4',
      async (f, b) => {
        const buf = await readFile(f)
        buf[b[4]! + 35]! ^= 0x01
        await writeFile(f, buf)
      },
      4,
    ],
  ])('with %s: reopen cuts the log at the first bad frame', async (_, damage, framesKept) => {
    await seed(10, 5)
    const [log] = await segmentFiles('.log')
    const file = join(partitionDir(), log!)
    await damage(file, await frameBounds(file))
    expect(await values()).toEqual(expectedValues(framesKept, 5))
    expect((await frameBounds(file)).length).toBe(framesKept + 1)
  })
})

describe('segments and indexes', () => {
  const small: SegmentLogOptions = { segmentBytes: 2048, indexIntervalBytes: 256, tailCacheRecords: 0 }

  it('rolls segments, saves indexes of closed ones, and reads across them', async () => {
    await seed(60, 20, small)
    const logs = await segmentFiles('.log')
    expect(logs.length).toBeGreaterThan(5)
    expect((await segmentFiles('.index')).length).toBeGreaterThanOrEqual(logs.length - 1)
    expect(logs[0]).toBe('00000000000000000000.log')
    expect(await values(small)).toEqual(expectedValues(60, 20))
  })

  it.each([0, 1, 19, 20, 21, 333, 600, 1199])('reads from offset %i through the index', async (from) => {
    await seed(60, 20, small)
    const all = expectedValues(60, 20)
    expect(await values(small, from)).toEqual(all.slice(from))
  })

  it('rebuilds a missing index by scanning its segment', async () => {
    await seed(60, 20, small)
    const indexes = await segmentFiles('.index')
    await unlink(join(partitionDir(), indexes[1]!))
    await writeFile(join(partitionDir(), indexes[2]!), Buffer.alloc(3))
    expect(await values(small, 500)).toEqual(expectedValues(60, 20).slice(500))
    expect(await segmentFiles('.index')).toEqual(indexes)
  })

  it('refuses to open a log damaged before its last segment', async () => {
    await seed(60, 20, small)
    const logs = await segmentFiles('.log')
    const indexes = await segmentFiles('.index')
    await unlink(join(partitionDir(), indexes[1]!))
    await truncate(join(partitionDir(), logs[1]!), 100)
    await expect(EmbeddedBackend.open(dir, small)).rejects.toMatchObject({ reason: 'CORRUPT' })
  })

  it('writes records bigger than the segment size in a segment of their own', async () => {
    const backend = await EmbeddedBackend.open(dir, small)
    await backend.createTopic('t', { partitions: 1 })
    const big = new Uint8Array(10_000).fill(42)
    await backend.produce('t', [
      { key: null, value: bytes('a') },
      { key: null, value: big },
      { key: null, value: bytes('b') },
    ])
    await backend.close()
    const reopened = await EmbeddedBackend.open(dir, small)
    const { records } = await readAll(reopened, 't')
    expect(records.map((r) => r.value!.length)).toEqual([1, 10_000, 1])
    await reopened.close()
  })
})
