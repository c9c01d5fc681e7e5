import { T, type Type } from './type.js'

/**
 * Where a column lives in a record: the key, the value, or (value columns declared with
 * `HEADERS` / `HEADER('k')`) the record headers.
 */
export type Namespace = 'KEY' | 'VALUE'

export interface Column {
  /** As declared: unquoted names are upper-cased by the parser; quoted names keep their case. */
  readonly name: string
  readonly type: Type
  readonly namespace: Namespace
  /**
   * Header columns: `null` for `HEADERS` (all headers, ARRAY<STRUCT<KEY STRING, VALUE BYTES>>),
   * the header key for `HEADER('k')` (BYTES). Absent for ordinary columns.
   */
  readonly headerKey?: string | null
}

/**
 * A source's or operator's columns: key columns first, then value columns (ksqlDB's
 * LogicalSchema). Header columns are value columns with `headerKey` set; serde skips them.
 */
export interface LogicalSchema {
  readonly key: readonly Column[]
  readonly value: readonly Column[]
}

export function schemaColumns(s: LogicalSchema): readonly Column[] {
  return [...s.key, ...s.value]
}

/** Value columns that are stored in the record value (not headers). */
export function valueBodyColumns(s: LogicalSchema): readonly Column[] {
  return s.value.filter((c) => c.headerKey === undefined)
}

/** ksqlDB's pseudo columns, available in every query over a source. */
export const PSEUDO_COLUMNS = {
  ROWTIME: T.BIGINT,
  ROWPARTITION: T.INTEGER,
  ROWOFFSET: T.BIGINT,
} as const satisfies Record<string, Type>

/** Window bounds, available on windowed sources. */
export const WINDOW_BOUND_COLUMNS = {
  WINDOWSTART: T.BIGINT,
  WINDOWEND: T.BIGINT,
} as const satisfies Record<string, Type>

/** `HEADERS` column type. */
export const HEADERS_TYPE: Type = {
  kind: 'ARRAY',
  element: {
    kind: 'STRUCT',
    fields: [
      { name: 'KEY', type: T.STRING },
      { name: 'VALUE', type: T.BYTES },
    ],
  },
}
