import type { Expr } from '../../ast/expressions.js'
import type { FormatSpec, SerdeFeatures, SourceDef, SourceKind, WindowInfo } from '../../catalog/source.js'
import type { Type } from '../../types/type.js'

/**
 * A column of a plan node's output. Row layout inside the runtime follows this order. `PSEUDO`
 * columns (ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND) are readable by expressions
 * but never written to a sink.
 */
export interface PlanColumn {
  readonly name: string
  readonly type: Type
  readonly namespace: 'KEY' | 'VALUE' | 'PSEUDO'
  /** Header columns (see `Column.headerKey`). */
  readonly headerKey?: string | null
}

/**
 * The logical plan of one query: a closed union, each node with its output columns. Expressions
 * refer to columns of the node's input by unqualified name (the analyzer strips source aliases).
 */
export type LogicalPlan = Scan | Filter | FlatMap | Aggregate | Project | Sink | Join

export type JoinKind = 'STREAM_STREAM' | 'STREAM_TABLE' | 'TABLE_TABLE'

/**
 * A join of two inputs. Each input's first column is its KEY (the join expression, computed by a
 * pre-join Project) and the rest are VALUE columns; the output is the join key (named `keyName`),
 * the left input's value columns, the right input's value columns, then ROWTIME.
 */
export interface Join {
  readonly kind: 'Join'
  readonly joinKind: JoinKind
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
  readonly left: LogicalPlan
  readonly right: LogicalPlan
  /** Stream-stream joins: WITHIN (before, after) and the GRACE PERIOD if one was given. */
  readonly within?: { readonly beforeMs: number; readonly afterMs: number; readonly graceMs?: number }
  /**
   * Stream-stream join of time-windowed streams on a schema-registry key format: ksqlDB forces
   * both sides through a repartition in the left's windowed key format, whose serialized key
   * keeps a window's start only, so every window comes back `windowSizeMs` long.
   */
  readonly windowSizeMs?: number
  /**
   * Foreign-key table-table join: the right key each left row joins, computed over the left input's
   * columns. The left input is then keyed by the left table's key, which the result keeps.
   */
  readonly foreignKey?: Expr
  readonly columns: readonly PlanColumn[]
}

/** Reads a source topic: a stream (every record) or a table (latest row per key; null value deletes). */
export interface Scan {
  readonly kind: 'Scan'
  readonly source: SourceDef
  /** The source columns the query needs (projection pruning may drop some of them). */
  readonly columns: readonly PlanColumn[]
}

/** Keeps rows whose predicate is TRUE (a table emits a delete for a row that no longer matches). */
export interface Filter {
  readonly kind: 'Filter'
  readonly input: LogicalPlan
  readonly predicate: Expr
  readonly columns: readonly PlanColumn[]
}

/**
 * Table functions in the projection (EXPLODE ...): each input row becomes one row per element of
 * the longest function result; the results are appended as columns named `name`.
 */
export interface FlatMap {
  readonly kind: 'FlatMap'
  readonly input: LogicalPlan
  readonly functions: readonly { readonly name: string; readonly expr: Expr; readonly type: Type }[]
  readonly columns: readonly PlanColumn[]
}

/**
 * GROUP BY: one row per group key, holding the aggregates' current results. Over a stream each
 * row is added to its group; over a table a changed row is retracted from its old group first
 * (ksqlDB's undo). Emits the group's new row on every change. Columns: the group keys (KEY), then
 * the aggregates (VALUE).
 */
export interface Aggregate {
  readonly kind: 'Aggregate'
  readonly input: LogicalPlan
  readonly groupBy: readonly { readonly name: string; readonly expr: Expr; readonly type: Type }[]
  readonly aggregates: readonly { readonly name: string; readonly call: Expr; readonly type: Type }[]
  /** WINDOW clause: groups are per key and window; rows carry WINDOWSTART / WINDOWEND. */
  readonly window?: WindowSpec
  readonly columns: readonly PlanColumn[]
}

/** A window of an aggregation, in milliseconds. */
export interface WindowSpec {
  readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'
  /** TUMBLING / HOPPING size. */
  readonly sizeMs?: number
  /** HOPPING advance (TUMBLING: the size). */
  readonly advanceMs?: number
  /** SESSION inactivity gap. */
  readonly gapMs?: number
  /** GRACE PERIOD: how late a record may be (ksqlDB's default: 24 hours). */
  readonly graceMs: number
  /** EMIT FINAL: one row per window, once it closes. */
  readonly emitFinal: boolean
  /** RETENTION: how long the window store keeps a window (default: size + grace). */
  readonly retentionMs?: number
}

/** Computes the output columns; key columns first. */
export interface Project {
  readonly kind: 'Project'
  readonly input: LogicalPlan
  readonly items: readonly ProjectItem[]
  readonly columns: readonly PlanColumn[]
}

export interface ProjectItem {
  readonly name: string
  readonly expr: Expr
  readonly type: Type
  readonly namespace: 'KEY' | 'VALUE' | 'PSEUDO'
  readonly headerKey?: string | null
}

/** Writes rows to a topic. */
export interface Sink {
  readonly kind: 'Sink'
  readonly input: LogicalPlan
  readonly target: SinkTarget
  readonly columns: readonly PlanColumn[]
}

export interface SinkTarget {
  readonly name: string
  readonly kind: SourceKind
  readonly topic: string
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
  readonly keyFeatures: SerdeFeatures
  readonly valueFeatures: SerdeFeatures
  /** TIMESTAMP property of the sink: the output column that becomes the record time. */
  readonly timestampColumn?: string
  readonly timestampFormat?: string
  readonly window?: WindowInfo
}

export function children(p: LogicalPlan): readonly LogicalPlan[] {
  if (p.kind === 'Join') return [p.left, p.right]
  return p.kind === 'Scan' ? [] : [p.input]
}

/** The same node over a new input (columns unchanged). */
export function withInput(p: LogicalPlan, input: LogicalPlan): LogicalPlan {
  if (p.kind === 'Scan' || p.kind === 'Join') return p
  return { ...p, input }
}

/** Bottom-up rewrite (DataFusion's transform_up): `f` sees each node after its children. */
export function transformUp(
  p: LogicalPlan,
  f: (p: LogicalPlan) => LogicalPlan | undefined,
): { plan: LogicalPlan; changed: boolean } {
  let changed = false
  let node = p
  // A join's inputs are rewritten on their own (rules see single-input chains).
  if (p.kind !== 'Scan' && p.kind !== 'Join') {
    const r = transformUp(p.input, f)
    if (r.changed) {
      node = withInput(p, r.plan)
      changed = true
    }
  }
  const out = f(node)
  if (out !== undefined && out !== node) return { plan: out, changed: true }
  return { plan: node, changed }
}
