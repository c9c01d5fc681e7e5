import type { Value } from '../types/values.js'
import type { Column, LogicalSchema } from '../types/schema.js'

/**
 * What `Engine.execute` returns per statement (ksqlDB's KsqlEntity family, cut down).
 */
export type StatementResult = CommandStatus | QueryStarted | Listing | PushQueryResult

/** DDL/DML acknowledgement, e.g. `Stream created`, `Created query with ID CSAS_OUTPUT_0`. */
export interface CommandStatus {
  readonly kind: 'CommandStatus'
  readonly statement: string
  readonly message: string
}

/** A persistent query was started (CSAS / CTAS / INSERT INTO ... SELECT). */
export interface QueryStarted {
  readonly kind: 'QueryStarted'
  readonly statement: string
  readonly queryId: string
  readonly message: string
}

/** Tabular output of SHOW / LIST / DESCRIBE / EXPLAIN: a header and rows of text cells. */
export interface Listing {
  readonly kind: 'Listing'
  readonly statement: string
  /** ksqlDB's entity type, e.g. 'streams', 'tables', 'sourceDescription', 'queries', 'properties'. */
  readonly type: string
  readonly columns: readonly string[]
  readonly rows: readonly (readonly string[])[]
}

/** A transient push (or pull) query: rows arrive until cancelled or LIMIT is reached. */
export interface PushQueryResult {
  readonly kind: 'PushQuery'
  readonly statement: string
  readonly queryId: string
  readonly schema: LogicalSchema
  /** Rows in output-schema order (key columns, then value columns). */
  readonly rows: AsyncIterable<PushRow>
  cancel(): void
  /**
   * The SELECT order of the columns when it differs from the schema's (key columns first):
   * `projection[i]` is the schema column shown i-th. ksqlDB presents transient query rows in
   * SELECT order; `selectOrder` applies it.
   */
  readonly projection?: readonly number[]
  /**
   * Set on pull queries (SELECT without EMIT): what was read, a table's state or a stream's topic.
   * The rows end after the last one. `schema.key` is then empty and `schema.value` lists every
   * column in row order (the projection's order, as ksqlDB's pull query header), key columns
   * (and a windowed table's window bounds) keeping namespace KEY.
   */
  readonly pull?: 'STREAM' | 'TABLE'
  /** Pull queries: the LIMIT, when given. */
  readonly limit?: number
}

export interface PushRow {
  readonly values: readonly Value[]
  /** A table row deleted (tombstone). */
  readonly tombstone?: boolean
}

/** A query's columns and a row's values in SELECT order (see `PushQueryResult.projection`). */
export function selectOrder(result: PushQueryResult): {
  readonly columns: readonly Column[]
  values(row: PushRow): readonly Value[]
} {
  const all = [...result.schema.key, ...result.schema.value]
  const order = result.projection
  if (order === undefined) return { columns: all, values: (row) => row.values }
  return {
    columns: order.map((i) => all[i] as Column),
    values: (row) => order.map((i) => row.values[i] ?? null),
  }
}
