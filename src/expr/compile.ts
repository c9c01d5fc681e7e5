import type { Expr } from '../ast/expressions.js'
import type { Type } from '../types/type.js'
import type { Row, Value } from '../types/values.js'
import { buildExpr } from './build.js'
import { asEvalError } from './errors.js'
import type { ExprContext } from './scope.js'

export { castFunction, castValue, compareValues, valueEquals } from './cast.js'
export { ExprEvalError } from './errors.js'

export type Evaluator = (row: Row) => Value

/**
 * Compile once per query. The returned closure evaluates against a row whose layout the Scope
 * described. Run-time failures (bad cast, integer division by zero, function errors) throw
 * ExprEvalError; the caller logs them to the processing log and uses null (ksqlDB semantics).
 * Failures in nested positions (CAST, function arguments, constructor elements) become NULL
 * in place and go to `ctx.onError`.
 */
export function compileExpr(
  expr: Expr,
  ctx: ExprContext,
): { readonly type: Type | null; readonly evaluate: Evaluator } {
  const built = buildExpr(expr, ctx)
  const ev = built.ev
  return {
    type: built.type,
    evaluate: (row) => {
      try {
        return ev(row)
      } catch (e) {
        throw asEvalError(e)
      }
    },
  }
}
