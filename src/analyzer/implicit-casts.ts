import type { Expr } from '../ast/expressions.js'
import type { Query, SelectItem } from '../ast/statements.js'
import { Decimal } from '../types/decimal.js'
import type { LogicalSchema } from '../types/schema.js'
import type { Type } from '../types/type.js'

/**
 * INSERT INTO's implicit casts (ksqlDB's ImplicitlyCastResolver, applied by the final projection):
 * a numeric literal selected at position `i` whose target column `i` (key columns first, then
 * value columns) is a DECIMAL that can hold it without loss becomes that DECIMAL.
 */
export function withImplicitCasts(query: Query, target: LogicalSchema): Query {
  const columns = [...target.key, ...target.value.filter((c) => c.headerKey === undefined)]
  let changed = false
  const select = query.select.map((item, i): SelectItem => {
    const col = columns[i]
    if (item.kind !== 'SingleColumn' || col === undefined || col.type.kind !== 'DECIMAL') return item
    const expr = castLiteral(item.expr, col.type)
    if (expr === item.expr) return item
    changed = true
    return { ...item, expr }
  })
  return changed ? { ...query, select } : query
}

/** The literal's value as BigDecimal.valueOf would give it, or undefined for other expressions. */
function literalValue(e: Expr): Decimal | undefined {
  switch (e.kind) {
    case 'IntegerLiteral':
      return Decimal.parse(String(e.value))
    case 'LongLiteral':
    case 'DecimalLiteral':
      return Decimal.parse(e.value)
    case 'DoubleLiteral': {
      // Double.toString: at least one fraction digit; exponent forms are left alone.
      const text = Number.isInteger(e.value) ? `${e.value}.0` : String(e.value)
      return /e/i.test(text) || !Number.isFinite(e.value) ? undefined : Decimal.parse(text)
    }
    default:
      return undefined
  }
}

function castLiteral(e: Expr, to: Extract<Type, { kind: 'DECIMAL' }>): Expr {
  const v = literalValue(e)
  if (v === undefined) return e
  // DecimalUtil.fromValue: a value in (-1, 1) has precision scale + 1.
  const abs = v.unscaled < 0n ? -v.unscaled : v.unscaled
  const belowOne = abs < 10n ** BigInt(v.scale)
  const precision = belowOne ? v.scale + 1 : v.precision
  // DecimalUtil.canImplicitlyCast: no fraction or integer digits lost.
  if (v.scale > to.scale || precision - v.scale > to.precision - to.scale) return e
  return {
    kind: 'Cast',
    span: e.span,
    expr: e,
    type: { kind: 'DecimalType', span: e.span, precision: to.precision, scale: to.scale },
  }
}
