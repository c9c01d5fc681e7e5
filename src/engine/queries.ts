import { analyzeQuery } from '../analyzer/query-analyzer.js'
import type { Query } from '../ast/statements.js'
import type { Catalog } from '../catalog/catalog.js'
import type { SourceDef, SourceKind, WindowInfo } from '../catalog/source.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { LogicalPlan, PlanColumn, SinkTarget } from '../plan/logical/logical-plan.js'
import { optimize } from '../plan/optimizer/optimizer.js'
import { toSinkStep } from '../plan/physical/planner.js'
import type { QueryPlan } from '../plan/physical/steps.js'
import type { Column, LogicalSchema } from '../types/schema.js'

/** The schema a plan writes to its sink: its key and value columns (pseudo columns are not written). */
export function sinkSchema(columns: readonly PlanColumn[]): LogicalSchema {
  const key: Column[] = []
  const value: Column[] = []
  for (const c of columns) {
    if (c.namespace === 'KEY') key.push({ name: c.name, type: c.type, namespace: 'KEY' })
    else if (c.namespace === 'VALUE') value.push({ name: c.name, type: c.type, namespace: 'VALUE' })
  }
  return { key, value }
}

export interface PlannedPersistentQuery {
  readonly plan: QueryPlan
  readonly logical: LogicalPlan
  readonly source: SourceDef
  readonly resultKind: SourceKind
  readonly schema: LogicalSchema
}

/** Analyze → logical plan with a sink → optimize → physical steps. Pure: changes nothing. */
export function planPersistentQuery(
  query: Query,
  options: {
    readonly catalog: Catalog
    readonly functions: FunctionRegistry
    readonly sinkName: string
    readonly queryId: string
    readonly statementText: string
    readonly target: (analyzed: {
      source: SourceDef
      resultKind: SourceKind
      schema: LogicalSchema
      window: WindowInfo | undefined
    }) => SinkTarget
  },
): PlannedPersistentQuery {
  const analyzed = analyzeQuery(query, {
    catalog: options.catalog,
    functions: options.functions,
    sinkName: options.sinkName,
  })
  const schema = sinkSchema(analyzed.plan.columns)
  const target = options.target({
    source: analyzed.source,
    resultKind: analyzed.resultKind,
    schema,
    window: analyzed.window,
  })
  const logical: LogicalPlan = {
    kind: 'Sink',
    input: analyzed.plan,
    target,
    columns: analyzed.plan.columns,
  }
  const optimized = optimize(logical)
  const plan: QueryPlan = {
    version: 1,
    queryId: options.queryId,
    statementText: options.statementText,
    sinkName: target.name,
    sinkKind: target.kind,
    sourceNames: (analyzed.sources ?? [analyzed.source]).map((s) => s.name),
    physicalPlan: toSinkStep(optimized),
  }
  return { plan, logical: optimized, source: analyzed.source, resultKind: analyzed.resultKind, schema }
}
