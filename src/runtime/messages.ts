import type { RecordHeader } from '../log/topic-backend.js'
import type { Row } from '../types/values.js'

/**
 * One change flowing through a query's operators: a stream record, or a table upsert/delete.
 * `row` follows the emitting operator's columns (key columns first). A table delete
 * (`tombstone`) carries the key columns; its value columns are null.
 */
export interface Change {
  row: Row
  /** Event time (ROWTIME), epoch ms. */
  ts: number
  headers: readonly RecordHeader[]
  tombstone: boolean
  /**
   * The record had a null key (Kafka's null, not a key whose columns are null): kept while the
   * key passes through unchanged, so the sink writes a null key again.
   */
  nullKey: boolean
  /** The window of a windowed key (windowed sources and aggregations). */
  window?: { readonly start: number; readonly end: number } | undefined
  /** Where the input record came from: processing-log entries cite it. */
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/**
 * Control messages share the operators' channel with data (Arroyo / RisingWave): a barrier asks
 * every operator to flush before the runner commits source offsets; a watermark says no record
 * older than `ts` will arrive (windowed operators close windows); end means the input is done.
 */
export type Control =
  | { readonly kind: 'Barrier'; readonly epoch: number }
  | { readonly kind: 'Watermark'; readonly ts: number }
  /** A commit follows: operators forward what they hold back (aggregations' record caches). */
  | { readonly kind: 'Flush' }
  | { readonly kind: 'End' }

/** An operator: data arrives through `onChange` (synchronous, no per-record promise). */
export interface Operator {
  onChange(c: Change): void
  /** Handle and forward a control message downstream. */
  onControl(m: Control): void
}
