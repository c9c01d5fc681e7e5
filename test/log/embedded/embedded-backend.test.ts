import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedBackend } from '../../../src/log/embedded/embedded-backend.js'
import type { TopicBackend } from '../../../src/log/topic-backend.js'
import { bytes, describeTopicBackend, readAll } from '../topic-backend-contract.js'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-log-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describeTopicBackend(
  'embedded (memory)',
  async () => ({ backend: EmbeddedBackend.inMemory(), cleanup: async () => {} }),
  { durable: false },
)

describeTopicBackend(
  'embedded (disk)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-log-'))
    return {
      backend: await EmbeddedBackend.open(dir),
      reopen: () => EmbeddedBackend.open(dir),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    }
  },
  { durable: true },
)

// Small segments and no tail cache: every read goes to the files, across many segments.
describeTopicBackend(
  'embedded (disk, 4 KiB segments, no cache)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-log-'))
    const options = { segmentBytes: 4096, indexIntervalBytes: 512, tailCacheRecords: 0 }
    return {
      backend: await EmbeddedBackend.open(dir, options),
      reopen: () => EmbeddedBackend.open(dir, options),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    }
  },
  { durable: true },
)

describe('EmbeddedBackend', () => {
  it.each([
    ['memory', async () => EmbeddedBackend.inMemory()],
    ['disk', async () => EmbeddedBackend.open(await tempDir())],
  ])(
    '(%s) sends all null-key records of one produce call to one partition, round-robin per call',
    async (_, make) => {
      const backend = await make()
      await backend.createTopic('sticky', { partitions: 3 })
      const partitionsPerCall: number[][] = []
      for (let call = 0; call < 4; call++) {
        const refs = await backend.produce(
          'sticky',
          Array.from({ length: 5 }, () => ({ key: null, value: bytes('x') })),
        )
        partitionsPerCall.push([...new Set(refs.map((r) => r.partition))])
      }
      expect(partitionsPerCall).toEqual([[0], [1], [2], [0]])
      await backend.close()
    },
  )

  it('refuses to open a data directory another backend has open', async () => {
    const dir = await tempDir()
    const first = await EmbeddedBackend.open(dir)
    await expect(EmbeddedBackend.open(dir)).rejects.toMatchObject({ reason: 'INVALID' })
    await first.close()
    const second = await EmbeddedBackend.open(dir)
    await second.close()
  })

  it('recovers everything acknowledged when the process dies without close()', async () => {
    // A copy of the directory taken while the backend is open is what a killed process leaves.
    const dir = await tempDir()
    const crashed = await tempDir()
    const live = await EmbeddedBackend.open(dir, { segmentBytes: 16 * 1024 })
    await live.createTopic('t', { partitions: 2 })
    const refs = await live.produce(
      't',
      Array.from({ length: 2000 }, (_, i) => ({ key: bytes(`k${i}`), value: bytes(`v${i}`) })),
    )
    await live.commitOffsets('g', [{ topic: 't', partition: 1, offset: 9 }])
    await cp(dir, crashed, { recursive: true })
    await live.close()

    const reopened = await EmbeddedBackend.open(crashed, { segmentBytes: 16 * 1024 })
    const { records } = await readAll(reopened, 't')
    expect(records).toHaveLength(refs.length)
    expect(await reopened.committedOffsets('g')).toEqual([{ topic: 't', partition: 1, offset: 9 }])
    await reopened.close()
  })

  it('resumes a consumer group after a restart with nothing lost or duplicated', async () => {
    const dir = await tempDir()
    const seen: string[] = []
    const consumeSome = async (backend: TopicBackend, max: number) => {
      const from = await backend.committedOffsets('q', 'src')
      let n = 0
      for await (const batch of backend.consume('src', {
        offsets: from,
        follow: false,
        maxBatchRecords: 7,
      })) {
        for (const r of batch.records) seen.push(Buffer.from(r.value!).toString())
        await backend.commitOffsets('q', [
          { topic: 'src', partition: batch.partition, offset: batch.nextOffset },
        ])
        n += batch.records.length
        if (n >= max) break
      }
    }
    let backend = await EmbeddedBackend.open(dir)
    await backend.createTopic('src', { partitions: 3 })
    await backend.produce(
      'src',
      Array.from({ length: 300 }, (_, i) => ({ key: bytes(`k${i}`), value: bytes(String(i)) })),
    )
    await consumeSome(backend, 100)
    await backend.close()
    backend = await EmbeddedBackend.open(dir)
    await consumeSome(backend, 1000)
    await backend.close()
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })

  it.each([
    ['a plain name', 'query-1'],
    ['slashes, dots and odd characters', '../g/with:odd*chars?.%'],
    ['a very long name', 'g'.repeat(400)],
  ])('keeps committed offsets of a group with %s across reopen', async (_, group) => {
    const dir = await tempDir()
    let backend = await EmbeddedBackend.open(dir)
    await backend.createTopic('t', { partitions: 1 })
    await backend.commitOffsets(group, [{ topic: 't', partition: 0, offset: 42 }])
    await backend.close()
    backend = await EmbeddedBackend.open(dir)
    expect(await backend.committedOffsets(group)).toEqual([{ topic: 't', partition: 0, offset: 42 }])
    await backend.close()
  })

  it('moves a directory that is not a topic out of the way, so the name can be created', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'topics', 'stray', '0'), { recursive: true })
    await writeFile(join(dir, 'topics', 'stray', '0', 'junk'), 'x')
    const backend = await EmbeddedBackend.open(dir)
    expect(await backend.listTopics()).toEqual([])
    await backend.createTopic('stray', { partitions: 1 })
    expect((await backend.describeTopic('stray')).partitions).toEqual([
      { partition: 0, startOffset: 0, endOffset: 0 },
    ])
    await backend.close()
  })
})
