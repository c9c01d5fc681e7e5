import type { TopicBackend } from '../log/topic-backend.js'
import type { QueryPlan } from '../plan/physical/steps.js'
import { buildPersistent } from './build.js'
import type { OperatorContext } from './operators/context.js'

export type QueryState = 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR'

/**
 * A running persistent query: its operators, its consumer group's committed offsets on the
 * source topic, and the sink topic it produces to. Processing is batch by batch: the source batch
 * goes through the operators synchronously, the sink's buffer is produced in one call, then the
 * batch's next offset is committed (at-least-once; exactly-once needs produce + commit together).
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
  private abort: AbortController | undefined

  constructor(
    plan: QueryPlan,
    private readonly backend: TopicBackend,
    ctx: OperatorContext,
    private readonly group: string,
    private readonly reset: 'earliest' | 'latest',
  ) {
    this.id = plan.queryId
    this.plan = plan
    this.pipeline = buildPersistent(plan.physicalPlan, ctx)
  }

  get sourceTopic(): string {
    return this.pipeline.sourceStep.topicName
  }

  /**
   * With auto.offset.reset=latest, pins the start at the current end of the source topic so that
   * later polls do not skip records that arrive in between.
   */
  async init(): Promise<void> {
    const committed = await this.backend.committedOffsets(this.group, this.sourceTopic)
    if (committed.length > 0 || this.reset === 'earliest') return
    const d = await this.backend.describeTopic(this.sourceTopic)
    await this.backend.commitOffsets(
      this.group,
      d.partitions.map((p) => ({ topic: this.sourceTopic, partition: p.partition, offset: p.endOffset })),
    )
  }

  /** Processes everything available now; resolves with the number of records read. */
  async runOnce(): Promise<number> {
    if (this.state !== 'RUNNING') return 0
    const offsets = await this.backend.committedOffsets(this.group, this.sourceTopic)
    let n = 0
    try {
      for await (const batch of this.backend.consume(this.sourceTopic, {
        offsets,
        follow: false,
        reset: this.reset,
      })) {
        n += await this.processBatch(batch)
      }
    } catch (e) {
      this.state = 'ERROR'
      this.error = e as Error
      throw e
    }
    return n
  }

  /** Runs continuously (server / REPL) until `stop`. */
  start(): void {
    if (this.loop !== undefined) return
    const abort = new AbortController()
    this.abort = abort
    this.loop = (async () => {
      try {
        const offsets = await this.backend.committedOffsets(this.group, this.sourceTopic)
        for await (const batch of this.backend.consume(this.sourceTopic, {
          offsets,
          follow: true,
          reset: this.reset,
          signal: abort.signal,
        })) {
          if (this.state === 'RUNNING') await this.processBatch(batch)
        }
      } catch (e) {
        if (!abort.signal.aborted) {
          this.state = 'ERROR'
          this.error = e as Error
        }
      }
    })()
  }

  async stop(): Promise<void> {
    this.abort?.abort()
    await this.loop
    this.loop = undefined
  }

  private async processBatch(batch: import('../log/topic-backend.js').RecordBatch): Promise<number> {
    const src = this.pipeline.source
    for (const r of batch.records) src.onRecord(r)
    src.onControl({ kind: 'Barrier', epoch: ++this.epoch })
    const out = this.pipeline.sink.buffer
    if (out.length > 0) {
      const records = out.splice(0, out.length)
      await this.backend.produce(this.plan.physicalPlan.topicName, records)
    }
    await this.backend.commitOffsets(this.group, [
      { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset },
    ])
    return batch.records.length
  }
}
