import type { Expr } from '../ast/expressions.js'
import { someExpr } from '../ast/expr-tree.js'
import type { FunctionCall } from '../ast/expressions.js'
import { SqlPlanError } from '../errors.js'
import { compileExpr, type Evaluator } from '../expr/compile.js'
import type { ExprContext } from '../expr/scope.js'
import { typeOf } from '../expr/typer.js'
import { parseExpression } from '../../grammar/parse.js'
import { columnScope } from '../analyzer/column-scope.js'
import type { PlanColumn } from '../plan/logical/logical-plan.js'
import {
  type AggregateStep,
  type SinkStep,
  type SourceStep,
  type Step,
  stepColumns,
} from '../plan/physical/steps.js'
import type { Value } from '../types/values.js'
import type { UdafFunction } from '../functions/aggregate/udaf.js'
import type { Operator } from './messages.js'
import type { OperatorContext } from './operators/context.js'
import { LevelStateStore } from '../state/level-store.js'
import { createKeyCodec, type KeyCodec } from '../state/key-codec.js'
import { MemoryStateStore } from '../state/state-store.js'
import type { Change } from './messages.js'
import type { MaterializedRow } from './materialization.js'
import { StoreMaterialization } from './store-materialization.js'
import { MaterializeOperator, materializedRow, type StoredRow } from './operators/materialize.js'
import { AggregateOperator } from './operators/aggregate.js'
import { FilterOperator } from './operators/filter.js'
import { FlatMapOperator, type TableFunctionEvaluator } from './operators/flat-map.js'
import { ForeignKeyJoinOperator } from './operators/fk-join.js'
import { ProjectOperator } from './operators/project.js'
import { SinkOperator } from './operators/sink.js'
import { SourceOperator } from './operators/source.js'
import {
  StreamStreamJoinOperator,
  StreamTableJoinOperator,
  TableTableJoinOperator,
} from './operators/join.js'

/** A query's operators, built from its steps: records go in at its sources. */
export interface BuiltPipeline {
  /** The first (leftmost) source. */
  readonly source: SourceOperator
  readonly sourceStep: SourceStep
  /** Every source, left to right (several for a join). */
  readonly sources: readonly { readonly operator: SourceOperator; readonly step: SourceStep }[]
}

/**
 * Builds the operator tree of a step tree ending in `terminal` (a SinkOperator, or a collector
 * for transient queries). Expressions are parsed from the steps' SQL text and compiled once here.
 */
export function buildPipeline(
  top: Step,
  terminal: Operator,
  ctx: OperatorContext,
  options: ChainOptions = {},
): BuiltPipeline {
  const sources: { operator: SourceOperator; step: SourceStep }[] = []
  buildChain(top, terminal, ctx, sources, options)
  const first = sources[0]
  if (first === undefined) throw new SqlPlanError('A query needs a source.')
  return { source: first.operator, sourceStep: first.step, sources }
}

interface ChainOptions {
  /** Build the operators above this step only: returns the one that takes what this step emits. */
  readonly stopAt?: Step
  /** This aggregation keeps its groups under the codec's order-preserving key; `built` gets its operator. */
  readonly ordered?: { readonly step: AggregateStep; readonly codec: KeyCodec; built?: AggregateOperator }
}

function buildChain(
  top: Step,
  terminal: Operator,
  ctx: OperatorContext,
  sources: { operator: SourceOperator; step: SourceStep }[],
  options: ChainOptions = {},
): Operator | undefined {
  let step: Step = top
  let downstream = terminal
  for (;;) {
    if (step === options.stopAt) return downstream
    switch (step['@type']) {
      case 'streamSinkV1':
      case 'tableSinkV1':
        step = step.source
        continue
      case 'streamSelectV1':
      case 'tableSelectV1': {
        const input = stepColumns(step.source)
        const evs = step.selectExpressions.map((s) => compile(s.expression, input, ctx))
        // A delete (or null value) still has its key, and a windowed key its window: columns that
        // read only those are computed, as ksqlDB fills a tombstone row's key and window bounds.
        const inputKeys = new Set(input.filter((c) => c.namespace === 'KEY').map((c) => c.name))
        const bounds = new Set(
          input
            .filter((c) => c.namespace === 'PSEUDO' && (c.name === 'WINDOWSTART' || c.name === 'WINDOWEND'))
            .map((c) => c.name),
        )
        const onNullValue = step.selectExpressions.map((s) => {
          const expr = parseExpression(s.expression)
          const bound = expr.kind === 'ColumnRef' && bounds.has(expr.name)
          return (
            (s.namespace === 'KEY' || bound) &&
            !someExpr(expr, (e) => e.kind === 'ColumnRef' && !inputKeys.has(e.name) && !bounds.has(e.name))
          )
        })
        downstream = new ProjectOperator(
          evs,
          onNullValue,
          step.selectExpressions.map((s) => s.name),
          keepsKey(step.selectExpressions, input),
          downstream,
          ctx,
        )
        step = step.source
        continue
      }
      case 'streamFilterV1':
      case 'tableFilterV1': {
        const input = stepColumns(step.source)
        const ev = compile(step.filterExpression, input, ctx)
        const keyCount = input.filter((c) => c.namespace === 'KEY').length
        // Over a materialized table (a source table, a join, an aggregation's HAVING) Kafka
        // Streams' KTableFilter sends old values: a non-matching row deletes only what was emitted.
        const oldValues =
          step.source['@type'] === 'tableSourceV1' ||
          step.source['@type'] === 'tableTableJoinV1' ||
          step.source['@type'] === 'streamAggregateV1' ||
          step.source['@type'] === 'tableAggregateV1'
        downstream = new FilterOperator(
          ev,
          step['@type'] === 'tableFilterV1',
          keyCount,
          downstream,
          ctx,
          oldValues
            ? ctx.state.table<boolean>(
                step.source['@type'] === 'tableSourceV1' ? 'emitted-source' : 'emitted',
              )
            : undefined,
        )
        step = step.source
        continue
      }
      case 'streamAggregateV1':
      case 'tableAggregateV1': {
        const input = stepColumns(step.source)
        const keys = step.groupBy.map((g) => compile(g.expression, input, ctx))
        const ectx = exprContext(input, ctx)
        const calls = step.aggregates.map((a) => {
          const call = parseExpression(a.expression)
          if (call.kind !== 'FunctionCall') throw new SqlPlanError(`Not an aggregate call: ${a.expression}`)
          const fn = ctx.functions.aggregate(call.name)
          if (fn === undefined)
            throw new SqlPlanError(`Can't find any functions with the name '${call.name}'`)
          const udaf = (fn as UdafFunction).resolve(
            call.args.map((x) => typeOf(x, ectx)),
            call.args,
            ctx.config,
          )
          const args = call.args.slice(0, udaf.argCount).map((x) => compileExpr(x, ectx).evaluate)
          return { udaf, args }
        })
        const inputKeyCount = input.filter((c) => c.namespace === 'KEY').length
        const ordered = options.ordered?.step === step ? options.ordered : undefined
        const op = new AggregateOperator(
          keys,
          calls,
          step['@type'] === 'tableAggregateV1',
          inputKeyCount,
          downstream,
          ctx,
          step.window,
          ordered?.codec,
        )
        if (ordered !== undefined) ordered.built = op
        downstream = op
        step = step.source
        continue
      }
      case 'streamFlatMapV1': {
        const input = stepColumns(step.source)
        const fns = step.tableFunctions.map((f) => compileTableFunction(f.expression, input, ctx))
        downstream = new FlatMapOperator(fns, downstream, ctx)
        step = step.source
        continue
      }
      case 'streamSourceV1':
      case 'tableSourceV1':
        sources.push({ operator: new SourceOperator(step, downstream, ctx), step })
        return undefined
      case 'streamStreamJoinV1':
      case 'streamTableJoinV1':
      case 'tableTableJoinV1': {
        const lw = stepColumns(step.left).length - 1
        const rw = stepColumns(step.right).length - 1
        if (step['@type'] === 'tableTableJoinV1' && step.foreignKeyExpression !== undefined) {
          if (step.joinType !== 'INNER' && step.joinType !== 'LEFT') {
            throw new SqlPlanError(`Foreign-key table-table joins are INNER or LEFT, not ${step.joinType}.`)
          }
          const fk = new ForeignKeyJoinOperator(
            step.joinType,
            lw,
            rw,
            compile(step.foreignKeyExpression, stepColumns(step.left), ctx),
            downstream,
            ctx,
          )
          buildChain(step.left, fk.left, ctx, sources, options)
          buildChain(step.right, fk.right, ctx, sources, options)
          return undefined
        }
        const op =
          step['@type'] === 'streamStreamJoinV1'
            ? new StreamStreamJoinOperator(
                step.joinType,
                lw,
                rw,
                step.within?.beforeMs ?? 0,
                step.within?.afterMs ?? 0,
                step.within?.graceMs,
                downstream,
                ctx.state,
                step.windowSizeMs,
              )
            : step['@type'] === 'streamTableJoinV1'
              ? new StreamTableJoinOperator(step.joinType, lw, rw, downstream, ctx.state)
              : new TableTableJoinOperator(step.joinType, lw, rw, downstream, ctx.state)
        buildChain(step.left, op.left, ctx, sources, options)
        buildChain(step.right, op.right, ctx, sources, options)
        return undefined
      }
    }
  }
}

/** Builds a persistent query's pipeline with its sink. */
export function buildPersistent(
  plan: SinkStep,
  ctx: OperatorContext,
): BuiltPipeline & { sink: SinkOperator; materialization?: StoreMaterialization } {
  const sink = new SinkOperator(plan, stepColumns(plan.source), ctx)
  if (plan['@type'] !== 'tableSinkV1' || !(ctx.state instanceof LevelStateStore)) {
    return { ...buildPipeline(plan, sink, ctx), sink }
  }
  // A table kept in a persistent store is materialized there for pull queries. A GROUP BY's table
  // is read from the aggregation's own groups (no second copy of each row to write per commit).
  const store = ctx.state
  const aggregate = servingAggregate(plan)
  if (aggregate !== undefined) {
    const keyColumns = stepColumns(aggregate).filter((c) => c.namespace === 'KEY')
    const codec = createKeyCodec(
      keyColumns.map((c) => c.type),
      { windowed: aggregate.window !== undefined },
    )
    const ordered: { step: AggregateStep; codec: KeyCodec; built?: AggregateOperator } = {
      step: aggregate,
      codec,
    }
    const built = buildPipeline(plan, sink, ctx, { ordered })
    const op = ordered.built
    if (op === undefined) throw new Error('The aggregation of the plan was not built')
    const rowOf = () => groupReader(plan, aggregate, op, keyColumns.length, ctx)
    return {
      ...built,
      sink,
      materialization: new StoreMaterialization(store, store.stored(op.groups), codec, rowOf),
    }
  }
  const mat = new MaterializeOperator(stepColumns(plan.source), plan.window !== undefined, store, sink)
  const keyCount = mat.keyCount
  return {
    ...buildPipeline(plan, mat, ctx),
    sink,
    materialization: new StoreMaterialization(
      store,
      mat.rows,
      mat.keyCodec,
      () => (stored) => materializedRow(stored as StoredRow, keyCount),
    ),
  }
}

/**
 * The aggregation a table sink's rows come from through only HAVING filters and projections
 * that keep its key columns in order, when its groups can serve pull queries: EMIT CHANGES, no
 * session windows (EMIT FINAL drops emitted windows from its state; sessions are kept per key).
 */
function servingAggregate(plan: SinkStep): AggregateStep | undefined {
  let step: Step = plan.source
  for (;;) {
    switch (step['@type']) {
      case 'tableFilterV1':
        step = step.source
        continue
      case 'tableSelectV1':
        if (!keepsKey(step.selectExpressions, stepColumns(step.source))) return undefined
        step = step.source
        continue
      case 'streamAggregateV1':
      case 'tableAggregateV1': {
        const w = step.window
        return w === undefined || (w.type !== 'SESSION' && !w.emitFinal) ? step : undefined
      }
      default:
        return undefined
    }
  }
}

/**
 * Turns stored groups into the table's rows: each group's output goes through a fresh copy of
 * the operators between the aggregation and the sink (HAVING, the projection), with nothing
 * logged. A group HAVING rejects stands for no row.
 */
function groupReader(
  plan: SinkStep,
  aggregate: AggregateStep,
  op: AggregateOperator,
  keyCount: number,
  ctx: OperatorContext,
): (stored: unknown) => MaterializedRow | undefined {
  const out: Change[] = []
  const collector: Operator = { onChange: (c) => out.push(c), onControl: () => {} }
  const readCtx: OperatorContext = {
    queryId: ctx.queryId,
    functions: ctx.functions,
    state: new MemoryStateStore(),
    logError: () => {},
    current: { topic: '', partition: 0, offset: 0 },
    replaying: true,
    ...(ctx.config !== undefined ? { config: ctx.config } : {}),
  }
  const entry = buildChain(plan, collector, readCtx, [], { stopAt: aggregate })
  if (entry === undefined) throw new Error('The aggregation is not below the sink')
  return (stored) => {
    const g = op.outputOf(stored)
    out.length = 0
    entry.onChange({
      row: g.row,
      ts: g.ts,
      window: g.window,
      headers: [],
      tombstone: false,
      nullKey: false,
      topic: '',
      partition: 0,
      offset: 0,
    })
    const c = out[out.length - 1]
    if (c === undefined || c.tombstone) return undefined
    const key = c.row.slice(0, keyCount)
    return g.window === undefined
      ? { key, row: c.row, ts: c.ts }
      : { key, window: g.window, row: c.row, ts: c.ts }
  }
}

function compile(text: string, columns: readonly PlanColumn[], ctx: OperatorContext): Evaluator {
  const expr = parseExpression(text)
  return compileExpr(expr, exprContext(columns, ctx)).evaluate
}

function compileTableFunction(
  text: string,
  columns: readonly PlanColumn[],
  ctx: OperatorContext,
): TableFunctionEvaluator {
  const expr: Expr = parseExpression(text)
  if (expr.kind !== 'FunctionCall') throw new SqlPlanError(`Not a table function: ${text}`)
  const call: FunctionCall = expr
  const ectx = exprContext(columns, ctx)
  const fn = ctx.functions.table(call.name)
  if (fn === undefined)
    throw new SqlPlanError(`Can't find any functions with the name '${call.name}'`, call.span)
  const args = call.args.map((a) => compileExpr(a, ectx))
  const resolved = fn.resolve(call.args.map((a) => typeOf(a, ectx)))
  const evs = args.map((a) => a.evaluate)
  return (row) => {
    const vals: Value[] = evs.map((e) => e(row as Value[]))
    return resolved.impl(...vals)
  }
}

function exprContext(columns: readonly PlanColumn[], ctx: OperatorContext): ExprContext {
  return {
    scope: columnScope(columns),
    functions: ctx.functions,
    onError: (e) => ctx.logError(e.message, ctx.current),
  }
}

/** True when the KEY outputs are exactly the input's key columns, in order. */
function keepsKey(
  items: readonly { expression: string; namespace: string }[],
  input: readonly PlanColumn[],
): boolean {
  const keys = items.filter((i) => i.namespace === 'KEY').map((i) => i.expression)
  const inputKeys = input.filter((c) => c.namespace === 'KEY').map((c) => c.name)
  return keys.length === inputKeys.length && keys.every((k, i) => k === inputKeys[i])
}
