/**
 * How SQL values are represented in JavaScript, everywhere after deserialization (operators,
 * expressions, functions, state) and before serialization. `null` is SQL NULL; `undefined`
 * never appears in a row.
 *
 * | SQL type      | JavaScript                                                         |
 * |---------------|--------------------------------------------------------------------|
 * | BOOLEAN       | boolean                                                            |
 * | INTEGER       | number (a 32-bit integer)                                          |
 * | BIGINT        | bigint (64-bit: Java's long; arithmetic wraps with BigInt.asIntN)  |
 * | DOUBLE        | number                                                             |
 * | DECIMAL(p,s)  | Decimal (src/types/decimal.ts), scale kept                         |
 * | STRING        | string                                                             |
 * | BYTES         | Uint8Array                                                         |
 * | DATE          | number: days since 1970-01-01                                      |
 * | TIME          | number: milliseconds since midnight                                |
 * | TIMESTAMP     | number: epoch milliseconds                                         |
 * | ARRAY<T>      | Array of values                                                    |
 * | MAP<K,V>      | Map of values (insertion order kept)                               |
 * | STRUCT<...>   | Struct: a plain object keyed by field name as declared             |
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | import('./decimal.js').Decimal
  | readonly Value[]
  | ReadonlyMap<Value, Value>
  | Struct

export interface Struct {
  readonly [field: string]: Value
}

/**
 * A row inside a query: one value per column of the operator's schema, in schema order
 * (see `LogicalSchema.columns`).
 */
export type Row = Value[]
