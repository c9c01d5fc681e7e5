import type {
  InRecord,
  OutRecord,
  RecordBatch,
  TopicBackend,
  TopicPartitionOffset,
} from '../log/topic-backend.js'
import type { QueryPlan, Step } from '../plan/physical/steps.js'
import { QueryRuntimeError } from '../errors.js'
import { LevelStateStore, type StateSnapshot } from '../state/level-store.js'
import { buildPersistent } from './build.js'
import type { Materialization } from './materialization.js'
import type { OperatorContext } from './operators/context.js'

/**
 * Records per consumed batch: small enough that a batch's records die young (batches of 10 000
 * outlived several scavenges and got promoted, making old-generation GC the top cost), large
 * enough to amortize the per-batch produce and commit (which overlap the next batch anyway).
 */
const BATCH_RECORDS = 1000

/** Batches whose writes (produce, commit) may be outstanding while the next batch is processed. */
const WRITES_AHEAD = 4

/**
 * Default time between two commits of a query with persistent state: ksqlDB's
 * `ksql.streams.commit.interval.ms` default. Longer intervals let more updates of a key coalesce
 * into one write; pull queries commit first (`commitNow`), so they still read every processed record.
 */
const COMMIT_INTERVAL_MS = 2000

export type QueryState = 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR'

export interface PersistentQueryOptions {
  /**
   * No other query writes the sink topic: after a crash, output produced after the last commit
   * is cut from the sink (it is produced again from the committed state), which makes the
   * embedded backend exactly-once. Without it such output stays (at-least-once).
   */
  readonly exclusiveSink?: boolean
  /**
   * The query replaces one with the same id (CREATE OR REPLACE ... AS SELECT): its state store
   * already holds the state the old query built up to the group's committed offsets, so a
   * stateful query must not rebuild it by replaying its input.
   */
  readonly inheritsState?: boolean
}

/** A commit point: the state changes up to a batch and the source offsets after it. */
interface CommitPoint {
  readonly snapshot: StateSnapshot
  readonly offsets: readonly TopicPartitionOffset[]
}

/**
 * A running persistent query: its operators, its consumer group's committed offsets on the
 * source topic, and the sink topic it produces to. Processing is batch by batch: the source batch
 * goes through the operators synchronously, the sink's buffer is produced in one call, then the
 * batch's next offset is committed. Those writes run while the next batch is processed; they stay
 * in batch order.
 *
 * With a persistent state store (`ctx.state` a LevelStateStore: an engine with a data directory)
 * a commit is made every COMMIT_INTERVAL_MS and when the input runs dry: the dirty state is
 * snapshotted synchronously after a batch, and once that batch's output is produced the
 * snapshot, the source offsets and the sink's end offsets are written in one LevelDB batch. On
 * restart the query resumes from those offsets with that state, and (exclusive sink) output
 * produced after the commit is cut from the sink first: no input is lost or counted twice, no
 * output is duplicated.
 */
export class PersistentQuery {
  readonly id: string
  readonly plan: QueryPlan
  state: QueryState = 'RUNNING'
  /** The failure that stopped the query, if any. */
  error: Error | undefined
  private readonly pipeline: ReturnType<typeof buildPersistent>
  private epoch = 0
  private loop: Promise<void> | undefined
  /** Produce + commit of the last processed batch (chained after the earlier ones), if not awaited yet. */
  private writes: Promise<void> | undefined
  /** The writes of the last batches, oldest first (at most WRITES_AHEAD + 1). */
  private window: Promise<void>[] = []
  /** Batches processed so far. */
  private batches = 0
  /** Per source topic and partition, the offset after the last batch whose output is produced but not committed yet. */
  private readonly produced = new Map<string, TopicPartitionOffset>()
  private abort: AbortController | undefined
  /** The persistent state store, if the query has one. */
  private readonly durable: LevelStateStore | undefined
  /** Durable: the next offset per source topic partition (all partitions seen). */
  private readonly positions = new Map<string, TopicPartitionOffset>()
  /** Durable: the sink's end offset per partition after the output produced so far. */
  private readonly sinkEnds = new Map<number, number>()
  /** Durable: the chain of LevelDB commits (each after the previous one). */
  private commits: Promise<void> | undefined
  /** Durable: a commit that failed (reported by the next batch or flush). */
  private commitError: Error | undefined
  /** Durable: batches processed since the last commit point. */
  private uncommitted = 0
  private lastCommit = 0
  private commitTimer: NodeJS.Timeout | undefined
  private readonly commitIntervalMs: number

  constructor(
    plan: QueryPlan,
    private readonly backend: TopicBackend,
    private readonly ctx: OperatorContext,
    /** The query's consumer group (its committed offsets). */
    readonly group: string,
    private readonly reset: 'earliest' | 'latest',
    private readonly options: PersistentQueryOptions = {},
  ) {
    this.id = plan.queryId
    this.plan = plan
    this.pipeline = buildPersistent(plan.physicalPlan, ctx)
    this.durable = ctx.state instanceof LevelStateStore ? ctx.state : undefined
    const interval = Number(ctx.config?.['ksql.streams.commit.interval.ms'])
    this.commitIntervalMs = Number.isFinite(interval) && interval >= 0 ? interval : COMMIT_INTERVAL_MS
  }

  /** Where the query's operators keep their state. */
  get stateStore(): OperatorContext['state'] {
    return this.ctx.state
  }

  /** The sink table as pull queries read it from the query's state store, if it is kept there. */
  get materialization(): Materialization | undefined {
    return this.pipeline.materialization
  }

  private get sinkTopic(): string {
    return this.plan.physicalPlan.topicName
  }

  /** The first source topic. */
  get sourceTopic(): string {
    return this.pipeline.sourceStep.topicName
  }

  /** Every topic the query reads (a join reads several), each once. */
  get sourceTopics(): readonly string[] {
    return [...new Set(this.pipeline.sources.map((s) => s.step.topicName))]
  }

  /** Feeds a record to every source operator reading its topic. */
  private feed(r: InRecord): void {
    const sources = this.pipeline.sources
    if (sources.length === 1) {
      this.pipeline.source.onRecord(r)
      return
    }
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i]!
      if (s.step.topicName === r.topic) s.operator.onRecord(r)
    }
  }

  /**
   * With auto.offset.reset=latest, pins the start at the current end of the source topics so that
   * later polls do not skip records that arrive in between.
   */
  async init(): Promise<void> {
    if (this.plan.physicalPlan.window !== undefined) {
      this.pipeline.sink.partitions = (await this.backend.describeTopic(this.sinkTopic)).partitions.length
    }
    if (this.durable !== undefined) {
      const meta = await this.durable.load()
      if (meta !== undefined) {
        await this.restoreFromCommit(meta.offsets, meta.sinkEnds)
        return
      }
      for (const p of (await this.backend.describeTopic(this.sinkTopic)).partitions) {
        this.sinkEnds.set(p.partition, p.endOffset)
      }
    }
    await this.initOffsets()
    if (this.durable === undefined) return
    // A first commit before any record: where the sink ended when the query started, so output
    // produced before a crash that precedes the next commit is cut on restart too.
    for (const t of this.sourceTopics) {
      for (const o of await this.backend.committedOffsets(this.group, t)) {
        this.positions.set(`${o.topic}\u0000${o.partition}`, o)
      }
    }
    const sinkEnds = [...this.sinkEnds].map(([partition, offset]) => ({ partition, offset }))
    await this.durable.commit(this.durable.snapshot(), { offsets: [...this.positions.values()], sinkEnds })
  }

  /** Offsets of a query without a commit in its store: resume the group's, or start at the reset position. */
  private async initOffsets(): Promise<void> {
    const committed = new Map<string, readonly TopicPartitionOffset[]>()
    for (const t of this.sourceTopics) committed.set(t, await this.backend.committedOffsets(this.group, t))
    if ([...committed.values()].some((c) => c.length > 0)) {
      if (this.options.inheritsState !== true) await this.rebuildState(committed)
      return
    }
    if (this.reset === 'earliest') return
    for (const t of this.sourceTopics) {
      const d = await this.backend.describeTopic(t)
      await this.backend.commitOffsets(
        this.group,
        d.partitions.map((p) => ({ topic: t, partition: p.partition, offset: p.endOffset })),
      )
    }
  }

  /**
   * Restart from the store's last commit: the source offsets become the group's committed
   * offsets, and output written after the commit is cut from an exclusive sink (it will be
   * produced again, identically, from the committed state).
   */
  private async restoreFromCommit(
    offsets: readonly TopicPartitionOffset[],
    sinkEnds: readonly { partition: number; offset: number }[],
  ): Promise<void> {
    for (const o of offsets) this.positions.set(`${o.topic}\u0000${o.partition}`, o)
    for (const e of sinkEnds) this.sinkEnds.set(e.partition, e.offset)
    const truncate = this.backend.truncate
    if (this.options.exclusiveSink === true && truncate !== undefined) {
      for (const p of (await this.backend.describeTopic(this.sinkTopic)).partitions) {
        const end = this.sinkEnds.get(p.partition)
        if (end !== undefined && p.endOffset > end) {
          await truncate.call(this.backend, this.sinkTopic, p.partition, end)
        }
      }
    }
    if (offsets.length > 0) await this.backend.commitOffsets(this.group, offsets)
  }

  /**
   * Without a persistent store a stateful query (GROUP BY, JOIN) keeps its state in memory: after a restart it rebuilds it
   * by replaying its input from the start up to the committed offsets, with output and logging
   * switched off, so processing resumes exactly where it stopped. Topics are replayed one after
   * the other (a join's original interleaving of its inputs is not recorded).
   */
  private async rebuildState(
    committedByTopic: ReadonlyMap<string, readonly { partition: number; offset: number }[]>,
  ): Promise<void> {
    if (!isStateful(this.plan.physicalPlan)) return
    this.ctx.replaying = true
    try {
      for (const [topic, committed] of committedByTopic) {
        if (committed.length === 0) continue
        const upTo = new Map(committed.map((c) => [c.partition, c.offset]))
        for await (const batch of this.backend.consume(topic, {
          partitions: [...upTo.keys()],
          reset: 'earliest',
          follow: false,
        })) {
          const end = upTo.get(batch.partition) ?? 0
          for (const r of batch.records) if (r.offset < end) this.feed(r)
          this.pipeline.sink.buffer.length = 0
        }
      }
      // Nothing replayed may come out later: empty what operators hold back (record caches).
      for (const s of this.pipeline.sources) s.operator.onControl({ kind: 'Flush' })
      this.pipeline.sink.buffer.length = 0
    } finally {
      this.ctx.replaying = false
    }
  }

  /** Processes everything available now; resolves with the number of records read. */
  async runOnce(): Promise<number> {
    if (this.state !== 'RUNNING') return 0
    let n = 0
    try {
      if (this.sourceTopics.length > 1) return await this.runMerged()
      for (const topic of this.sourceTopics) {
        const offsets = await this.backend.committedOffsets(this.group, topic)
        for await (const batch of this.backend.consume(topic, {
          offsets,
          follow: false,
          reset: this.reset,
          maxBatchRecords: BATCH_RECORDS,
        })) {
          n += await this.processBatch(batch)
        }
        await this.flush()
      }
    } catch (e) {
      await this.flush().catch(() => {})
      this.state = 'ERROR'
      this.error = e as Error
      throw e
    }
    return n
  }

  /**
   * A query over several topics (a join) processes what they hold in timestamp order across
   * topics, as Kafka Streams picks the record with the lowest timestamp among its partitions: a
   * merge of one stream per topic, in chunks of BATCH_RECORDS. On equal timestamps the later
   * source (a join's right side: a stream-table join's table) goes first.
   */
  private async runMerged(): Promise<number> {
    const streams = await Promise.all(
      this.sourceTopics.map(async (topic, index) => {
        const offsets = await this.backend.committedOffsets(this.group, topic)
        const it = this.backend
          .consume(topic, { offsets, follow: false, reset: this.reset, maxBatchRecords: BATCH_RECORDS })
          [Symbol.asyncIterator]()
        /** Per partition, the offset after the last record taken into the current chunk. */
        const taken = new Map<number, number>()
        return { topic, index, it, buf: [] as readonly InRecord[], pos: 0, done: false, taken }
      }),
    )
    const refill = async (s: (typeof streams)[number]): Promise<void> => {
      while (s.pos >= s.buf.length && !s.done) {
        const next = await s.it.next()
        if (next.done === true) s.done = true
        else {
          s.buf = next.value.records
          s.pos = 0
        }
      }
    }
    for (const s of streams) await refill(s)
    let n = 0
    let chunk: InRecord[] = []
    const commits = (): TopicPartitionOffset[] => {
      const out: TopicPartitionOffset[] = []
      for (const s of streams) {
        for (const [partition, offset] of s.taken) out.push({ topic: s.topic, partition, offset })
        s.taken.clear()
      }
      return out
    }
    for (;;) {
      let best: (typeof streams)[number] | undefined
      let bestTs = 0
      for (const s of streams) {
        const r = s.buf[s.pos]
        if (r === undefined) continue
        if (best === undefined || r.timestamp < bestTs || (r.timestamp === bestTs && s.index > best.index)) {
          best = s
          bestTs = r.timestamp
        }
      }
      if (best === undefined) break
      if (streams.every((o) => o === best || o.pos >= o.buf.length)) {
        // Only one topic has records left: its batches go through as they are.
        if (chunk.length > 0) n += await this.processRecords(chunk, commits())
        chunk = []
        for (;;) {
          const rest = best.pos === 0 ? best.buf : best.buf.slice(best.pos)
          const last = rest[rest.length - 1]!
          best.pos = best.buf.length
          n += await this.processRecords(rest, [
            { topic: last.topic, partition: last.partition, offset: last.offset + 1 },
          ])
          await refill(best)
          if (best.pos >= best.buf.length) break
        }
        continue
      }
      const r = best.buf[best.pos++]!
      chunk.push(r)
      best.taken.set(r.partition, r.offset + 1)
      if (best.pos >= best.buf.length) await refill(best)
      if (chunk.length >= BATCH_RECORDS) {
        n += await this.processRecords(chunk, commits())
        chunk = []
      }
    }
    if (chunk.length > 0) n += await this.processRecords(chunk, commits())
    await this.flush()
    return n
  }

  /** Runs continuously (server / REPL) until `stop`. */
  start(): void {
    if (this.loop !== undefined) return
    const abort = new AbortController()
    this.abort = abort
    this.loop = (async () => {
      if (this.sourceTopics.length > 1) {
        await this.pollLoop(abort.signal)
        return
      }
      try {
        const offsets = await this.backend.committedOffsets(this.group, this.sourceTopic)
        for await (const batch of this.backend.consume(this.sourceTopic, {
          offsets,
          follow: true,
          reset: this.reset,
          signal: abort.signal,
          maxBatchRecords: BATCH_RECORDS,
        })) {
          if (this.state === 'RUNNING') await this.processBatch(batch)
        }
        await this.flush()
      } catch (e) {
        await this.flush().catch(() => {})
        if (!abort.signal.aborted) {
          this.state = 'ERROR'
          this.error = e as Error
        }
      }
    })()
  }

  /** Continuous processing of several source topics: drains each in turn, then waits a little. */
  private async pollLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let n = 0
      try {
        if (this.state === 'RUNNING') n = await this.runOnce()
      } catch (e) {
        if (!signal.aborted) {
          this.state = 'ERROR'
          this.error = e as Error
        }
        return
      }
      if (n === 0) await new Promise((r) => setTimeout(r, 50))
    }
  }

  async stop(): Promise<void> {
    this.abort?.abort()
    await this.loop
    this.loop = undefined
    if (this.commitTimer !== undefined) {
      clearTimeout(this.commitTimer)
      this.commitTimer = undefined
    }
  }

  /**
   * Runs a batch through the operators, then hands its output and offset commit to the writer
   * chain: produce, then commit, after the previous batch's. Only the previous batch's writes are
   * awaited here, so the next batch is read and processed while this one's are under way.
   */
  private processBatch(batch: RecordBatch): Promise<number> {
    return this.processRecords(batch.records, [
      { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset },
    ])
  }

  /** Runs records through the operators; `commits` are the offsets after them, per topic partition. */
  private async processRecords(
    records: readonly InRecord[],
    commits: readonly TopicPartitionOffset[],
  ): Promise<number> {
    if (this.commitError !== undefined) throw this.commitError
    const sources = this.pipeline.sources
    let i = 0
    try {
      if (sources.length === 1) {
        const src = this.pipeline.source
        for (; i < records.length; i++) src.onRecord(records[i]!)
      } else for (; i < records.length; i++) this.feed(records[i]!)
    } catch (e) {
      await this.failInProcess()
      throw e instanceof QueryRuntimeError && !e.topLevel ? caughtInProcess(e, records[i]) : e
    }
    const epoch = ++this.epoch
    for (const s of sources) s.operator.onControl({ kind: 'Barrier', epoch })
    const due = this.durable !== undefined && Date.now() - this.lastCommit >= this.commitIntervalMs
    // A commit follows: what operators hold back (record caches) goes out with this batch.
    if (due) for (const s of sources) s.operator.onControl({ kind: 'Flush' })
    const output = this.takeOutput()
    const prev = this.writes
    let writes: Promise<void>
    if (this.durable !== undefined) {
      for (const commit of commits) this.positions.set(`${commit.topic}\u0000${commit.partition}`, commit)
      this.uncommitted++
      writes = this.writeDurable(prev, output, due ? this.commitPoint() : undefined)
      if (!due) this.scheduleCommit()
    } else {
      writes = this.write(prev, output, commits, ++this.batches)
    }
    // A failure is reported by the next batch or by flush(); do not also report it as unhandled.
    writes.catch(() => {})
    this.writes = writes
    // Backpressure: processing may run a few batches ahead of the writes (a commit's LevelDB
    // batch takes longer than one batch's processing), no further.
    this.window.push(writes)
    if (this.window.length > WRITES_AHEAD) await this.window.shift()
    return records.length
  }

  /**
   * A record's processing failed: what the records before it produced has been sent (Kafka
   * Streams' producer has it), so it is written before the query stops.
   */
  private async failInProcess(): Promise<void> {
    const output = this.takeOutput()
    const prev = this.writes
    const writes = (async () => {
      if (prev !== undefined) await prev
      if (output !== undefined) await this.backend.produce(this.sinkTopic, output)
    })()
    this.writes = writes
    await writes.catch(() => {})
  }

  /** The sink's records so far (undefined when none). */
  private takeOutput(): OutRecord[] | undefined {
    const out = this.pipeline.sink.buffer
    return out.length > 0 ? out.splice(0, out.length) : undefined
  }

  /** A commit between batches: operators forward what they hold back, and that output is written first. */
  private commitBetweenBatches(): Promise<void> {
    for (const s of this.pipeline.sources) s.operator.onControl({ kind: 'Flush' })
    const writes = this.writeDurable(this.writes, this.takeOutput(), this.commitPoint())
    writes.catch(() => {})
    this.writes = writes
    return writes
  }

  /** Takes a commit point now: the state as it is after the last processed batch, and the offsets after it. */
  private commitPoint(): CommitPoint {
    this.uncommitted = 0
    this.lastCommit = Date.now()
    if (this.commitTimer !== undefined) {
      clearTimeout(this.commitTimer)
      this.commitTimer = undefined
    }
    return { snapshot: this.durable!.snapshot(), offsets: [...this.positions.values()] }
  }

  /** A commit when the input pauses: the last batches' state must not wait for more input. */
  private scheduleCommit(): void {
    if (this.commitTimer !== undefined || this.loop === undefined) return
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined
      if (this.uncommitted === 0) return
      this.commitBetweenBatches()
    }, this.commitIntervalMs)
    this.commitTimer.unref()
  }

  /** Durable writes of one batch: its output, then (at a commit point) state + offsets + sink ends in one batch. */
  private async writeDurable(
    prev: Promise<void> | undefined,
    output: OutRecord[] | undefined,
    commit: CommitPoint | undefined,
  ): Promise<void> {
    if (prev !== undefined) await prev
    if (output !== undefined) {
      const refs = await this.backend.produce(this.sinkTopic, output)
      for (const r of refs) {
        if (r.offset + 1 > (this.sinkEnds.get(r.partition) ?? 0)) this.sinkEnds.set(r.partition, r.offset + 1)
      }
    }
    if (commit === undefined) return
    // The sink's ends now (after this batch's output, before any later batch's), then the
    // LevelDB write on its own chain: producing the next batches need not wait for it.
    const sinkEnds = [...this.sinkEnds].map(([partition, offset]) => ({ partition, offset }))
    const before = this.commits
    const durable = this.durable!
    const done = (async () => {
      if (before !== undefined) await before
      await durable.commit(commit.snapshot, { offsets: commit.offsets, sinkEnds })
      await this.backend.commitOffsets(this.group, commit.offsets)
    })()
    done.catch((e: unknown) => {
      this.commitError ??= e as Error
    })
    this.commits = done
  }

  private async write(
    prev: Promise<void> | undefined,
    output: OutRecord[] | undefined,
    commits: readonly TopicPartitionOffset[],
    seq: number,
  ): Promise<void> {
    if (prev !== undefined) await prev
    if (output !== undefined) await this.backend.produce(this.sinkTopic, output)
    for (const c of commits) this.produced.set(`${c.topic}\u0000${c.partition}`, c)
    // A later batch is already processed: its write commits this offset along with its own.
    if (seq !== this.batches) return
    const offsets = [...this.produced.values()]
    this.produced.clear()
    await this.backend.commitOffsets(this.group, offsets)
  }

  /** Waits for the writes of the batches processed so far (committing them); throws if one failed. */
  private async flush(): Promise<void> {
    if (this.durable !== undefined && this.uncommitted > 0) this.commitBetweenBatches()
    const writes = this.writes
    if (writes !== undefined) {
      this.window = []
      try {
        await writes
      } finally {
        if (this.writes === writes) this.writes = undefined
      }
    }
    await this.commits
    if (this.commitError !== undefined) throw this.commitError
  }

  /** Commits what has been processed (pull queries read the committed state). */
  async commitNow(): Promise<void> {
    if (this.durable === undefined || this.uncommitted === 0) return
    await this.commitBetweenBatches()
    await this.commits
    if (this.commitError !== undefined) throw this.commitError
  }

  /** Stops the query and releases its state store; `destroy` also deletes the state (TERMINATE). */
  async close(destroy = false): Promise<void> {
    await this.stop()
    await this.flush().catch(() => {})
    if (this.durable === undefined) return
    if (destroy) await this.durable.destroy()
    else await this.durable.close()
  }
}

/** True when a step tree holds state (an aggregation, a join). */
function isStateful(step: Step): boolean {
  if (step['@type'] === 'streamAggregateV1' || step['@type'] === 'tableAggregateV1') return true
  if ('left' in step) return true
  return 'source' in step ? isStateful(step.source) : false
}

/**
 * Kafka Streams' StreamTask.process wraps what a processor throws in a StreamsException:
 * "Exception caught in process. taskId=..., processor=..., topic=..., partition=..., offset=...,
 * stacktrace=...", the original as its cause.
 */
export function caughtInProcess(e: QueryRuntimeError, record: InRecord | undefined): QueryRuntimeError {
  const where =
    record === undefined
      ? ''
      : ` taskId=0_${record.partition}, processor=KSTREAM-SOURCE-0000000000, topic=${record.topic}, partition=${record.partition}, offset=${record.offset},`
  return new QueryRuntimeError(
    `Exception caught in process.${where} stacktrace=${e.name}: ${e.message}`,
    record ?? e.record,
    { cause: e, topLevel: true },
  )
}
