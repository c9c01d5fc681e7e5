import type { ColumnRef } from '../ast/expressions.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { Type } from '../types/type.js'
import type { ExprEvalError } from './errors.js'

export interface ResolvedColumn {
  readonly index: number
  readonly type: Type
  readonly name: string
}

/** Column resolution is done by the caller (the query analyzer): it knows sources, aliases, pseudo columns. */
export interface Scope {
  /** Resolve a (possibly qualified) column reference. Throws SqlPlanError with ksqlDB's message when unknown/ambiguous. */
  resolveColumn(ref: ColumnRef): ResolvedColumn
}

export interface ExprContext {
  readonly scope: Scope
  readonly functions: FunctionRegistry
  /**
   * Receives errors that ksqlDB handles where they happen (a failed CAST, a failing function
   * argument, a constructor element): the value becomes NULL and evaluation goes on
   * (`ksql.nested.error.handling`). Without it such errors are dropped silently.
   */
  readonly onError?: (error: ExprEvalError) => void
}
