import type { Expr } from '../ast/expressions.js'
import type { Type } from '../types/type.js'
import { buildExpr } from './build.js'
import type { ExprContext } from './scope.js'

/**
 * The SQL type of an expression (ksqlDB's ExpressionTypeManager); null for an untyped NULL
 * literal. Throws SqlPlanError with ksqlDB's wording and the offending node's span.
 */
export function typeOf(expr: Expr, ctx: ExprContext): Type | null {
  return buildExpr(expr, ctx).type
}
