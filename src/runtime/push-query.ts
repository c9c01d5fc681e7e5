import type { PushRow } from '../engine/results.js'
import type { InRecord, PartitionOffset, TopicBackend } from '../log/topic-backend.js'
import type { Step } from '../plan/physical/steps.js'
import { buildPipeline } from './build.js'
import type { Change, Control, Operator } from './messages.js'
import type { OperatorContext } from './operators/context.js'

/**
 * A transient push query (`SELECT ... EMIT CHANGES`): reads its source topic from
 * auto.offset.reset (latest by default) and keeps following it; rows are handed to the consumer
 * through an async iterator until it stops iterating, `cancel()` is called, or LIMIT is reached.
 */
export class PushQuery {
  private readonly abort = new AbortController()
  private readonly queue: PushRow[] = []
  private wake: (() => void) | undefined
  private emitted = 0
  private ended = false
  private failure: Error | undefined

  constructor(
    private readonly step: Step,
    private readonly backend: TopicBackend,
    private readonly ctx: OperatorContext,
    private readonly reset: 'earliest' | 'latest',
    private readonly limit: number | undefined,
    /** Keep waiting for new records (true) or end at the end offsets seen at the start. */
    private readonly follow: boolean = true,
  ) {}

  cancel(): void {
    this.ended = true
    this.abort.abort()
    this.wake?.()
  }

  /** Starts consuming; rows become available through `rows()`. */
  start(): void {
    const stream = !producesTable(this.step)
    const collector: Operator = {
      onChange: (c: Change) => {
        if (this.ended) return
        // A stream record with a null value is invalid data: ksqlDB's transient sink drops it.
        if (c.tombstone && stream) return
        this.queue.push(c.tombstone ? { values: c.row, tombstone: true } : { values: c.row })
        this.emitted++
        if (this.limit !== undefined && this.emitted >= this.limit) this.cancel()
        this.wake?.()
      },
      onControl: (_m: Control) => {},
    }
    const pipeline = buildPipeline(this.step, collector, this.ctx)
    const topics = [...new Set(pipeline.sources.map((s) => s.step.topicName))]
    const feed = (r: InRecord): void => {
      for (const s of pipeline.sources) if (s.step.topicName === r.topic) s.operator.onRecord(r)
    }
    void (async () => {
      try {
        if (this.limit === 0) return
        if (topics.length === 1) await this.follow1(topics[0]!, feed)
        else await this.followMany(topics, feed)
      } catch (e) {
        this.failure = e as Error
      } finally {
        this.ended = true
        this.wake?.()
      }
    })()
  }

  /** One source topic: its batches in order. */
  private async follow1(
    topic: string,
    feed: (r: InRecord) => void,
    offsets?: readonly PartitionOffset[],
  ): Promise<void> {
    for await (const batch of this.backend.consume(topic, {
      follow: this.follow,
      reset: this.reset,
      signal: this.abort.signal,
      ...(offsets !== undefined ? { offsets } : {}),
    })) {
      for (const r of batch.records) {
        if (this.ended) return
        feed(r)
      }
      if (this.ended) return
    }
  }

  /**
   * A join reads several topics. What they hold when the query starts is fed in timestamp order
   * across topics (as Kafka Streams picks the record with the lowest timestamp among its
   * partitions), so a table read alongside a stream is current when the stream's records arrive;
   * then (follow) each topic's new records are fed as they come.
   */
  private async followMany(topics: readonly string[], feed: (r: InRecord) => void): Promise<void> {
    const backlog: InRecord[] = []
    const next = new Map<string, PartitionOffset[]>()
    for (const topic of topics) {
      const ends = new Map<number, number>()
      for await (const batch of this.backend.consume(topic, { follow: false, reset: this.reset })) {
        for (const r of batch.records) backlog.push(r)
        ends.set(batch.partition, batch.nextOffset)
      }
      next.set(
        topic,
        [...ends].map(([partition, offset]) => ({ partition, offset })),
      )
    }
    // Equal timestamps: the right side first (a stream-table join's table), so a row and the
    // stream record that needs it can carry the same time.
    const order = new Map(topics.map((t, i) => [t, i]))
    backlog.sort((a, b) => a.timestamp - b.timestamp || (order.get(b.topic) ?? 0) - (order.get(a.topic) ?? 0))
    for (const r of backlog) {
      if (this.ended) return
      feed(r)
    }
    if (!this.follow || this.ended) return
    await Promise.all(topics.map((t) => this.follow1(t, feed, next.get(t)?.length ? next.get(t) : undefined)))
  }

  async *rows(): AsyncGenerator<PushRow> {
    try {
      for (;;) {
        const next = this.queue.shift()
        if (next !== undefined) {
          yield next
          continue
        }
        if (this.failure !== undefined) throw this.failure
        if (this.ended) return
        await new Promise<void>((resolve) => {
          this.wake = resolve
        })
        this.wake = undefined
      }
    } finally {
      this.cancel()
    }
  }
}

/** Whether a step's output is a table (a table step, or an aggregation) rather than a stream. */
export function producesTable(step: Step): boolean {
  return step['@type'].startsWith('table') || step['@type'] === 'streamAggregateV1'
}
