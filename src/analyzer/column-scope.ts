import type { ColumnRef } from '../ast/expressions.js'
import { SqlPlanError } from '../errors.js'
import type { ResolvedColumn, Scope } from '../expr/scope.js'
import type { PlanColumn } from '../plan/logical/logical-plan.js'

/**
 * A scope over a plan node's columns, by unqualified name (the analyzer has already checked and
 * removed source qualifiers). `clause` names the part of the statement in error messages, as
 * ksqlDB does: "WHERE column 'BOB' cannot be resolved."
 */
export function columnScope(
  columns: readonly PlanColumn[],
  clause = 'SELECT',
  suffix?: (name: string) => string,
): Scope {
  const byName = new Map<string, number>()
  columns.forEach((c, i) => {
    if (!byName.has(c.name)) byName.set(c.name, i)
  })
  return {
    resolveColumn(ref: ColumnRef): ResolvedColumn {
      const i = byName.get(ref.name)
      const c = i === undefined ? undefined : columns[i]
      if (i === undefined || c === undefined) {
        throw new SqlPlanError(
          `${clause} column '${ref.name}' cannot be resolved.${suffix?.(ref.name) ?? ''}`,
          ref.span,
        )
      }
      return { index: i, type: c.type, name: c.name }
    },
  }
}
