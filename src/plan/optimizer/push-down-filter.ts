import type { ColumnRef, Expr } from '../../ast/expressions.js'
import { mapExpr, someExpr } from '../../ast/expr-tree.js'
import { type LogicalPlan, transformUp } from '../logical/logical-plan.js'
import type { OptimizerRule } from './optimizer.js'

/**
 * Moves filters towards the source: a Filter over a Project goes below it when every column the
 * predicate reads is a plain column passed through by the projection (renamed back to the input
 * name); a Filter over a FlatMap goes below it when it reads no table-function column; two
 * adjacent Filters merge into one AND.
 */
export const pushDownFilter: OptimizerRule = {
  name: 'push_down_filter',
  apply(plan) {
    let changed = false
    let current = plan
    // Repeat until stable: each pass moves a filter one node down.
    for (let i = 0; i < 32; i++) {
      const r = transformUp(current, rewrite)
      if (!r.changed) break
      changed = true
      current = r.plan
    }
    return { plan: current, changed }
  },
}

function rewrite(p: LogicalPlan): LogicalPlan | undefined {
  if (p.kind !== 'Filter') return undefined
  const input = p.input
  if (input.kind === 'Filter') {
    const predicate: Expr = {
      kind: 'LogicalBinary',
      op: 'AND',
      left: input.predicate,
      right: p.predicate,
      span: p.predicate.span,
    }
    return { kind: 'Filter', input: input.input, predicate, columns: input.columns }
  }
  if (input.kind === 'FlatMap') {
    const produced = new Set(input.functions.map((f) => f.name))
    if (someExpr(p.predicate, (e) => e.kind === 'ColumnRef' && produced.has(e.name))) return undefined
    return {
      ...input,
      input: { kind: 'Filter', input: input.input, predicate: p.predicate, columns: input.input.columns },
    }
  }
  if (input.kind === 'Project') {
    const renames = new Map<string, string>()
    for (const item of input.items) if (item.expr.kind === 'ColumnRef') renames.set(item.name, item.expr.name)
    if (someExpr(p.predicate, (e) => e.kind === 'ColumnRef' && !renames.has(e.name))) return undefined
    if (someExpr(p.predicate, (e) => e.kind === 'Lambda')) return undefined
    const predicate = mapExpr(p.predicate, (e) =>
      e.kind === 'ColumnRef'
        ? ({ kind: 'ColumnRef', name: renames.get(e.name) ?? e.name, span: e.span } satisfies ColumnRef)
        : undefined,
    )
    return {
      ...input,
      input: { kind: 'Filter', input: input.input, predicate, columns: input.input.columns },
    }
  }
  return undefined
}
