import { parseExpression, parseStatements } from '../../grammar/parse.js'
import type { Expr } from '../ast/expressions.js'
import { exprChildren } from '../ast/expr-tree.js'
import { formatExpression } from '../ast/format.js'
import type { Query } from '../ast/statements.js'
import { SqlPlanError } from '../errors.js'
import type { FunctionRegistry } from '../functions/registry.js'
import { type SinkStep, type Step, stepColumns } from '../plan/physical/steps.js'

/**
 * In-place query upgrades (CREATE OR REPLACE ... AS SELECT over a running query): ksqlDB's
 * ExecutionStep.validateUpgrade. Each plan is reduced to its ENFORCING steps (sinks, sources,
 * re-keys, aggregations): PASSIVE steps (filters, projections) may be added, removed or changed
 * freely, since the sink schema check (DataSource.canUpgradeTo) already guards what a projection
 * writes. The enforcing steps of both plans must pair up one to one with matching properties,
 * or the upgrade would corrupt state the old query built. Steps ksqlDB has not reasoned about
 * (joins, windowed and table aggregations, table functions) reject any upgrade.
 */

/** One enforcing (or unsupported) step, with the properties ksqlDB's `mustMatch` compares. */
interface UpgradeNode {
  /** ksqlDB's execution step class (simple name). */
  readonly cls: string
  readonly kind: 'enforcing' | 'source' | 'unsupported'
  /** Property name as ksqlDB words it, and the value as ksqlDB prints it. */
  readonly props: readonly (readonly [string, string])[]
  readonly sources: readonly UpgradeNode[]
}

/** A side of the upgrade: the plan and, when known, its query (for the aggregation's columns). */
export interface UpgradeSide {
  readonly plan: SinkStep
  readonly query: Query | undefined
}

/** The query of a stored `CREATE ... AS SELECT` statement text, if it parses as one. */
export function queryOfStatement(text: string): Query | undefined {
  try {
    const [parsed] = parseStatements(/;\s*$/.test(text) ? text : `${text};`)
    const s = parsed?.statement
    if (s === undefined) return undefined
    return s.kind === 'CreateStreamAsSelect' || s.kind === 'CreateTableAsSelect' || s.kind === 'InsertInto'
      ? s.query
      : undefined
  } catch {
    return undefined
  }
}

/** Throws ksqlDB's error when `next` cannot replace `old` in place. */
export function validateUpgrade(old: UpgradeSide, next: UpgradeSide, functions: FunctionRegistry): void {
  const a = reduce(old.plan, old.query, functions)
  const b = reduce(next.plan, next.query, functions)
  compare(single(a), single(b))
}

function single(nodes: readonly UpgradeNode[]): UpgradeNode {
  const n = nodes[0]
  if (n === undefined || nodes.length !== 1) throw new SqlPlanError('Query is not upgradeable.')
  return n
}

const notUpgradeable = (message: string) => new SqlPlanError(`Query is not upgradeable. ${message}`)
const javaClass = (cls: string) => `class io.confluent.ksql.execution.plan.${cls}`

function compare(old: UpgradeNode, next: UpgradeNode): void {
  if (old.kind === 'unsupported') throw new SqlPlanError(`Upgrades not yet supported for ${old.cls}`)
  if (next.kind === 'unsupported') throw new SqlPlanError(`Upgrades not yet supported for ${next.cls}`)
  if (old.kind === 'source' && next.cls !== old.cls) {
    // StreamSource/TableSource.validateUpgrade: only passive steps may precede the source.
    if (next.sources.length === 0) {
      throw notUpgradeable(
        `The root source node of the upgrade tree must be ${old.cls}, but was ${javaClass(next.cls)}`,
      )
    }
    if (next.sources.length > 1) throw notUpgradeable('Cannot change a non-join source into a join source.')
    throw notUpgradeable(`Cannot add a ${javaClass(next.cls)} step that is not in the original query plan.`)
  }
  const props: (readonly [string, string])[] = [['class', javaClass(old.cls)], ...old.props]
  const nextProps = new Map<string, string>([['class', javaClass(next.cls)], ...next.props])
  for (const [name, value] of props) {
    const other = nextProps.get(name)
    if (other !== undefined && other !== value) {
      throw notUpgradeable(
        `Plan step of type ${old.cls} must have matching ${name}. Values differ: ${value} vs. ${other}`,
      )
    }
  }
  if (old.sources.length !== next.sources.length) {
    throw notUpgradeable('Cannot change a non-join source into a join source.')
  }
  old.sources.forEach((s, i) => {
    compare(s, next.sources[i] as UpgradeNode)
  })
}

/** The enforcing steps of a step tree, top down (a passive step yields its source's). */
function reduce(step: Step, query: Query | undefined, functions: FunctionRegistry): UpgradeNode[] {
  const below = (s: Step) => reduce(s, query, functions)
  switch (step['@type']) {
    case 'streamSinkV1':
    case 'tableSinkV1':
      return [
        {
          cls: step['@type'] === 'streamSinkV1' ? 'StreamSink' : 'TableSink',
          kind: 'enforcing',
          props: [
            ['formats', formatsText(step.formats)],
            ['topicName', step.topicName],
            ['timestampColumn', timestampText(step.timestampColumn, step.timestampFormat)],
          ],
          sources: below(step.source),
        },
      ]
    case 'streamFilterV1':
    case 'tableFilterV1':
      return below(step.source)
    case 'streamSelectV1':
    case 'tableSelectV1': {
      const inputKeys = stepColumns(step.source)
        .filter((c) => c.namespace === 'KEY')
        .map((c) => c.name)
      const keys = step.selectExpressions.filter((s) => s.namespace === 'KEY').map((s) => s.expression)
      const rekeys = keys.length !== inputKeys.length || keys.some((k, i) => k !== inputKeys[i])
      if (!rekeys) return below(step.source)
      // A projection that computes a new key: ksqlDB's StreamSelectKey / TableSelectKey.
      return [
        {
          cls: step['@type'] === 'streamSelectV1' ? 'StreamSelectKey' : 'TableSelectKey',
          kind: 'enforcing',
          props: [['keyExpressions', `[${keys.map(expressionText).join(', ')}]`]],
          sources: below(step.source),
        },
      ]
    }
    case 'streamFlatMapV1':
      return [{ cls: 'StreamFlatMap', kind: 'unsupported', props: [], sources: below(step.source) }]
    case 'streamAggregateV1':
    case 'tableAggregateV1': {
      if (step['@type'] === 'tableAggregateV1') {
        return [{ cls: 'TableAggregate', kind: 'unsupported', props: [], sources: below(step.source) }]
      }
      if (step.window !== undefined) {
        return [
          { cls: 'StreamWindowedAggregate', kind: 'unsupported', props: [], sources: below(step.source) },
        ]
      }
      const inputKeys = stepColumns(step.source)
        .filter((c) => c.namespace === 'KEY')
        .map((c) => c.name)
      const groupBy = step.groupBy.map((g) => g.expression)
      const byKey = groupBy.length === inputKeys.length && groupBy.every((g, i) => g === inputKeys[i])
      const grouping: UpgradeNode = byKey
        ? { cls: 'StreamGroupByKey', kind: 'enforcing', props: [], sources: below(step.source) }
        : {
            cls: 'StreamGroupBy',
            kind: 'enforcing',
            props: [['groupByExpressions', `[${groupBy.map(expressionText).join(', ')}]`]],
            sources: below(step.source),
          }
      const required = query === undefined ? undefined : requiredColumns(query, functions)
      return [
        {
          cls: 'StreamAggregate',
          kind: 'enforcing',
          props: [
            ...(required === undefined
              ? []
              : [
                  [
                    'columns not part of aggregate',
                    `[${required.map((c) => `\`${c}\``).join(', ')}]`,
                  ] as const,
                ]),
            [
              'aggregate functions',
              `[${step.aggregates.map((a) => aggregateText(a.expression)).join(', ')}]`,
            ],
          ],
          sources: [grouping],
        },
      ]
    }
    case 'streamStreamJoinV1':
    case 'streamTableJoinV1':
    case 'tableTableJoinV1': {
      const cls =
        step['@type'] === 'streamStreamJoinV1'
          ? 'StreamStreamJoin'
          : step['@type'] === 'streamTableJoinV1'
            ? 'StreamTableJoin'
            : step.foreignKeyExpression !== undefined
              ? 'ForeignKeyTableTableJoin'
              : 'TableTableJoin'
      return [{ cls, kind: 'unsupported', props: [], sources: [...below(step.left), ...below(step.right)] }]
    }
    case 'streamSourceV1':
    case 'tableSourceV1': {
      const stream = step['@type'] === 'streamSourceV1'
      const windowed = step.window !== undefined
      const cls = `${windowed ? 'Windowed' : ''}${stream ? 'StreamSource' : 'TableSource'}`
      return [
        {
          cls,
          kind: windowed ? 'unsupported' : 'source',
          props: [
            ['topicName', step.topicName],
            ['formats', formatsText(step.formats)],
            ['timestampColumn', timestampText(step.timestampColumn, step.timestampFormat)],
          ],
          sources: [],
        },
      ]
    }
  }
}

function formatsText(f: SinkStep['formats']): string {
  const features = (x: object) =>
    Object.entries(x)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')
  const format = (x: { format: string; delimiter?: string }) =>
    x.delimiter === undefined ? x.format : `${x.format}(delimiter=${x.delimiter})`
  return `Formats{keyFormat=${format(f.keyFormat)}, valueFormat=${format(f.valueFormat)}, keyFeatures=[${features(f.keyFeatures)}], valueFeatures=[${features(f.valueFeatures)}]}`
}

function timestampText(column: string | undefined, format: string | undefined): string {
  return column === undefined
    ? 'Optional.empty'
    : `Optional[TimestampColumn{column=${column}, format=${format ?? 'Optional.empty'}}]`
}

function expressionText(text: string): string {
  try {
    return formatExpression(parseExpression(text))
  } catch {
    return text
  }
}

/** An aggregate call as ksqlDB keeps it: a call without arguments (COUNT(*)) counts ROWTIME. */
function aggregateText(text: string): string {
  try {
    const e = parseExpression(text)
    if (e.kind === 'FunctionCall' && (e.star || e.args.length === 0)) return `${e.name}(ROWTIME)`
    return formatExpression(e)
  } catch {
    return text
  }
}

const WINDOW_BOUNDS = new Set(['WINDOWSTART', 'WINDOWEND'])

/**
 * ksqlDB's AggregateAnalyzer required columns (the StreamAggregate's "non-aggregate columns"):
 * every source column the SELECT, WHERE, GROUP BY and HAVING clauses read, in that order, each
 * once; an aggregate call without arguments reads ROWTIME; window bounds are not columns.
 */
export function requiredColumns(query: Query, functions: FunctionRegistry): string[] {
  const out: string[] = []
  const add = (name: string) => {
    if (!WINDOW_BOUNDS.has(name) && !out.includes(name)) out.push(name)
  }
  const join = query.from.kind === 'Join'
  const visit = (e: Expr, lambdaParams: ReadonlySet<string>): void => {
    if (e.kind === 'ColumnRef') {
      if (e.source === undefined && lambdaParams.has(e.name)) return
      add(join && e.source !== undefined ? `${e.source}_${e.name}` : e.name)
      return
    }
    if (e.kind === 'FunctionCall' && (e.star || e.args.length === 0) && functions.aggregate(e.name)) {
      add('ROWTIME')
      return
    }
    const params = e.kind === 'Lambda' ? new Set([...lambdaParams, ...e.params]) : lambdaParams
    for (const c of exprChildren(e)) visit(c, params)
  }
  const none: ReadonlySet<string> = new Set()
  for (const item of query.select) {
    if (item.kind === 'SingleColumn') visit(item.expr, none)
    else if (item.kind === 'StructAll') visit(item.base, none)
  }
  if (query.where !== undefined) visit(query.where, none)
  for (const g of query.groupBy ?? []) visit(g, none)
  if (query.having !== undefined) visit(query.having, none)
  return out
}
