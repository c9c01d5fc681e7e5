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
import { type SinkStep, type SourceStep, type Step, stepColumns } from '../plan/physical/steps.js'
import type { Value } from '../types/values.js'
import type { UdafFunction } from '../functions/aggregate/udaf.js'
import type { Operator } from './messages.js'
import type { OperatorContext } from './operators/context.js'
import { LevelStateStore } from '../state/level-store.js'
import { StoreMaterialization } from './store-materialization.js'
import { MaterializeOperator } from './operators/materialize.js'
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
export function buildPipeline(top: Step, terminal: Operator, ctx: OperatorContext): BuiltPipeline {
  const sources: { operator: SourceOperator; step: SourceStep }[] = []
  buildChain(top, terminal, ctx, sources)
  const first = sources[0]
  if (first === undefined) throw new SqlPlanError('A query needs a source.')
  return { source: first.operator, sourceStep: first.step, sources }
}

function buildChain(
  top: Step,
  terminal: Operator,
  ctx: OperatorContext,
  sources: { operator: SourceOperator; step: SourceStep }[],
): void {
  let step: Step = top
  let downstream = terminal
  for (;;) {
    switch (step['@type']) {
      case 'streamSinkV1':
      case 'tableSinkV1':
        step = step.source
        continue
      case 'streamSelectV1':
      case 'tableSelectV1': {
        const input = stepColumns(step.source)
        const evs = step.selectExpressions.map((s) => compile(s.expression, input, ctx))
        const inputKeys = new Set(input.filter((c) => c.namespace === 'KEY').map((c) => c.name))
        const onNullValue = step.selectExpressions.map(
          (s) =>
            s.namespace === 'KEY' &&
            !someExpr(parseExpression(s.expression), (e) => e.kind === 'ColumnRef' && !inputKeys.has(e.name)),
        )
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
        // Over a join or an aggregation (HAVING) a non-matching row deletes only what was emitted.
        const overJoin =
          step.source['@type'] === 'tableTableJoinV1' ||
          step.source['@type'] === 'streamAggregateV1' ||
          step.source['@type'] === 'tableAggregateV1'
        downstream = new FilterOperator(
          ev,
          step['@type'] === 'tableFilterV1',
          keyCount,
          downstream,
          ctx,
          overJoin ? ctx.state.table<boolean>('emitted') : undefined,
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
        downstream = new AggregateOperator(
          keys,
          calls,
          step['@type'] === 'tableAggregateV1',
          inputKeyCount,
          downstream,
          ctx,
          step.window,
        )
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
        return
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
          buildChain(step.left, fk.left, ctx, sources)
          buildChain(step.right, fk.right, ctx, sources)
          return
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
              )
            : step['@type'] === 'streamTableJoinV1'
              ? new StreamTableJoinOperator(step.joinType, lw, rw, downstream, ctx.state)
              : new TableTableJoinOperator(step.joinType, lw, rw, downstream, ctx.state)
        buildChain(step.left, op.left, ctx, sources)
        buildChain(step.right, op.right, ctx, sources)
        return
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
  // A table kept in a persistent store is also materialized there for pull queries.
  if (plan['@type'] === 'tableSinkV1' && ctx.state instanceof LevelStateStore) {
    const mat = new MaterializeOperator(stepColumns(plan.source), plan.window !== undefined, ctx.state, sink)
    return {
      ...buildPipeline(plan, mat, ctx),
      sink,
      materialization: new StoreMaterialization(ctx.state, mat.rows, mat.keyCodec, mat.keyCount),
    }
  }
  return { ...buildPipeline(plan, sink, ctx), sink }
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
