import type { RecordRef } from '../../errors.js'
import { partitionForKey, StickyPartitioner } from '../murmur2.js'
import {
  type ConsumeOptions,
  type CreateTopicOptions,
  checkTopicName,
  type InRecord,
  type OutRecord,
  type RecordBatch,
  type RecordHeader,
  type TopicBackend,
  TopicBackendError,
  type TopicDescription,
  type TopicPartitionOffset,
  unknownTopic,
} from '../topic-backend.js'
import type { PartitionLog } from './partition-log.js'
import { MAX_TIMESTAMP } from './record-codec.js'
import type { SegmentLogOptions } from './segment-log.js'
import { DiskStorage, type EmbeddedStorage, MemoryStorage, type TopicMeta } from './storage.js'

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])
const DEFAULT_BATCH = 10_000

/** A topic's live state: its partition logs and the wake-up for consumers waiting at the end. */
class TopicState {
  readonly meta: TopicMeta
  readonly logs: PartitionLog[] = []
  readonly sticky = new StickyPartitioner()
  deleted = false
  #wake: (() => void) | null = null
  #waiting: Promise<void> | null = null

  constructor(meta: TopicMeta) {
    this.meta = meta
  }

  /** Called when records become readable, or the topic or backend goes away. */
  readonly changed = (): void => {
    const wake = this.#wake
    if (wake !== null) {
      this.#wake = null
      this.#waiting = null
      wake()
    }
  }

  /** Resolves at the next `changed()` or when `signal` aborts. */
  async waitForChange(signal: AbortSignal | undefined): Promise<void> {
    if (this.#waiting === null) {
      this.#waiting = new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
    if (signal === undefined) return this.#waiting
    let onAbort: (() => void) | undefined
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve()
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      await Promise.race([this.#waiting, aborted])
    } finally {
      signal.removeEventListener('abort', onAbort!)
    }
  }
}

/**
 * The embedded topic backend: Kafka's log model inside the Eddy process. `EmbeddedBackend.open(dir)`
 * keeps everything under a data directory (segment files, see `segment-log.ts`) and survives a
 * restart; `EmbeddedBackend.inMemory()` keeps everything in memory (tests, the QTT runner).
 */
export class EmbeddedBackend implements TopicBackend {
  readonly #storage: EmbeddedStorage
  readonly #topics = new Map<string, TopicState>()
  readonly #creating = new Set<string>()
  readonly #groups = new Map<string, Map<string, Map<number, number>>>()
  #closed = false

  private constructor(storage: EmbeddedStorage) {
    this.#storage = storage
  }

  /** A backend whose topics and offsets live only as long as the object. */
  static inMemory(): EmbeddedBackend {
    return new EmbeddedBackend(new MemoryStorage())
  }

  /**
   * Opens (creating if needed) the data directory `dir`, recovering every partition. Only one
   * backend may have a directory open at a time (a `LOCK` file holds the owner's pid).
   */
  static async open(dir: string, options: SegmentLogOptions = {}): Promise<EmbeddedBackend> {
    const backend = new EmbeddedBackend(new DiskStorage(dir, options))
    await backend.#load()
    return backend
  }

  async #load(): Promise<void> {
    const { topics, groups } = await this.#storage.load()
    try {
      for (const meta of topics) this.#topics.set(meta.name, await this.#openTopic(meta))
    } catch (e) {
      await this.close()
      throw e
    }
    for (const [group, offsets] of groups) {
      const byTopic = new Map<string, Map<number, number>>()
      for (const o of offsets) {
        if (this.#topics.has(o.topic)) getOrAdd(byTopic, o.topic).set(o.partition, o.offset)
      }
      this.#groups.set(group, byTopic)
    }
  }

  async #openTopic(meta: TopicMeta): Promise<TopicState> {
    const state = new TopicState(meta)
    for (let p = 0; p < meta.partitions; p++) {
      state.logs.push(await this.#storage.openPartition(meta, p, state.changed))
    }
    return state
  }

  #checkOpen(): void {
    if (this.#closed) throw new TopicBackendError('CLOSED', 'The topic backend is closed')
  }

  #topic(name: string): TopicState {
    this.#checkOpen()
    const t = this.#topics.get(name)
    if (t === undefined) throw unknownTopic(name)
    return t
  }

  async createTopic(name: string, options: CreateTopicOptions): Promise<void> {
    this.#checkOpen()
    checkTopicName(name)
    const partitions = options.partitions
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      throw new TopicBackendError('INVALID', `Invalid partition count ${partitions} for topic '${name}'`)
    }
    const replicas = options.replicas ?? 1
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new TopicBackendError('INVALID', `Invalid replica count ${replicas} for topic '${name}'`)
    }
    if (this.#topics.has(name) || this.#creating.has(name)) {
      throw new TopicBackendError('TOPIC_EXISTS', `Topic '${name}' already exists`)
    }
    const meta: TopicMeta = { name, partitions, replicas, config: { ...options.config } }
    this.#creating.add(name)
    try {
      await this.#storage.createTopic(meta)
      this.#topics.set(name, await this.#openTopic(meta))
    } finally {
      this.#creating.delete(name)
    }
  }

  async topicExists(name: string): Promise<boolean> {
    this.#checkOpen()
    return this.#topics.has(name)
  }

  async listTopics(): Promise<readonly string[]> {
    this.#checkOpen()
    return [...this.#topics.keys()].sort()
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const t = this.#topic(name)
    return {
      name,
      partitions: t.logs.map((log, partition) => ({ partition, startOffset: 0, endOffset: log.endOffset })),
      replicas: t.meta.replicas,
      config: t.meta.config,
    }
  }

  async deleteTopic(name: string): Promise<void> {
    const t = this.#topic(name)
    t.deleted = true
    this.#topics.delete(name)
    t.changed()
    for (const [group, byTopic] of this.#groups) {
      if (byTopic.delete(name)) await this.#storage.saveGroup(group, flatten(byTopic))
    }
    await Promise.all(t.logs.map((log) => log.close()))
    await this.#storage.deleteTopic(name)
  }

  async truncate(topic: string, partition: number, to: number): Promise<void> {
    const log = this.#topic(topic).logs[partition]
    if (log === undefined)
      throw new TopicBackendError('INVALID', `Topic ${topic} has no partition ${partition}`)
    await log.truncate(to)
  }

  async produce(topic: string, records: readonly OutRecord[]): Promise<readonly RecordRef[]> {
    const t = this.#topic(topic)
    const logs = t.logs
    const n = logs.length
    const now = Date.now()
    const perPartition: (InRecord[] | undefined)[] = new Array(n)
    const refs: InRecord[] = new Array(records.length)
    let sticky = -1
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      const key = r.key
      const value = r.value
      if (
        (key !== null && !(key instanceof Uint8Array)) ||
        (value !== null && !(value instanceof Uint8Array))
      ) {
        throw new TopicBackendError('INVALID', `Record ${i}: key and value must be Uint8Array or null`)
      }
      let p = r.partition
      if (p === undefined) {
        if (n === 1) p = 0
        else if (key !== null) p = partitionForKey(key, n)
        else {
          if (sticky < 0) sticky = t.sticky.nextPartition(n)
          p = sticky
        }
      } else if (!Number.isInteger(p) || p < 0 || p >= n) {
        throw new TopicBackendError(
          'INVALID',
          `Record ${i}: partition ${p} is not in topic '${topic}' (${n})`,
        )
      }
      const timestamp = r.timestamp ?? now
      if (!Number.isInteger(timestamp) || Math.abs(timestamp) > MAX_TIMESTAMP) {
        throw new TopicBackendError('INVALID', `Record ${i}: invalid timestamp ${timestamp}`)
      }
      const headers = r.headers ?? NO_HEADERS
      let list = perPartition[p]
      if (list === undefined) perPartition[p] = list = []
      const rec: InRecord = {
        topic,
        partition: p,
        offset: logs[p]!.nextOffset + list.length,
        key,
        value,
        timestamp,
        headers,
      }
      list.push(rec)
      refs[i] = rec
    }
    const writes: Promise<void>[] = []
    for (let p = 0; p < n; p++) {
      const list = perPartition[p]
      if (list !== undefined) writes.push(logs[p]!.append(list))
    }
    if (writes.length === 1) await writes[0]
    else await Promise.all(writes)
    return refs
  }

  async *consume(topic: string, options: ConsumeOptions = {}): AsyncIterable<RecordBatch> {
    const t = this.#topic(topic)
    const n = t.logs.length
    const partitions = options.partitions ?? t.logs.map((_, p) => p)
    for (const p of partitions) {
      if (!Number.isInteger(p) || p < 0 || p >= n) {
        throw new TopicBackendError('INVALID', `Partition ${p} is not in topic '${topic}' (${n})`)
      }
    }
    const logs = partitions.map((p) => t.logs[p]!)
    const given = new Map<number, number>()
    for (const o of options.offsets ?? []) given.set(o.partition, o.offset)
    const latest = options.reset === 'latest'
    const positions = partitions.map((p, i) => {
      const end = logs[i]!.endOffset
      const at = given.get(p)
      if (at !== undefined && Number.isInteger(at) && at >= 0 && at <= end) return at
      return latest ? end : 0
    })
    const follow = options.follow ?? true
    const stopAt = follow ? null : logs.map((log) => log.endOffset)
    const maxBatch = Math.max(1, options.maxBatchRecords ?? DEFAULT_BATCH)
    const signal = options.signal
    let next = 0
    for (;;) {
      if (signal?.aborted || this.#closed) return
      if (t.deleted) throw unknownTopic(topic)
      let batch: RecordBatch | null = null
      for (let k = 0; k < logs.length && batch === null; k++) {
        const i = (next + k) % logs.length
        const log = logs[i]!
        const from = positions[i]!
        const limit = stopAt === null ? log.endOffset : stopAt[i]!
        if (from >= limit) continue
        const got = log.read(from, Math.min(maxBatch, limit - from))
        const records = Array.isArray(got) ? got : await got
        if (records.length === 0) continue
        positions[i] = from + records.length
        next = i + 1
        batch = { topic, partition: partitions[i]!, records, nextOffset: from + records.length }
      }
      if (batch !== null) {
        if (signal?.aborted || this.#closed) return
        yield batch
        continue
      }
      if (stopAt !== null) return
      await t.waitForChange(signal)
    }
  }

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#checkOpen()
    for (const o of offsets) {
      const t = this.#topic(o.topic)
      if (!Number.isInteger(o.partition) || o.partition < 0 || o.partition >= t.logs.length) {
        throw new TopicBackendError('INVALID', `Partition ${o.partition} is not in topic '${o.topic}'`)
      }
      if (!Number.isInteger(o.offset) || o.offset < 0) {
        throw new TopicBackendError('INVALID', `Invalid offset ${o.offset} for ${o.topic}-${o.partition}`)
      }
    }
    const byTopic = getOrAdd(this.#groups, group)
    for (const o of offsets) getOrAdd(byTopic, o.topic).set(o.partition, o.offset)
    await this.#storage.saveGroup(group, flatten(byTopic))
  }

  async committedOffsets(group: string, topic?: string): Promise<readonly TopicPartitionOffset[]> {
    this.#checkOpen()
    const all = flatten(this.#groups.get(group) ?? new Map())
    return topic === undefined ? all : all.filter((o) => o.topic === topic)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const topics = [...this.#topics.values()]
    for (const t of topics) t.changed()
    const results = await Promise.allSettled(topics.flatMap((t) => t.logs.map((log) => log.close())))
    await this.#storage.close()
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }
}

function getOrAdd<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key)
  if (inner === undefined) {
    inner = new Map()
    map.set(key, inner)
  }
  return inner
}

function flatten(byTopic: ReadonlyMap<string, ReadonlyMap<number, number>>): TopicPartitionOffset[] {
  const out: TopicPartitionOffset[] = []
  for (const topic of [...byTopic.keys()].sort()) {
    const parts = byTopic.get(topic)!
    for (const partition of [...parts.keys()].sort((a, b) => a - b)) {
      out.push({ topic, partition, offset: parts.get(partition)! })
    }
  }
  return out
}
