import { formatExpression } from '../../ast/format.js'
import { InternalError } from '../../errors.js'
import type { LogicalPlan } from '../logical/logical-plan.js'
import type { SinkStep, Step } from './steps.js'

/** Turns an optimized logical plan into serializable steps. */
export function toSteps(plan: LogicalPlan): Step {
  switch (plan.kind) {
    case 'Scan': {
      const s = plan.source
      return {
        '@type': s.kind === 'TABLE' ? 'tableSourceV1' : 'streamSourceV1',
        sourceName: s.name,
        topicName: s.topic,
        formats: {
          keyFormat: s.keyFormat,
          valueFormat: s.valueFormat,
          keyFeatures: s.keyFeatures,
          valueFeatures: s.valueFeatures,
        },
        schema: s.schema,
        columns: plan.columns,
        ...(s.timestampColumn !== undefined ? { timestampColumn: s.timestampColumn } : {}),
        ...(s.timestampFormat !== undefined ? { timestampFormat: s.timestampFormat } : {}),
        ...(s.window !== undefined ? { window: s.window } : {}),
      }
    }
    case 'Filter': {
      const source = toSteps(plan.input)
      return {
        '@type': isTable(source) ? 'tableFilterV1' : 'streamFilterV1',
        source,
        filterExpression: formatExpression(plan.predicate),
      }
    }
    case 'FlatMap':
      return {
        '@type': 'streamFlatMapV1',
        source: toSteps(plan.input),
        tableFunctions: plan.functions.map((f) => ({
          name: f.name,
          expression: formatExpression(f.expr),
          type: f.type,
        })),
      }
    case 'Aggregate': {
      const source = toSteps(plan.input)
      return {
        '@type': isTable(source) ? 'tableAggregateV1' : 'streamAggregateV1',
        source,
        groupBy: plan.groupBy.map((g) => ({
          name: g.name,
          expression: formatExpression(g.expr),
          type: g.type,
        })),
        aggregates: plan.aggregates.map((a) => ({
          name: a.name,
          expression: formatExpression(a.call),
          type: a.type,
        })),
        ...(plan.window !== undefined ? { window: plan.window } : {}),
      }
    }
    case 'Project': {
      const source = toSteps(plan.input)
      return {
        '@type': isTable(source) ? 'tableSelectV1' : 'streamSelectV1',
        source,
        selectExpressions: plan.items.map((i) => ({
          name: i.name,
          expression: formatExpression(i.expr),
          type: i.type,
          namespace: i.namespace,
          ...(i.headerKey !== undefined ? { headerKey: i.headerKey } : {}),
        })),
      }
    }
    case 'Join':
      return {
        '@type':
          plan.joinKind === 'STREAM_STREAM'
            ? 'streamStreamJoinV1'
            : plan.joinKind === 'STREAM_TABLE'
              ? 'streamTableJoinV1'
              : 'tableTableJoinV1',
        joinType: plan.joinType,
        left: toSteps(plan.left),
        right: toSteps(plan.right),
        keyName: plan.columns[0]?.name ?? 'ROWKEY',
        ...(plan.within !== undefined ? { within: plan.within } : {}),
        ...(plan.windowSizeMs !== undefined ? { windowSizeMs: plan.windowSizeMs } : {}),
        ...(plan.foreignKey !== undefined ? { foreignKeyExpression: formatExpression(plan.foreignKey) } : {}),
      }
    case 'Sink': {
      const source = toSteps(plan.input)
      const t = plan.target
      const sink: SinkStep = {
        '@type': t.kind === 'TABLE' ? 'tableSinkV1' : 'streamSinkV1',
        source,
        sinkName: t.name,
        topicName: t.topic,
        formats: {
          keyFormat: t.keyFormat,
          valueFormat: t.valueFormat,
          keyFeatures: t.keyFeatures,
          valueFeatures: t.valueFeatures,
        },
        ...(t.timestampColumn !== undefined ? { timestampColumn: t.timestampColumn } : {}),
        ...(t.timestampFormat !== undefined ? { timestampFormat: t.timestampFormat } : {}),
        ...(t.window !== undefined ? { window: t.window } : {}),
      }
      return sink
    }
  }
}

/** The sink step of a plan whose root is a Sink. */
export function toSinkStep(plan: LogicalPlan): SinkStep {
  const s = toSteps(plan)
  if (s['@type'] !== 'streamSinkV1' && s['@type'] !== 'tableSinkV1') {
    throw new InternalError('a persistent query plan must end in a sink')
  }
  return s
}

function isTable(s: Step): boolean {
  // An aggregation's output is a table.
  return s['@type'].startsWith('table') || s['@type'] === 'streamAggregateV1'
}
