import type { Expr } from '../../ast/expressions.js'
import { walkExpr } from '../../ast/expr-tree.js'
import type { LogicalPlan } from '../logical/logical-plan.js'
import type { OptimizerRule } from './optimizer.js'

/**
 * Projection pruning: the Scan keeps only the columns some expression above it reads (key
 * columns always stay: a table needs them to address rows). Fewer columns means less work
 * converting each deserialized record. Only applies when every node between the Scan and the
 * first Project passes the Scan's columns through unchanged (Filter, FlatMap), which is the
 * shape the analyzer builds.
 */
export const prunePseudoAndUnusedColumns: OptimizerRule = {
  name: 'prune_columns',
  apply(plan) {
    // Columns read from the Scan: those of the lowest Project and of the nodes below it.
    const used = new Set<string>()
    let reachedProject = false
    const collect = (e: Expr): void =>
      walkExpr(e, (x) => {
        if (x.kind === 'ColumnRef') used.add(x.name)
      })
    const visit = (p: LogicalPlan): void => {
      switch (p.kind) {
        case 'Sink':
          visit(p.input)
          return
        case 'Project':
          reachedProject = true
          used.clear()
          for (const i of p.items) collect(i.expr)
          visit(p.input)
          return
        case 'Filter':
          collect(p.predicate)
          visit(p.input)
          return
        case 'FlatMap':
          for (const f of p.functions) collect(f.expr)
          visit(p.input)
          return
        case 'Aggregate':
          used.clear()
          for (const g of p.groupBy) collect(g.expr)
          for (const a of p.aggregates) collect(a.call)
          visit(p.input)
          return
        case 'Scan':
        case 'Join':
          return
      }
    }
    visit(plan)
    if (!reachedProject) return { plan, changed: false }
    let changed = false
    const rebuild = (p: LogicalPlan): LogicalPlan => {
      switch (p.kind) {
        case 'Scan': {
          const columns = p.columns.filter((c) => c.namespace === 'KEY' || used.has(c.name))
          if (columns.length === p.columns.length) return p
          changed = true
          return { ...p, columns }
        }
        case 'Filter': {
          const input = rebuild(p.input)
          return input === p.input ? p : { ...p, input, columns: input.columns }
        }
        case 'FlatMap': {
          const input = rebuild(p.input)
          if (input === p.input) return p
          const extra = p.columns.slice(p.input.columns.length)
          return { ...p, input, columns: [...input.columns, ...extra] }
        }
        case 'Join':
          return p
        case 'Project':
        case 'Aggregate':
        case 'Sink': {
          const input = rebuild(p.input)
          return input === p.input ? p : { ...p, input }
        }
      }
    }
    const out = rebuild(plan)
    return { plan: out, changed }
  },
}
