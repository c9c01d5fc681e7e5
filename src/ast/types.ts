import type { Node } from './span.js'

/**
 * SQL types as written in statements (column lists, CAST, CREATE TYPE). Synonyms are normalised
 * by the parser: INT → INTEGER, VARCHAR → STRING. A name that is not a built-in type is a
 * `TypeRef` to a custom type (CREATE TYPE), resolved by the analyzer.
 */
export type SqlType = PrimitiveType | DecimalType | ArrayType | MapType | StructType | TypeRef

export type PrimitiveTypeName =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'

export interface PrimitiveType extends Node<'PrimitiveType'> {
  readonly name: PrimitiveTypeName
}

/** DECIMAL(precision, scale). */
export interface DecimalType extends Node<'DecimalType'> {
  readonly precision: number
  readonly scale: number
}

/** ARRAY<element>, also written `element ARRAY`. */
export interface ArrayType extends Node<'ArrayType'> {
  readonly element: SqlType
}

export interface MapType extends Node<'MapType'> {
  readonly key: SqlType
  readonly value: SqlType
}

export interface StructField {
  /** Field name as written: quoted names keep their case, unquoted are upper-cased. */
  readonly name: string
  readonly type: SqlType
}

export interface StructType extends Node<'StructType'> {
  readonly fields: readonly StructField[]
}

/** A custom type name (CREATE TYPE name AS ...), upper-cased unless quoted. */
export interface TypeRef extends Node<'TypeRef'> {
  readonly name: string
}

/** Time units of WINDOW / WITHIN / GRACE / RETENTION / TIMEOUT clauses and function arguments. */
export type TimeUnit = 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS'

/** `n unit`, e.g. `5 SECONDS`. Singular units (`SECOND`) are normalised to the plural. */
export interface Duration extends Node<'Duration'> {
  readonly value: number
  readonly unit: TimeUnit
}

const UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
}

/** The length of a duration in milliseconds. */
export function durationMs(d: Pick<Duration, 'value' | 'unit'>): number {
  return d.value * UNIT_MS[d.unit]
}
