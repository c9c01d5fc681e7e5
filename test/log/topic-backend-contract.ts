import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { partitionForKey } from '../../src/log/murmur2.js'
import type {
  ConsumeOptions,
  InRecord,
  OutRecord,
  RecordBatch,
  TopicBackend,
  TopicBackendErrorReason,
} from '../../src/log/topic-backend.js'

/**
 * What a test gets from a backend factory. `reopen` closes nothing itself: the suite closes the
 * backend first, then asks for a new one over the same storage.
 */
export interface BackendFixture {
  readonly backend: TopicBackend
  readonly reopen?: () => Promise<TopicBackend>
  readonly cleanup: () => Promise<void>
}

export type BackendFactory = () => Promise<BackendFixture>

export interface BackendCapabilities {
  /** Records and offsets survive close and reopen (`BackendFixture.reopen` must be set). */
  readonly durable: boolean
}

const enc = new TextEncoder()
export const bytes = (s: string): Uint8Array => enc.encode(s)
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'))

/** A topic name no other test (or a shared Kafka cluster) uses. */
export const topicName = (label: string): string => `eddy-test-${label}-${randomUUID().slice(0, 8)}`

/** Reads without following: everything up to the end offsets at the start. */
export async function readAll(
  backend: TopicBackend,
  topic: string,
  options: Omit<ConsumeOptions, 'follow'> = {},
): Promise<{ batches: RecordBatch[]; records: InRecord[] }> {
  const batches: RecordBatch[] = []
  for await (const batch of backend.consume(topic, { ...options, follow: false })) batches.push(batch)
  return { batches, records: batches.flatMap((b) => b.records) }
}

function byPartition(records: readonly InRecord[]): Map<number, InRecord[]> {
  const m = new Map<number, InRecord[]>()
  for (const r of records) {
    const list = m.get(r.partition) ?? []
    list.push(r)
    m.set(r.partition, list)
  }
  return m
}

/** Polls until `condition` holds (2 s at most), so tests of asynchronous delivery need no fixed sleeps. */
export async function waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

async function expectReason(p: Promise<unknown>, reason: TopicBackendErrorReason): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'TopicBackendError', reason })
}

/**
 * The contract every `TopicBackend` satisfies (kysely's run-every-dialect style): call it once per
 * implementation, e.g. `describeTopicBackend('embedded (memory)', async () => ...)`.
 */
export function describeTopicBackend(
  name: string,
  factory: BackendFactory,
  capabilities: BackendCapabilities,
): void {
  describe(`TopicBackend contract: ${name}`, () => {
    let fx: BackendFixture
    let backend: TopicBackend

    beforeEach(async () => {
      fx = await factory()
      backend = fx.backend
    })
    afterEach(async () => {
      await backend.close()
      await fx.cleanup()
    })

    describe('topics', () => {
      it('creates, lists, describes and deletes topics', async () => {
        const a = topicName('a')
        const b = topicName('b')
        await backend.createTopic(b, { partitions: 3, replicas: 1, config: { 'cleanup.policy': 'compact' } })
        await backend.createTopic(a, { partitions: 1 })
        expect(await backend.topicExists(a)).toBe(true)
        const listed = (await backend.listTopics()).filter((t) => t === a || t === b)
        expect(listed).toEqual([a, b].sort())
        expect(await backend.describeTopic(b)).toMatchObject({
          name: b,
          replicas: 1,
          partitions: [0, 1, 2].map((partition) => ({ partition, startOffset: 0, endOffset: 0 })),
          config: expect.objectContaining({ 'cleanup.policy': 'compact' }),
        })
        await backend.deleteTopic(a)
        expect(await backend.topicExists(a)).toBe(false)
        expect(await backend.listTopics()).not.toContain(a)
      })

      it.each<[string, TopicBackendErrorReason, (existing: string) => string, number]>([
        ['an existing name', 'TOPIC_EXISTS', (existing) => existing, 1],
        ['a name with a space', 'INVALID', () => 'bad name', 1],
        ['a name with a slash', 'INVALID', () => 'a/b', 1],
        ['an empty name', 'INVALID', () => '', 1],
        ['the name ..', 'INVALID', () => '..', 1],
        ['zero partitions', 'INVALID', () => topicName('zero'), 0],
        ['a fractional partition count', 'INVALID', () => topicName('frac'), 1.5],
      ])('refuses to create a topic with %s', async (_, reason, nameFor, partitions) => {
        const existing = topicName('dup')
        await backend.createTopic(existing, { partitions: 1 })
        await expectReason(backend.createTopic(nameFor(existing), { partitions }), reason)
      })

      it.each([
        ['describeTopic', (b: TopicBackend, t: string) => b.describeTopic(t)],
        ['deleteTopic', (b: TopicBackend, t: string) => b.deleteTopic(t)],
        ['produce', (b: TopicBackend, t: string) => b.produce(t, [{ key: null, value: null }])],
        ['consume', (b: TopicBackend, t: string) => readAll(b, t)],
        [
          'commitOffsets',
          (b: TopicBackend, t: string) => b.commitOffsets('g', [{ topic: t, partition: 0, offset: 1 }]),
        ],
      ])('%s on a missing topic fails with UNKNOWN_TOPIC', async (_, call) => {
        const missing = topicName('missing')
        expect(await backend.topicExists(missing)).toBe(false)
        await expectReason(call(backend, missing), 'UNKNOWN_TOPIC')
      })

      it('drops the committed offsets of a deleted topic, and a recreated topic starts empty', async () => {
        const t = topicName('recreate')
        const other = topicName('other')
        await backend.createTopic(t, { partitions: 1 })
        await backend.createTopic(other, { partitions: 1 })
        await backend.produce(t, [{ key: null, value: bytes('old') }])
        await backend.commitOffsets('g', [
          { topic: t, partition: 0, offset: 1 },
          { topic: other, partition: 0, offset: 0 },
        ])
        await backend.deleteTopic(t)
        expect(await backend.committedOffsets('g')).toEqual([{ topic: other, partition: 0, offset: 0 }])
        await backend.createTopic(t, { partitions: 2 })
        expect((await backend.describeTopic(t)).partitions.map((p) => p.endOffset)).toEqual([0, 0])
        expect((await readAll(backend, t)).records).toEqual([])
      })
    })

    describe('produce', () => {
      it('gives dense offsets from 0 per partition, in input order', async () => {
        const t = topicName('dense')
        await backend.createTopic(t, { partitions: 3 })
        const input: OutRecord[] = [0, 1, 2, 1, 1, 0, 2, 2, 2].map((partition, i) => ({
          key: null,
          value: bytes(`v${i}`),
          partition,
        }))
        const refs = await backend.produce(t, input)
        expect(refs.map((r) => [r.topic, r.partition, r.offset])).toEqual(
          [
            [0, 0],
            [1, 0],
            [2, 0],
            [1, 1],
            [1, 2],
            [0, 1],
            [2, 1],
            [2, 2],
            [2, 3],
          ].map(([p, o]) => [t, p, o]),
        )
        const more = await backend.produce(t, [{ key: null, value: null, partition: 1 }])
        expect(more.map((r) => r.offset)).toEqual([3])
        expect((await backend.describeTopic(t)).partitions.map((p) => p.endOffset)).toEqual([2, 4, 4])
      })

      it("puts keyed records where Kafka's default partitioner would", async () => {
        const t = topicName('murmur')
        await backend.createTopic(t, { partitions: 7 })
        const keys = Array.from({ length: 60 }, (_, i) => bytes(`key-${i}`))
        const refs = await backend.produce(
          t,
          keys.map((key) => ({ key, value: null })),
        )
        expect(refs.map((r) => r.partition)).toEqual(keys.map((k) => partitionForKey(k, 7)))
        const read = await readAll(backend, t)
        for (const r of read.records) expect(r.partition).toBe(partitionForKey(r.key!, 7))
      })

      it('puts null-key records in existing partitions with dense offsets', async () => {
        const t = topicName('nullkey')
        await backend.createTopic(t, { partitions: 4 })
        for (let i = 0; i < 5; i++) {
          await backend.produce(
            t,
            Array.from({ length: 10 }, () => ({ key: null, value: bytes('x') })),
          )
        }
        const { records } = await readAll(backend, t)
        expect(records).toHaveLength(50)
        for (const [p, list] of byPartition(records)) {
          expect(p).toBeGreaterThanOrEqual(0)
          expect(p).toBeLessThan(4)
          expect(list.map((r) => r.offset)).toEqual(list.map((_, i) => i))
        }
      })

      it.each([
        ['a partition out of range', { key: null, value: null, partition: 5 }],
        ['a negative partition', { key: null, value: null, partition: -1 }],
      ])('rejects %s and writes nothing of the call', async (_, bad) => {
        const t = topicName('bad')
        await backend.createTopic(t, { partitions: 2 })
        await expectReason(
          backend.produce(t, [{ key: null, value: bytes('ok'), partition: 0 }, bad]),
          'INVALID',
        )
        expect((await backend.describeTopic(t)).partitions.map((p) => p.endOffset)).toEqual([0, 0])
      })

      it('keeps call order and dense offsets for concurrent produces', async () => {
        const t = topicName('concurrent')
        await backend.createTopic(t, { partitions: 1 })
        const calls = Array.from({ length: 20 }, (_, c) =>
          backend.produce(
            t,
            Array.from({ length: 50 }, (_, i) => ({ key: null, value: bytes(`${c}:${i}`) })),
          ),
        )
        const refs = await Promise.all(calls)
        expect(refs.flat().map((r) => r.offset)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
        const { records } = await readAll(backend, t)
        expect(records.map((r) => text(r.value))).toEqual(
          Array.from({ length: 1000 }, (_, i) => `${Math.floor(i / 50)}:${i % 50}`),
        )
      })
    })

    describe('records round-trip', () => {
      const h = (key: string, value: string | null) => ({ key, value: value === null ? null : bytes(value) })
      it.each<[string, OutRecord]>([
        ['key and value', { key: bytes('k'), value: bytes('v'), timestamp: 1 }],
        ['a tombstone', { key: bytes('k'), value: null, timestamp: 2 }],
        ['null key and value', { key: null, value: null, timestamp: 3 }],
        ['empty key and value', { key: new Uint8Array(0), value: new Uint8Array(0), timestamp: 4 }],
        [
          'binary bytes',
          { key: new Uint8Array([0, 255, 128]), value: new Uint8Array(300).fill(7), timestamp: 5 },
        ],
        ['a negative timestamp', { key: null, value: bytes('v'), timestamp: -1_000 }],
        ['a large timestamp', { key: null, value: bytes('v'), timestamp: 253_402_300_799_000 }],
        [
          'headers with order, duplicates, nulls and unicode',
          {
            key: null,
            value: bytes('v'),
            timestamp: 6,
            headers: [h('b', '1'), h('a', '2'), h('b', null), h('ключ', 'значение'), h('', '')],
          },
        ],
      ])('%s', async (_, record) => {
        const t = topicName('rt')
        await backend.createTopic(t, { partitions: 1 })
        await backend.produce(t, [record])
        const { records } = await readAll(backend, t)
        expect(records).toHaveLength(1)
        const got = records[0]!
        expect({
          key: got.key === null ? null : [...got.key],
          value: got.value === null ? null : [...got.value],
          timestamp: got.timestamp,
          headers: got.headers.map((x) => ({ key: x.key, value: x.value === null ? null : [...x.value] })),
        }).toEqual({
          key: record.key === null ? null : [...record.key],
          value: record.value === null ? null : [...record.value],
          timestamp: record.timestamp,
          headers: (record.headers ?? []).map((x) => ({
            key: x.key,
            value: x.value === null ? null : [...x.value],
          })),
        })
        expect(got).toMatchObject({ topic: t, partition: 0, offset: 0 })
      })

      it('stamps records without a timestamp with the produce time', async () => {
        const t = topicName('ts')
        await backend.createTopic(t, { partitions: 1 })
        const before = Date.now()
        await backend.produce(t, [{ key: null, value: bytes('v') }])
        const after = Date.now()
        const [r] = (await readAll(backend, t)).records
        expect(r!.timestamp).toBeGreaterThanOrEqual(before)
        expect(r!.timestamp).toBeLessThanOrEqual(after)
      })
    })

    describe('consume', () => {
      async function seeded(partitions: number, perPartition: number): Promise<string> {
        const t = topicName('seed')
        await backend.createTopic(t, { partitions })
        const input: OutRecord[] = []
        for (let i = 0; i < perPartition; i++) {
          for (let p = 0; p < partitions; p++)
            input.push({ key: null, value: bytes(`${p}/${i}`), partition: p })
        }
        await backend.produce(t, input)
        return t
      }

      it('reads every partition in offset order, in non-empty batches of consecutive offsets', async () => {
        const t = await seeded(3, 25)
        const { batches, records } = await readAll(backend, t, { maxBatchRecords: 7 })
        expect(records).toHaveLength(75)
        for (const b of batches) {
          expect(b.records.length).toBeGreaterThan(0)
          expect(b.records.length).toBeLessThanOrEqual(7)
          expect(
            b.records.every((r, i) => r.partition === b.partition && r.offset === b.records[0]!.offset + i),
          ).toBe(true)
          expect(b.nextOffset).toBe(b.records[b.records.length - 1]!.offset + 1)
          expect(b.topic).toBe(t)
        }
        for (const [p, list] of byPartition(records)) {
          expect(list.map((r) => text(r.value))).toEqual(list.map((_, i) => `${p}/${i}`))
        }
      })

      it.each<[string, ConsumeOptions, Record<number, number>]>([
        ['from given offsets', { offsets: [{ partition: 0, offset: 8 }] }, { 0: 2, 1: 10 }],
        [
          'from given offsets, others latest',
          { offsets: [{ partition: 1, offset: 3 }], reset: 'latest' },
          { 0: 0, 1: 7 },
        ],
        ['from latest', { reset: 'latest' }, { 0: 0, 1: 0 }],
        ['from earliest', { reset: 'earliest' }, { 0: 10, 1: 10 }],
        [
          'with an offset past the end (reset)',
          { offsets: [{ partition: 0, offset: 99 }] },
          { 0: 10, 1: 10 },
        ],
        ['with an offset at the end', { offsets: [{ partition: 0, offset: 10 }] }, { 0: 0, 1: 10 }],
        ['from one partition', { partitions: [1] }, { 1: 10 }],
      ])('reads %s', async (_, options, expectedCounts) => {
        const t = await seeded(2, 10)
        const { records } = await readAll(backend, t, options)
        const counts: Record<number, number> = {}
        for (const [p, list] of byPartition(records)) counts[p] = list.length
        const expected = Object.fromEntries(Object.entries(expectedCounts).filter(([, n]) => n > 0))
        expect(counts).toEqual(expected)
        for (const [p, list] of byPartition(records)) {
          const first = 10 - expectedCounts[p]!
          expect(list.map((r) => r.offset)).toEqual(list.map((_, i) => first + i))
        }
      })

      it('rejects a partition the topic does not have', async () => {
        const t = await seeded(2, 1)
        await expectReason(readAll(backend, t, { partitions: [2] }), 'INVALID')
      })

      it('stops at the end offsets seen at the start when not following', async () => {
        const t = await seeded(1, 5)
        const got: InRecord[] = []
        for await (const b of backend.consume(t, { follow: false, maxBatchRecords: 2 })) {
          got.push(...b.records)
          if (got.length === 2) await backend.produce(t, [{ key: null, value: bytes('late') }])
        }
        expect(got.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4])
      })

      it('follows the tail: waits for new records until aborted, then ends without an error', async () => {
        const t = await seeded(2, 1)
        const ac = new AbortController()
        const seen: string[] = []
        const done = (async () => {
          for await (const b of backend.consume(t, { signal: ac.signal })) {
            for (const r of b.records) seen.push(text(r.value)!)
            if (seen.length === 4) ac.abort()
          }
        })()
        await waitFor(() => seen.length === 2, 'the existing records')
        expect([...seen].sort()).toEqual(['0/0', '1/0'])
        await backend.produce(t, [{ key: null, value: bytes('late0'), partition: 0 }])
        await backend.produce(t, [{ key: null, value: bytes('late1'), partition: 1 }])
        await done
        expect(seen.slice(2).sort()).toEqual(['late0', 'late1'])
      })

      it('ends a waiting consumer when the signal aborts with nothing new', async () => {
        const t = await seeded(1, 0)
        const ac = new AbortController()
        const batches: RecordBatch[] = []
        const done = (async () => {
          for await (const b of backend.consume(t, { signal: ac.signal })) batches.push(b)
        })()
        setTimeout(() => ac.abort(), 10)
        await done
        expect(batches).toEqual([])
      })

      it('ends when the caller breaks out of the loop', async () => {
        const t = await seeded(1, 30)
        let n = 0
        for await (const b of backend.consume(t, { maxBatchRecords: 10 })) {
          n += b.records.length
          if (n >= 10) break
        }
        expect(n).toBe(10)
        await backend.produce(t, [{ key: null, value: bytes('after') }])
        expect((await readAll(backend, t)).records).toHaveLength(31)
      })

      it('fails an open consumer of a deleted topic with UNKNOWN_TOPIC', async () => {
        const t = await seeded(1, 1)
        const it = backend.consume(t)[Symbol.asyncIterator]()
        expect((await it.next()).done).toBe(false)
        const failed = expectReason(it.next(), 'UNKNOWN_TOPIC')
        await backend.deleteTopic(t)
        await failed
      })

      it('round-trips many records across batches', async () => {
        const t = topicName('many')
        await backend.createTopic(t, { partitions: 2 })
        const n = 30_000
        const input = Array.from({ length: n }, (_, i) => ({
          key: bytes(`k${i % 97}`),
          value: bytes(`value-${i}`),
        }))
        const refs = await backend.produce(t, input)
        const { records } = await readAll(backend, t)
        expect(records).toHaveLength(n)
        const byRef = new Map(refs.map((r, i) => [`${r.partition}:${r.offset}`, i]))
        for (const r of records) {
          const i = byRef.get(`${r.partition}:${r.offset}`)!
          expect(text(r.value)).toBe(`value-${i}`)
        }
      })
    })

    describe('committed offsets', () => {
      it('stores, overwrites and lists offsets per group, and resumes from them', async () => {
        const t = topicName('commit')
        const u = topicName('commit2')
        await backend.createTopic(t, { partitions: 2 })
        await backend.createTopic(u, { partitions: 1 })
        await backend.produce(
          t,
          Array.from({ length: 10 }, (_, i) => ({ key: null, value: bytes(`${i}`), partition: i % 2 })),
        )
        expect(await backend.committedOffsets('q1')).toEqual([])
        await backend.commitOffsets('q1', [
          { topic: t, partition: 1, offset: 2 },
          { topic: u, partition: 0, offset: 0 },
        ])
        await backend.commitOffsets('q1', [{ topic: t, partition: 0, offset: 3 }])
        await backend.commitOffsets('q1', [{ topic: t, partition: 1, offset: 4 }])
        await backend.commitOffsets('q2', [{ topic: t, partition: 0, offset: 5 }])
        const expected = [
          { topic: t, partition: 0, offset: 3 },
          { topic: t, partition: 1, offset: 4 },
        ]
        expect(await backend.committedOffsets('q1', t)).toEqual(expected)
        expect(await backend.committedOffsets('q1')).toEqual(
          [...expected, { topic: u, partition: 0, offset: 0 }].sort((a, b) => a.topic.localeCompare(b.topic)),
        )
        expect(await backend.committedOffsets('q2')).toEqual([{ topic: t, partition: 0, offset: 5 }])
        const { records } = await readAll(backend, t, { offsets: await backend.committedOffsets('q1', t) })
        expect(records.map((r) => `${r.partition}:${r.offset}`).sort()).toEqual(['0:3', '0:4', '1:4'])
      })

      it.each([
        ['a negative offset', -1, 0],
        ['a fractional offset', 1.5, 0],
        ['a missing partition', 1, 3],
      ])('rejects %s', async (_, offset, partition) => {
        const t = topicName('badcommit')
        await backend.createTopic(t, { partitions: 1 })
        await expectReason(backend.commitOffsets('g', [{ topic: t, partition, offset }]), 'INVALID')
      })
    })

    describe('close', () => {
      it('ends following consumers and refuses further calls', async () => {
        const t = topicName('close')
        await backend.createTopic(t, { partitions: 1 })
        let n = 0
        const done = (async () => {
          for await (const b of backend.consume(t)) n += b.records.length
          return n
        })()
        await backend.produce(t, [{ key: null, value: bytes('x') }])
        await waitFor(() => n === 1, 'the produced record')
        await backend.close()
        expect(await done).toBe(1)
        await expectReason(backend.produce(t, [{ key: null, value: null }]), 'CLOSED')
        await expectReason(backend.listTopics(), 'CLOSED')
      })
    })

    // Only registered for durable backends: an in-memory backend has nothing to reopen.
    if (!capabilities.durable) return
    describe('durability across close and reopen', () => {
      it('keeps topics, records and committed offsets, and continues offsets after reopen', async () => {
        if (fx.reopen === undefined) throw new Error(`${name} claims durability but has no reopen`)
        const t = topicName('durable')
        await backend.createTopic(t, { partitions: 3, config: { 'retention.ms': '1000' } })
        const input = Array.from({ length: 3000 }, (_, i) => ({
          key: bytes(`k${i}`),
          value: i % 10 === 0 ? null : bytes(`v${i}`),
          timestamp: 1_000 + i,
          headers: [{ key: 'n', value: bytes(String(i)) }],
        }))
        await backend.produce(t, input)
        await backend.commitOffsets('query-1', [{ topic: t, partition: 2, offset: 17 }])
        const before = await readAll(backend, t)
        await backend.close()
        backend = await fx.reopen()
        expect(await backend.describeTopic(t)).toMatchObject({
          partitions: describeCounts(before.records, 3).map((endOffset, partition) => ({
            partition,
            endOffset,
          })),
          config: expect.objectContaining({ 'retention.ms': '1000' }),
        })
        const after = await readAll(backend, t)
        const norm = (rs: InRecord[]) =>
          rs
            .map((r) => [
              r.partition,
              r.offset,
              text(r.key),
              text(r.value),
              r.timestamp,
              text(r.headers[0]!.value),
            ])
            .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number))
        expect(norm(after.records)).toEqual(norm(before.records))
        expect(await backend.committedOffsets('query-1')).toEqual([{ topic: t, partition: 2, offset: 17 }])
        const [ref] = await backend.produce(t, [{ key: null, value: bytes('next'), partition: 0 }])
        expect(ref!.offset).toBe(describeCounts(before.records, 3)[0])
      })
    })
  })
}

function describeCounts(records: readonly InRecord[], partitions: number): number[] {
  const counts = new Array<number>(partitions).fill(0)
  for (const r of records) counts[r.partition]!++
  return counts
}
