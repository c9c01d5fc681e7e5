import { analyzeQuery, type JoinShape } from '../analyzer/query-analyzer.js'
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
  /** A join of two sources (see internal-topics.ts). */
  readonly join?: JoinShape
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
    /** How ksqlDB names the statement in messages (`CREATE TABLE AS SELECT`, `INSERT INTO`). */
    readonly statementType?: string
    readonly target: (analyzed: {
      source: SourceDef
      resultKind: SourceKind
      schema: LogicalSchema
      window: WindowInfo | undefined
      /** The select items' output names, in SELECT order (`*` expanded). */
      selectNames: readonly string[]
    }) => SinkTarget
  },
): PlannedPersistentQuery {
  const analyzed = analyzeQuery(query, {
    catalog: options.catalog,
    functions: options.functions,
    sinkName: options.sinkName,
    ...(options.statementType !== undefined ? { statementType: options.statementType } : {}),
  })
  const schema = sinkSchema(analyzed.plan.columns)
  const target = options.target({
    source: analyzed.source,
    resultKind: analyzed.resultKind,
    schema,
    window: analyzed.window,
    selectNames: (analyzed.projection ?? []).map((i) => analyzed.plan.columns[i]?.name ?? ''),
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
  return {
    plan,
    logical: optimized,
    source: analyzed.source,
    resultKind: analyzed.resultKind,
    schema,
    ...(analyzed.join !== undefined ? { join: analyzed.join } : {}),
  }
}
