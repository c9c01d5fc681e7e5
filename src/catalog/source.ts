import type { LogicalSchema } from '../types/schema.js'

/** A topic format with its properties, e.g. `{ format: 'DELIMITED', delimiter: '|' }`. Names upper-case. */
export interface FormatSpec {
  /** JSON, DELIMITED, KAFKA, NONE (supported); AVRO, PROTOBUF, PROTOBUF_NOSR, JSON_SR (need a schema registry). */
  readonly format: string
  /** DELIMITED only: VALUE_DELIMITER / KEY_DELIMITER as written (',' by default; 'TAB' and 'SPACE' are names the serde resolves). */
  readonly delimiter?: string
  /** AVRO / JSON_SR: KEY_SCHEMA_ID / VALUE_SCHEMA_ID, the registered schema records are written with. */
  readonly schemaId?: number
  /** AVRO: KEY_SCHEMA_FULL_NAME / VALUE_SCHEMA_FULL_NAME (VALUE_AVRO_SCHEMA_FULL_NAME), the record's full name. */
  readonly schemaFullName?: string
  /** PROTOBUF / PROTOBUF_NOSR: KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION (how null scalars are written). */
  readonly nullableRepresentation?: 'OPTIONAL' | 'WRAPPER'
}

/** ksqlDB's serde features: how a single-column key or value is written. */
export interface SerdeFeatures {
  /**
   * true = WRAP_SINGLES (`{"V":1}`), false = UNWRAP_SINGLES (`1`), undefined = the format's default
   * (JSON values wrapped; keys unwrapped; WRAP_SINGLE_VALUE property sets it for values).
   */
  readonly wrapSingle?: boolean
}

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION'

export interface WindowInfo {
  readonly type: WindowType
  /** Window size in ms (TUMBLING / HOPPING). */
  readonly sizeMs?: number
}

export type SourceKind = 'STREAM' | 'TABLE'

/**
 * A STREAM or TABLE in the catalog (ksqlDB's DataSource). Immutable: DDL replaces the entry.
 */
export interface SourceDef {
  readonly name: string
  readonly kind: SourceKind
  readonly schema: LogicalSchema
  readonly topic: string
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
  readonly keyFeatures: SerdeFeatures
  readonly valueFeatures: SerdeFeatures
  /** TIMESTAMP property: the column whose value is the record's event time (ROWTIME). */
  readonly timestampColumn?: string
  /** TIMESTAMP_FORMAT property: java.time pattern for a STRING timestamp column. */
  readonly timestampFormat?: string
  /** Set when the key is windowed (WINDOW_TYPE, or the sink of a windowed aggregation). */
  readonly window?: WindowInfo
  /** true for CREATE STREAM/TABLE (`isSource` in QTT posts: CREATE SOURCE ...); false for CSAS/CTAS sinks. */
  readonly isSource: boolean
  /** Created by CREATE ... AS SELECT (the query that writes it), if any. */
  readonly writtenBy?: string
  /** The statement text as given. */
  readonly sql: string
}
