import type { PushRow } from '../engine/results.js'
import type { TopicBackend } from '../log/topic-backend.js'
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
    const collector: Operator = {
      onChange: (c: Change) => {
        if (this.ended) return
        this.queue.push(c.tombstone ? { values: c.row, tombstone: true } : { values: c.row })
        this.emitted++
        if (this.limit !== undefined && this.emitted >= this.limit) this.cancel()
        this.wake?.()
      },
      onControl: (_m: Control) => {},
    }
    const pipeline = buildPipeline(this.step, collector, this.ctx)
    const topic = pipeline.sourceStep.topicName
    void (async () => {
      try {
        if (this.limit === 0) return
        for await (const batch of this.backend.consume(topic, {
          follow: this.follow,
          reset: this.reset,
          signal: this.abort.signal,
        })) {
          for (const r of batch.records) {
            if (this.ended) break
            pipeline.source.onRecord(r)
          }
          if (this.ended) break
        }
      } catch (e) {
        this.failure = e as Error
      } finally {
        this.ended = true
        this.wake?.()
      }
    })()
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
