import type { FormatSpec, SerdeFeatures, SourceKind, WindowInfo } from '../../catalog/source.js'
import type { WindowSpec } from '../logical/logical-plan.js'
import type { LogicalSchema } from '../../types/schema.js'
import { T, type Type } from '../../types/type.js'

/**
 * Physical plan steps: plain JSON, versioned by `@type` (bump the version only when a step's
 * shape changes). Persistent queries are stored as these and rebuilt from them on restart, so a
 * step holds data only: expressions as SQL text (re-parsed when the runtime builds the step),
 * types as `Type` objects. Names follow ksqlDB's execution steps (StreamSource, StreamFilter,
 * StreamSelect, StreamFlatMap, StreamSink and their table twins).
 */
export type Step = SourceStep | FilterStep | FlatMapStep | AggregateStep | SelectStep | SinkStep | JoinStep

export interface StepColumn {
  readonly name: string
  readonly type: Type
  readonly namespace: 'KEY' | 'VALUE' | 'PSEUDO'
  readonly headerKey?: string | null
}

export interface TopicFormats {
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
  readonly keyFeatures: SerdeFeatures
  readonly valueFeatures: SerdeFeatures
}

export interface SourceStep {
  readonly '@type': 'streamSourceV1' | 'tableSourceV1'
  readonly sourceName: string
  readonly topicName: string
  readonly formats: TopicFormats
  /** The source's full schema: what the topic's records hold (serde needs every column). */
  readonly schema: LogicalSchema
  /** Columns of the rows the step emits: source key + value columns (maybe pruned), then pseudo columns. */
  readonly columns: readonly StepColumn[]
  readonly timestampColumn?: string
  readonly timestampFormat?: string
  readonly window?: WindowInfo
}

export interface FilterStep {
  readonly '@type': 'streamFilterV1' | 'tableFilterV1'
  readonly source: Step
  readonly filterExpression: string
}

export interface FlatMapStep {
  readonly '@type': 'streamFlatMapV1'
  readonly source: Step
  readonly tableFunctions: readonly {
    readonly name: string
    readonly expression: string
    readonly type: Type
  }[]
}

/** GROUP BY over a stream (add) or a table (undo + add); `aggregates` are the calls' SQL text. */
export interface AggregateStep {
  readonly '@type': 'streamAggregateV1' | 'tableAggregateV1'
  readonly source: Step
  readonly groupBy: readonly { readonly name: string; readonly expression: string; readonly type: Type }[]
  readonly aggregates: readonly { readonly name: string; readonly expression: string; readonly type: Type }[]
  readonly window?: WindowSpec
}

export interface SelectStep {
  readonly '@type': 'streamSelectV1' | 'tableSelectV1'
  readonly source: Step
  readonly selectExpressions: readonly {
    readonly name: string
    readonly expression: string
    readonly type: Type
    readonly namespace: 'KEY' | 'VALUE' | 'PSEUDO'
    readonly headerKey?: string | null
  }[]
}

/**
 * A join of two sub-plans (ksqlDB's StreamStreamJoin, StreamTableJoin, TableTableJoin). Each side
 * emits its join key first, then its value columns; the step emits the key (`keyName`), the left
 * values, the right values, then ROWTIME.
 */
export interface JoinStep {
  readonly '@type': 'streamStreamJoinV1' | 'streamTableJoinV1' | 'tableTableJoinV1'
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
  readonly left: Step
  readonly right: Step
  readonly keyName: string
  /** Stream-stream joins: WITHIN (before, after) and the GRACE PERIOD if one was given. */
  readonly within?: { readonly beforeMs: number; readonly afterMs: number; readonly graceMs?: number }
  /** Stream-stream joins: the size both sides' time windows are brought to (see the logical Join). */
  readonly windowSizeMs?: number
  /**
   * Foreign-key table-table joins (ksqlDB's ForeignKeyTableTableJoin): the SQL text of the right key
   * each left row joins, over the left step's columns. The left step is keyed by the left table's key.
   */
  readonly foreignKeyExpression?: string
}

export interface SinkStep {
  readonly '@type': 'streamSinkV1' | 'tableSinkV1'
  readonly source: Step
  readonly sinkName: string
  readonly topicName: string
  readonly formats: TopicFormats
  /** Windowed sink: keys carry their window. */
  readonly window?: WindowInfo
  readonly timestampColumn?: string
  readonly timestampFormat?: string
}

/** A persistent query as stored (ksqlDB's plan.json): the step tree plus the statement text. */
export interface QueryPlan {
  readonly version: 1
  readonly queryId: string
  readonly statementText: string
  readonly sinkName: string
  readonly sinkKind: SourceKind
  readonly sourceNames: readonly string[]
  readonly physicalPlan: SinkStep
}

/** The columns a step emits. */
export function stepColumns(step: Step): readonly StepColumn[] {
  switch (step['@type']) {
    case 'streamSourceV1':
    case 'tableSourceV1':
      return step.columns
    case 'streamFilterV1':
    case 'tableFilterV1':
      return stepColumns(step.source)
    case 'streamFlatMapV1':
      return [
        ...stepColumns(step.source),
        ...step.tableFunctions.map((f) => ({ name: f.name, type: f.type, namespace: 'VALUE' as const })),
      ]
    case 'streamAggregateV1':
    case 'tableAggregateV1':
      return [
        ...step.groupBy.map((g) => ({ name: g.name, type: g.type, namespace: 'KEY' as const })),
        ...step.aggregates.map((a) => ({ name: a.name, type: a.type, namespace: 'VALUE' as const })),
        ...(step.window === undefined
          ? []
          : [
              { name: 'WINDOWSTART', type: T.BIGINT, namespace: 'PSEUDO' as const },
              { name: 'WINDOWEND', type: T.BIGINT, namespace: 'PSEUDO' as const },
            ]),
      ]
    case 'streamSelectV1':
    case 'tableSelectV1':
      return step.selectExpressions.map((s) => ({
        name: s.name,
        type: s.type,
        namespace: s.namespace,
        ...(s.headerKey !== undefined ? { headerKey: s.headerKey } : {}),
      }))
    case 'streamSinkV1':
    case 'tableSinkV1':
      return stepColumns(step.source)
    case 'streamStreamJoinV1':
    case 'streamTableJoinV1':
    case 'tableTableJoinV1':
      return joinColumns(step)
  }
}

/** A join step's columns: the key, both sides' value columns, ROWTIME. */
export function joinColumns(step: JoinStep): StepColumn[] {
  const left = stepColumns(step.left)
  const right = stepColumns(step.right)
  const key = left[0]
  if (key === undefined) return []
  return [
    { name: step.keyName, type: key.type, namespace: 'KEY' },
    ...left.slice(1).map((c) => ({ ...c, namespace: 'VALUE' as const })),
    ...right.slice(1).map((c) => ({ ...c, namespace: 'VALUE' as const })),
    { name: 'ROWTIME', type: T.BIGINT, namespace: 'PSEUDO' },
  ]
}

/** The source steps of a step tree, left to right. */
export function sourceSteps(step: Step): SourceStep[] {
  switch (step['@type']) {
    case 'streamSourceV1':
    case 'tableSourceV1':
      return [step]
    case 'streamStreamJoinV1':
    case 'streamTableJoinV1':
    case 'tableTableJoinV1':
      return [...sourceSteps(step.left), ...sourceSteps(step.right)]
    default:
      return sourceSteps(step.source)
  }
}
