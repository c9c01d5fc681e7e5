import type { Type } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { parseDateTime } from '../../types/datetime-pattern.js'

/**
 * Reads an event time (epoch ms) from a TIMESTAMP property column: BIGINT (epoch ms), TIMESTAMP,
 * or STRING parsed with TIMESTAMP_FORMAT (a java.time pattern). null when the column is null.
 */
export function timestampReader(type: Type, format: string | undefined): (v: Value) => number | null {
  switch (type.kind) {
    case 'BIGINT':
      return (v) => (v === null ? null : Number(v as bigint))
    case 'TIMESTAMP':
    case 'INTEGER':
      return (v) => (v === null ? null : (v as number))
    case 'STRING': {
      const pattern = format ?? "yyyy-MM-dd'T'HH:mm:ss.SSS"
      return (v) => (v === null ? null : parseDateTime(v as string, pattern))
    }
    default:
      return () => null
  }
}
