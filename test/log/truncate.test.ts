import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { InRecord } from '../../src/log/topic-backend.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const enc = new TextEncoder()
const dec = new TextDecoder()

async function readAll(b: EmbeddedBackend, topic: string): Promise<string[]> {
  const out: InRecord[] = []
  for await (const batch of b.consume(topic, { follow: false, reset: 'earliest' })) out.push(...batch.records)
  return out.map((r) => `${r.offset}:${dec.decode(r.value ?? new Uint8Array())}`)
}

async function produceN(b: EmbeddedBackend, from: number, n: number): Promise<void> {
  await b.produce(
    't',
    Array.from({ length: n }, (_, i) => ({ partition: 0, key: null, value: enc.encode(`v${from + i}`) })),
  )
}

describe.each([
  [
    'on disk',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'eddy-trunc-'))
      dirs.push(d)
      return { open: () => EmbeddedBackend.open(d, { segmentBytes: 400 }) }
    },
  ],
  [
    'in memory',
    async () => {
      const b = EmbeddedBackend.inMemory()
      return { open: async () => b }
    },
  ],
])('truncate (%s)', (_name, setup) => {
  it('cuts at a produce boundary, inside a frame and across segments; new records take the freed offsets', async () => {
    const { open } = await setup()
    const b = await open()
    await b.createTopic('t', { partitions: 1 })
    for (let i = 0; i < 30; i += 5) await produceN(b, i, 5)
    await b.truncate('t', 0, 20)
    expect((await b.describeTopic('t')).partitions[0]!.endOffset).toBe(20)
    await b.truncate('t', 0, 17)
    await produceN(b, 100, 2)
    const expected = [...Array.from({ length: 17 }, (_, i) => `${i}:v${i}`), '17:v100', '18:v101']
    expect(await readAll(b, 't')).toEqual(expected)
    await b.close()
    // Reopened from disk (same object in memory): the cut holds.
    const again = await open()
    if (again !== b) {
      expect(await readAll(again, 't')).toEqual(expected)
      await again.close()
    }
  })
})
