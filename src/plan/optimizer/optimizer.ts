import { InternalError } from '../../errors.js'
import type { LogicalPlan, PlanColumn } from '../logical/logical-plan.js'
import { prunePseudoAndUnusedColumns } from './prune-columns.js'
import { pushDownFilter } from './push-down-filter.js'

/** A rewrite of the logical plan that keeps its output columns (DataFusion's OptimizerRule). */
export interface OptimizerRule {
  readonly name: string
  apply(plan: LogicalPlan): { plan: LogicalPlan; changed: boolean }
}

/** The rules, in the order they run. */
export const RULES: readonly OptimizerRule[] = [pushDownFilter, prunePseudoAndUnusedColumns]

/** Runs every rule once, in order, checking that none changes the plan's output columns. */
export function optimize(plan: LogicalPlan, rules: readonly OptimizerRule[] = RULES): LogicalPlan {
  let current = plan
  for (const rule of rules) {
    const { plan: next, changed } = rule.apply(current)
    if (!changed) continue
    if (!sameColumns(current.columns, next.columns)) {
      throw new InternalError(`optimizer rule ${rule.name} changed the plan's output columns`)
    }
    current = next
  }
  return current
}

function sameColumns(a: readonly PlanColumn[], b: readonly PlanColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]?.name && c.namespace === b[i]?.namespace)
}
