import { formatFunctionDescription } from '../../src/engine/function-description.js'
import type { PushRow, StatementResult } from '../../src/engine/results.js'
import { Decimal } from '../../src/types/decimal.js'
import type { LogicalSchema } from '../../src/types/schema.js'
import type { Value } from '../../src/types/values.js'

/** A value as JSON: BIGINT as a number when exact, DECIMAL as its text, BYTES as base64, MAP as an object. */
export function toJson(v: Value): unknown {
  if (v === null) return null
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  if (v instanceof Decimal) return v.toString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64')
  if (Array.isArray(v)) return v.map(toJson)
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]))
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]))
  return v
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
}

/** Plain-text renderings of statement results, shared by `eddy run` and (later) the REPL. */
export const renderResult = {
  /** One push-query row as a JSON object keyed by column name. */
  row(schema: LogicalSchema, row: PushRow): string {
    const names = [...schema.key, ...schema.value].map((c) => c.name)
    const obj: Record<string, unknown> = {}
    names.forEach((n, i) => {
      obj[n] = toJson(row.values[i] ?? null)
    })
    return JSON.stringify(row.tombstone === true ? { ...obj, tombstone: true } : obj)
  },

  text(result: StatementResult): string {
    switch (result.kind) {
      case 'CommandStatus':
      case 'QueryStarted':
        return result.message
      case 'PushQuery':
        return ''
      case 'Listing': {
        if (result.type === 'describe_function') return formatFunctionDescription(result)
        const widths = result.columns.map((c, i) =>
          Math.max(c.length, ...result.rows.map((r) => (r[i] ?? '').length)),
        )
        const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`
        return [
          rule,
          pad(result.columns, widths),
          rule,
          ...result.rows.map((r) => pad(r, widths)),
          rule,
        ].join('\n')
      }
    }
  },
}
