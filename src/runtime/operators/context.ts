import type { FunctionRegistry } from '../../functions/registry.js'
import type { SchemaRegistry } from '../../serde/schema-registry.js'
import type { StateStore } from '../../state/state-store.js'

/** What operators get from the query that runs them. */
export interface OperatorContext {
  readonly queryId: string
  readonly functions: FunctionRegistry
  /** Where operators keep their state (declared in their constructors). */
  readonly state: StateStore
  /** Reports a record that could not be processed (processing log); the query continues. */
  logError(message: string, where: RecordPosition): void
  /** The record being processed (set by the source operator): where expression errors happened. */
  readonly current: { topic: string; partition: number; offset: number }
  /** True while a query rebuilds its state by replaying input it already processed: nothing is logged. */
  replaying: boolean
  /** The query's properties, for functions that read settings (COLLECT_LIST's limit). */
  readonly config?: Readonly<Record<string, string>>
  /**
   * Kafka Streams' record cache (`cache.max.bytes.buffering`), for queries that commit at an
   * interval: an aggregation compacts the changes of a group and forwards the latest at the next
   * Flush (before each commit), or earlier when the cache is full. 0 or absent: every change is
   * forwarded at once (transient queries, tests).
   */
  readonly recordCacheBytes?: number
  /** ksql.timestamp.throw.on.invalid: a record whose timestamp cannot be read stops the query. */
  readonly throwOnInvalidTimestamp?: boolean
  /** The engine's schema registry (AVRO / JSON_SR serdes). */
  readonly schemaRegistry?: SchemaRegistry
}

export interface RecordPosition {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}
