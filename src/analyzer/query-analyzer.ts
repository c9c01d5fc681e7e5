import type { ColumnRef, Expr } from '../ast/expressions.js'
import { mapExpr, someExpr, walkExpr } from '../ast/expr-tree.js'
import { formatExpression } from '../ast/format.js'
import type { Query, SelectItem } from '../ast/statements.js'
import type { Catalog } from '../catalog/catalog.js'
import type { SourceDef, SourceKind, WindowInfo } from '../catalog/source.js'
import { preparing, SqlPlanError } from '../errors.js'
import { typeOf } from '../expr/typer.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type {
  JoinKind,
  LogicalPlan,
  PlanColumn,
  ProjectItem,
  WindowSpec,
} from '../plan/logical/logical-plan.js'
import { PSEUDO_COLUMNS, WINDOW_BOUND_COLUMNS } from '../types/schema.js'
import { T, type Type, typeToString } from '../types/type.js'
import { durationMs } from '../ast/types.js'
import { columnScope } from './column-scope.js'
import { nameStructFields, syntheticNames } from './column-names.js'
import { formatKsqlExpression } from '../expr/format.js'
import { analyzeJoinQuery } from './join-analyzer.js'

/** Names no output column may take (ksqlDB's SystemColumns). */
export const RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set([
  'ROWTIME',
  'ROWPARTITION',
  'ROWOFFSET',
  'WINDOWSTART',
  'WINDOWEND',
])

export interface AnalyzeOptions {
  readonly catalog: Catalog
  readonly functions: FunctionRegistry
  /** The sink of a persistent query (CSAS/CTAS/INSERT INTO); absent for a transient query. */
  readonly sinkName?: string
  /** How ksqlDB names the statement in messages (`CREATE TABLE AS SELECT`, `INSERT INTO`). */
  readonly statementType?: string
}

/** A query checked against the catalog, as a logical plan without its sink. */
export interface AnalyzedQuery {
  /** The source (a join's leftmost source). */
  readonly source: SourceDef
  /** Every source the query reads (several for a join), left to right. */
  readonly sources?: readonly SourceDef[]
  readonly plan: LogicalPlan
  /** What the query produces: a STREAM or a TABLE. */
  readonly resultKind: SourceKind
  /** PARTITION BY NULL: the result has no key. */
  readonly partitionByNull: boolean
  /** The result's window (a windowed aggregation), or the source's when it passes windowed keys through. */
  readonly window?: WindowInfo
  readonly limit?: number
  /**
   * The output columns (key columns first) in SELECT order: `projection[i]` is the plan column
   * of the i-th selected item. Transient queries present their rows in this order, as ksqlDB.
   */
  readonly projection?: readonly number[]
  /** A join of two sources: what decides the internal topics ksqlDB creates for it. */
  readonly join?: JoinShape
}

/** The two sides of a join and whether each is re-keyed (joined on an expression other than its key). */
export interface JoinShape {
  readonly joinKind: JoinKind
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
  readonly foreignKey: boolean
  readonly left: { readonly source: SourceDef; readonly rekey: boolean }
  readonly right: { readonly source: SourceDef; readonly rekey: boolean }
}

/** The columns a query over `source` can read: key, value, pseudo and (windowed) window bounds. */
export function sourceColumns(source: SourceDef): PlanColumn[] {
  const cols: PlanColumn[] = []
  for (const c of source.schema.key) cols.push({ name: c.name, type: c.type, namespace: 'KEY' })
  for (const c of source.schema.value) {
    cols.push({
      name: c.name,
      type: c.type,
      namespace: 'VALUE',
      ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
    })
  }
  for (const [name, type] of Object.entries(PSEUDO_COLUMNS)) cols.push({ name, type, namespace: 'PSEUDO' })
  if (source.window !== undefined) {
    for (const [name, type] of Object.entries(WINDOW_BOUND_COLUMNS))
      cols.push({ name, type, namespace: 'PSEUDO' })
  }
  return cols
}

/**
 * Checks a single-source query (no joins, no aggregation: those come with the stateful engine)
 * and builds its logical plan: Scan → Filter → FlatMap → Project.
 */
export function analyzeQuery(query: Query, options: AnalyzeOptions): AnalyzedQuery {
  const { catalog, functions, sinkName } = options
  const persistent = sinkName !== undefined
  if (query.from.kind === 'Join') return analyzeJoinQuery(query, query.from, options)
  if (query.emit === 'FINAL' && query.window === undefined) {
    throw new SqlPlanError('EMIT FINAL is only supported for windowed aggregations.', query.span)
  }
  const rel = query.from
  const source = catalog.source(rel.name)
  if (source === undefined) {
    // ksqlDB's DataSourceExtractor, while the statement is prepared.
    throw preparing(new SqlPlanError(`${rel.name} does not exist.`, rel.span))
  }
  const alias = rel.alias ?? rel.name
  const qualifiers = new Set([alias, ...(rel.alias === undefined ? [] : [])])

  const unqualify = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef' || x.source === undefined) return undefined
      if (!qualifiers.has(x.source)) {
        throw preparing(new SqlPlanError(`'${x.source}' is not a valid stream/table name or alias.`, x.span))
      }
      const { source: _drop, ...rest } = x
      return rest satisfies ColumnRef
    })

  const scanColumns = sourceColumns(source)
  let plan: LogicalPlan = { kind: 'Scan', source, columns: scanColumns }
  const ctx = (
    clause: string,
    cols: readonly PlanColumn[] = scanColumns,
    suffix?: (name: string) => string,
  ) => ({
    scope: columnScope(cols, clause, suffix),
    functions,
  })

  if (query.where !== undefined) {
    const predicate = unqualify(query.where)
    // A windowed aggregation makes the window bounds known names, but WHERE filters the source,
    // which has none (ksqlDB fails when it compiles the filter).
    if (query.window !== undefined) {
      walkExpr(predicate, (x) => {
        if (
          x.kind === 'ColumnRef' &&
          WINDOW_BOUNDS.has(x.name) &&
          !scanColumns.some((c) => c.name === x.name)
        ) {
          throw new SqlPlanError(`Error in WHERE expression: Unknown column ${x.name}.`, x.span)
        }
      })
    }
    const t = typeWithPrefix(predicate, ctx('WHERE'), 'Error in WHERE expression: ')
    if (t !== null && t.kind !== 'BOOLEAN') {
      throw new SqlPlanError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${formatKsqlExpression(query.where)} (${typeToString(t)}) instead.`,
        query.where.span,
      )
    }
    plan = { kind: 'Filter', input: plan, predicate, columns: scanColumns }
  }

  // Expand the projection and name its items.
  const items: { name: string; expr: Expr; original: Expr; aliased: boolean; star: boolean }[] = []
  const used = new Set<string>()
  let inputColumns: readonly PlanColumn[] = scanColumns

  // PARTITION BY applies to the input: the key becomes the partition expressions, the old key
  // columns move to the end of the value.
  const parts = query.partitionBy
  const partitionByNull = parts?.some((p) => p.kind === 'NullLiteral') === true
  const partitionKeys: { expr: Expr; original: Expr; name: string }[] = []
  if (parts !== undefined) {
    if (source.kind === 'TABLE') {
      throw new SqlPlanError(
        'Unsupported PARTITION BY on a TABLE. PARTITION BY is only supported on STREAMS.',
        query.span,
      )
    }
    if (parts.length === 0)
      throw new SqlPlanError('PARTITION BY requires at least one expression', query.span)
    if (partitionByNull && parts.length > 1) {
      throw new SqlPlanError('Cannot PARTITION BY multiple columns including NULL', query.span)
    }
    if (!partitionByNull) {
      for (const p of parts) {
        const expr = unqualify(p)
        typeWithPrefix(
          expr,
          ctx(
            'PARTITION BY',
            scanColumns,
            (n) =>
              ` '${n}' must be a column in the source schema since PARTITION BY is applied on the input.`,
          ),
          '',
        )
        partitionKeys.push({ expr, original: p, name: '' })
      }
    }
  }
  for (const c of [...source.schema.key, ...source.schema.value]) used.add(c.name)
  for (const item of query.select) expandItem(item, alias, unqualify, items, used, persistent)
  nameStructFields(items, used)
  const nextSynthetic = syntheticNames(used)
  for (const it of items) if (it.name === '' && !it.star) it.name = nextSynthetic()

  if (parts !== undefined) {
    // Key names: the projection item computing the same expression names it; else the column or
    // field name; else a synthetic name.
    for (const k of partitionKeys) {
      const text = canonical(k.expr)
      const match = items.find((it) => !it.star && canonical(it.expr) === text)
      if (k.expr.kind === 'ColumnRef') k.name = k.expr.name
      else if (match !== undefined && !match.aliased && match.name.startsWith('KSQL_COL_'))
        k.name = match.name
      else if (k.expr.kind === 'Dereference') k.name = k.expr.field
      else if (match !== undefined) k.name = match.name
      else k.name = nextSynthetic()
    }
    const partitioned = new Set(
      partitionKeys.flatMap((k) => (k.expr.kind === 'ColumnRef' ? [k.expr.name] : [])),
    )
    const repart: ProjectItem[] = []
    const scanScope = ctx('PARTITION BY')
    for (const k of partitionKeys) {
      const t = typeOf(k.expr, scanScope)
      if (t === null) throw new SqlPlanError(`Can't infer a type of null.`, k.original.span)
      repart.push({ name: k.name, expr: k.expr, type: t, namespace: 'KEY' })
    }
    const keyNames = new Set(partitionKeys.map((k) => k.name))
    const pass = (c: PlanColumn, namespace: 'VALUE' | 'PSEUDO'): void => {
      if (keyNames.has(c.name) && namespace !== 'PSEUDO') return
      repart.push({
        name: c.name,
        expr: { kind: 'ColumnRef', name: c.name, span: query.span },
        type: c.type,
        namespace,
      })
    }
    for (const c of scanColumns) if (c.namespace === 'VALUE' && !partitioned.has(c.name)) pass(c, 'VALUE')
    for (const c of scanColumns) if (c.namespace === 'KEY' && !partitioned.has(c.name)) pass(c, 'VALUE')
    for (const c of scanColumns) if (c.namespace === 'PSEUDO') pass(c, 'PSEUDO')
    inputColumns = repart.map((r) => ({ name: r.name, type: r.type, namespace: r.namespace }))
    plan = { kind: 'Project', input: plan, items: repart, columns: inputColumns }
    // Projection items computing a partition expression read the new key column instead.
    const byText = new Map(partitionKeys.map((k) => [canonical(k.expr), k.name]))
    for (const it of items) {
      if (it.star) continue
      const keyName = byText.get(canonical(it.expr))
      if (keyName !== undefined) it.expr = { kind: 'ColumnRef', name: keyName, span: it.expr.span }
    }
  }
  // `*` expands over the (possibly repartitioned) input.
  const expanded: typeof items = []
  for (const it of items) {
    if (!it.star) {
      expanded.push(it)
      continue
    }
    // A transient query over a windowed source also shows the window bounds, after the key (ksqlDB).
    const bounds = !persistent && source.window !== undefined && query.groupBy === undefined
    const starColumns = inputColumns.filter(
      (c) => c.namespace !== 'PSEUDO' || (bounds && (c.name === 'WINDOWSTART' || c.name === 'WINDOWEND')),
    )
    const keys = starColumns.filter((c) => c.namespace === 'KEY')
    const rest = starColumns.filter((c) => c.namespace !== 'KEY')
    const windowFirst = rest.filter((c) => c.namespace === 'PSEUDO')
    for (const c of [...keys, ...windowFirst, ...rest.filter((c) => c.namespace !== 'PSEUDO')]) {
      const expr: ColumnRef = { kind: 'ColumnRef', name: c.name, span: it.original.span }
      expanded.push({ name: c.name, expr, original: expr, aliased: false, star: false })
    }
  }

  // GROUP BY: an Aggregate node; the projection and HAVING then read its key and aggregate columns.
  let aggregated = false
  const isAgg = (e: Expr): boolean => e.kind === 'FunctionCall' && functions.isAggregate(e.name)
  if (
    query.groupBy !== undefined ||
    expanded.some((it) => someExpr(it.expr, isAgg)) ||
    query.having !== undefined
  ) {
    if (source.valueFormat.format === 'KAFKA') {
      throw new SqlPlanError(
        `Source(s) ${source.name} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`,
        query.span,
      )
    }
    if (query.groupBy === undefined && persistent) {
      // ksqlDB first names the SELECT expressions that are not aggregates (as for an empty GROUP BY).
      buildAggregate(query, expanded, plan, inputColumns, unqualify, functions, source, nextSynthetic)
      throw noGroupByError(query, functions, options.statementType)
    }
    // A transient query without GROUP BY aggregates all its rows in one group (no key columns).
    if (parts !== undefined)
      throw new SqlPlanError('PARTITION BY and GROUP BY cannot be combined.', query.span)
    const built = buildAggregate(
      query,
      expanded,
      plan,
      inputColumns,
      unqualify,
      functions,
      source,
      nextSynthetic,
    )
    plan = built.plan
    inputColumns = built.plan.columns
    for (let i = 0; i < expanded.length; i++) {
      const it = expanded[i]
      const rewritten = built.rewritten[i]
      if (it !== undefined && rewritten !== undefined) it.expr = rewritten
    }
    aggregated = true
  }

  if (query.window !== undefined && !aggregated) {
    throw new SqlPlanError('WINDOW clause requires a GROUP BY clause.', query.window.span)
  }

  // Table functions become a FlatMap below the projection.
  const flat: { name: string; expr: Expr; type: Type }[] = []
  const flatScope = ctx('SELECT', inputColumns)
  const withTf = expanded.map((it) => {
    if (!someExpr(it.expr, (x) => x.kind === 'FunctionCall' && functions.isTable(x.name))) return it
    if (source.kind === 'TABLE')
      throw new SqlPlanError('Table source is not supported with table functions', it.original.span)
    const expr = mapExpr(it.expr, (x) => {
      if (x.kind !== 'FunctionCall' || !functions.isTable(x.name)) return undefined
      const name = `KSQL_SYNTH_${flat.length}`
      const t = typeOf(x, flatScope)
      if (t === null) throw new SqlPlanError(`Cannot resolve the type of ${formatExpression(x)}`, x.span)
      flat.push({ name, expr: x, type: t })
      return { kind: 'ColumnRef', name, span: x.span } satisfies ColumnRef
    })
    return { ...it, expr }
  })
  let projectInput = inputColumns
  if (flat.length > 0) {
    projectInput = [
      ...inputColumns,
      ...flat.map((f) => ({ name: f.name, type: f.type, namespace: 'VALUE' as const })),
    ]
    plan = { kind: 'FlatMap', input: plan, functions: flat, columns: projectInput }
  }

  const projScope = { scope: columnScope(projectInput, 'SELECT'), functions }
  const typed = withTf.map((it) => {
    const t = typeOf(it.expr, projScope)
    if (t === null) {
      throw new SqlPlanError(
        `Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).`,
        it.original.span,
      )
    }
    return { ...it, type: t }
  })

  // Key columns of the result: the input's key columns, selected as plain columns.
  const keyIdx = new Set<number>()
  const keyCols = inputColumns.filter((c) => c.namespace === 'KEY').map((c) => c.name)
  const seen = new Map<string, string[]>()
  typed.forEach((it, i) => {
    if (it.expr.kind === 'ColumnRef' && keyCols.includes(it.expr.name)) {
      const prev = seen.get(it.expr.name)
      if (prev === undefined) {
        seen.set(it.expr.name, [it.name])
        keyIdx.add(i)
      } else prev.push(it.name)
    }
  })
  if (persistent) {
    for (const [k, names] of seen) {
      if (names.length > 1) {
        throw new SqlPlanError(
          aggregated
            ? `The projection contains a key column more than once: ${joinAnd(names.map((n) => `\`${n}\``))}.`
            : `The projection contains a key column (\`${k}\`) more than once, aliased as: ${joinAnd(names)}.`,
          query.span,
        )
      }
    }
    if (keyCols.some((k) => !seen.has(k))) {
      if (aggregated && query.groupBy !== undefined) {
        // The grouping expressions whose key column the projection misses.
        const texts = query.groupBy
          .filter((_g, i) => keyCols[i] === undefined || !seen.has(keyCols[i] as string))
          .map((g) => formatKsqlExpression(g))
        throw new SqlPlanError(
          `The query used to build \`${sinkName}\` must include the grouping expression${texts.length > 1 ? 's' : ''} ${joinAnd(texts)} in its projection (eg, SELECT ${texts.join(', ')}...).`,
          query.span,
        )
      }
      if (parts !== undefined) {
        const texts = partitionKeys.map((k) => formatKsqlExpression(qualify(k.expr, alias)))
        throw new SqlPlanError(
          `The query used to build \`${sinkName}\` must include the partitioning expression${texts.length > 1 ? 's' : ''} ${joinAnd(texts)} in its projection (eg, SELECT ${texts.join(', ')}...).`,
          query.span,
        )
      }
      throw new SqlPlanError(
        `The query used to build \`${sinkName}\` must include the key column${keyCols.length > 1 ? 's' : ''} ${joinAnd(keyCols)} in its projection (eg, SELECT ${keyCols.join(', ')}...).`,
        query.span,
      )
    }
  }
  const projectItems: ProjectItem[] = []
  const keyOrder = (i: number): number => {
    const e = typed[i]?.expr
    return e?.kind === 'ColumnRef' ? keyCols.indexOf(e.name) : -1
  }
  const landed = new Map<number, number>()
  for (const i of [...keyIdx].sort((a, b) => keyOrder(a) - keyOrder(b))) {
    const it = typed[i]
    if (it === undefined) continue
    landed.set(i, projectItems.length)
    projectItems.push({ name: it.name, expr: it.expr, type: it.type, namespace: 'KEY' })
  }
  typed.forEach((it, i) => {
    if (!keyIdx.has(i)) {
      landed.set(i, projectItems.length)
      const e = it.expr
      const header = e.kind === 'ColumnRef' ? projectInput.find((c) => c.name === e.name) : undefined
      projectItems.push({
        name: it.name,
        expr: it.expr,
        type: it.type,
        namespace: 'VALUE',
        ...(header?.headerKey !== undefined && !persistent ? { headerKey: header.headerKey } : {}),
      })
    }
  })
  if (persistent) checkDuplicateColumns(projectItems, query)
  if (persistent && projectItems.every((p) => p.namespace === 'KEY')) {
    throw new SqlPlanError('The projection contains no value columns.', query.span)
  }
  const columns: PlanColumn[] = projectItems.map((p) => ({
    name: p.name,
    type: p.type,
    namespace: p.namespace,
    ...(p.headerKey !== undefined ? { headerKey: p.headerKey } : {}),
  }))
  plan = { kind: 'Project', input: plan, items: projectItems, columns }
  return {
    source,
    plan,
    resultKind: aggregated ? 'TABLE' : source.kind,
    ...(resultWindow(plan, source) !== undefined ? { window: resultWindow(plan, source) } : {}),
    partitionByNull,
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    projection: typed.map((_it, i) => landed.get(i) ?? i),
  }
}

function expandItem(
  item: SelectItem,
  alias: string,
  unqualify: (e: Expr) => Expr,
  out: { name: string; expr: Expr; original: Expr; aliased: boolean; star: boolean }[],
  used: Set<string>,
  persistent: boolean,
): void {
  switch (item.kind) {
    case 'AllColumns': {
      if (item.source !== undefined && item.source !== alias) {
        throw preparing(
          new SqlPlanError(`'${item.source}' is not a valid stream/table name or alias.`, item.span),
        )
      }
      const expr: ColumnRef = { kind: 'ColumnRef', name: '*', span: item.span }
      out.push({ name: '', expr, original: expr, aliased: false, star: true })
      return
    }
    case 'StructAll':
      throw new SqlPlanError('STRUCT->* is not supported yet.', item.span)
    case 'SingleColumn': {
      const expr = unqualify(item.expr)
      let name = item.alias ?? ''
      if (item.alias !== undefined) {
        if (RESERVED_COLUMN_NAMES.has(item.alias)) {
          throw new SqlPlanError(
            `\`${item.alias}\` is a reserved column name. You cannot use it as an alias for a column.`,
            item.span,
          )
        }
      } else if (expr.kind === 'ColumnRef') {
        name = expr.name
        if (persistent && RESERVED_COLUMN_NAMES.has(name)) {
          throw new SqlPlanError(
            `Reserved column name in select: \`${name}\`. Please remove or alias the column.`,
            item.span,
          )
        }
      }
      if (name !== '') used.add(name)
      out.push({ name, expr, original: item.expr, aliased: item.alias !== undefined, star: false })
      return
    }
  }
}

export function typeWithPrefix(e: Expr, ctx: Parameters<typeof typeOf>[1], prefix: string): Type | null {
  try {
    return typeOf(e, ctx)
  } catch (err) {
    if (err instanceof SqlPlanError && prefix !== '' && !err.message.includes('cannot be resolved')) {
      throw new SqlPlanError(prefix + err.message, err.span, err.hints)
    }
    throw err
  }
}

/** Text of an expression without positions: equal texts are the same expression. */
export function canonical(e: Expr): string {
  return formatExpression(e)
}

/** ksqlDB's list wording: `A`, `A and B`, `A, B and C`. */
export function joinAnd(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('')
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`
}

/** The expression with every column qualified by the source alias, as ksqlDB prints it in messages. */
function qualify(e: Expr, alias: string): Expr {
  return mapExpr(e, (x) =>
    x.kind === 'ColumnRef' && x.source === undefined ? { ...x, source: alias } : undefined,
  )
}

const WINDOW_BOUNDS: ReadonlySet<string> = new Set(['WINDOWSTART', 'WINDOWEND'])

/**
 * ksqlDB's AggregateAnalyzer rule for a windowed aggregation: the window bounds exist only after
 * the aggregation, so they may appear in the SELECT clause but not as an aggregate function's
 * argument, in GROUP BY or in HAVING.
 */
function rejectWindowBounds(
  query: Query,
  items: readonly { expr: Expr; star: boolean }[],
  isAgg: (e: Expr) => boolean,
  unqualify: (e: Expr) => Expr,
): void {
  const reject = (e: Expr): void =>
    walkExpr(e, (x) => {
      if (x.kind === 'ColumnRef' && WINDOW_BOUNDS.has(x.name)) {
        throw new SqlPlanError(
          `Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.\nSee https://github.com/confluentinc/ksql/issues/4397`,
          x.span,
        )
      }
    })
  for (const it of items) {
    if (!it.star) walkExpr(it.expr, (x) => (isAgg(x) ? reject(x) : undefined))
  }
  for (const g of query.groupBy ?? []) reject(unqualify(g))
  if (query.having !== undefined) reject(unqualify(query.having))
}

/**
 * Builds the Aggregate (and the HAVING filter over it) and rewrites the projection to read its
 * columns: a sub-expression equal to a GROUP BY expression becomes that key column, an aggregate
 * call becomes its aggregate column. What still reads a source column is not part of the GROUP BY.
 */
export function buildAggregate(
  query: Query,
  items: readonly { name: string; expr: Expr; original: Expr; star: boolean }[],
  input: LogicalPlan,
  inputColumns: readonly PlanColumn[],
  unqualify: (e: Expr) => Expr,
  functions: FunctionRegistry,
  source: SourceDef,
  nextSynthetic: () => string,
): { plan: LogicalPlan; rewritten: Expr[] } {
  const groupBy = query.groupBy ?? []
  const isAgg = (e: Expr): boolean => e.kind === 'FunctionCall' && functions.isAggregate(e.name)
  const scope = { scope: columnScope(inputColumns, 'GROUP BY'), functions }
  const keys: { name: string; expr: Expr; type: Type }[] = []
  const seenGroupBy = new Set<string>()
  for (const g of groupBy) {
    const text = canonical(unqualify(g))
    if (seenGroupBy.has(text)) {
      throw new SqlPlanError(`Duplicate GROUP BY expression: ${formatKsqlExpression(g)}`, g.span)
    }
    seenGroupBy.add(text)
  }
  // Unknown functions are named before any aggregation rule (ksqlDB resolves functions first).
  const knownFunction = (name: string): boolean =>
    functions.scalar(name) !== undefined || functions.isAggregate(name) || functions.isTable(name)
  for (const e of [
    ...items.filter((it) => !it.star).map((it) => it.expr),
    ...groupBy,
    ...(query.having ? [query.having] : []),
  ]) {
    walkExpr(e, (x) => {
      if (x.kind === 'FunctionCall' && !knownFunction(x.name)) {
        throw new SqlPlanError(`Can't find any functions with the name '${x.name}'`, x.span)
      }
    })
  }
  for (const it of items) {
    if (it.star) continue
    walkExpr(it.expr, (x) => {
      if (x.kind === 'FunctionCall' && isAgg(x) && x.args.some((a) => someExpr(a, isAgg))) {
        throw new SqlPlanError(`Aggregate functions can not be nested: ${formatKsqlExpression(x)}`, x.span)
      }
    })
  }
  if (query.window !== undefined) rejectWindowBounds(query, items, isAgg, unqualify)
  for (const g of groupBy) {
    const expr = unqualify(g)
    walkExpr(expr, (x) => {
      if (isAgg(x) && x.kind === 'FunctionCall') {
        throw new SqlPlanError(
          `GROUP BY does not support aggregate functions: ${x.name} is an aggregate function.`,
          g.span,
        )
      }
    })
    const t = typeOf(expr, scope)
    if (t === null) throw new SqlPlanError(`Can't infer a type of null.`, g.span)
    const text = canonical(expr)
    const match = items.find((it) => !it.star && canonical(it.expr) === text)
    let name: string
    if (match !== undefined && (match.name !== '' || expr.kind !== 'ColumnRef')) name = match.name
    else if (expr.kind === 'ColumnRef') name = expr.name
    else if (expr.kind === 'Dereference') name = expr.field
    else name = nextSynthetic()
    keys.push({ name, expr, type: t })
  }
  const byText = new Map(keys.map((k) => [canonical(k.expr), k.name]))
  const aggregates: { name: string; call: Expr; type: Type }[] = []
  const aggByText = new Map<string, string>()
  const selectScope = { scope: columnScope(inputColumns, 'SELECT'), functions }
  const rewrite = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      const key = byText.get(canonical(x))
      if (key !== undefined) return { kind: 'ColumnRef', name: key, span: x.span } satisfies ColumnRef
      if (!isAgg(x)) return undefined
      const text = canonical(x)
      let name = aggByText.get(text)
      if (name === undefined) {
        const t = typeOf(x, selectScope)
        if (t === null) throw new SqlPlanError(`Can't infer a type of null.`, x.span)
        name = `KSQL_AGG_VARIABLE_${aggregates.length}`
        aggByText.set(text, name)
        aggregates.push({ name, call: x, type: t })
      }
      return { kind: 'ColumnRef', name, span: x.span } satisfies ColumnRef
    })
  const rewritten = items.map((it) => rewrite(it.expr))
  if (query.having !== undefined) {
    // Type-check HAVING as written (aggregate calls typed by their functions), so messages name
    // `SUM(VALUE)` rather than the internal aggregate column.
    typeWithPrefix(
      unqualify(query.having),
      { scope: columnScope(inputColumns, 'HAVING'), functions },
      'Error in HAVING expression: ',
    )
  }
  const having = query.having === undefined ? undefined : rewrite(unqualify(query.having))
  if (aggregates.length === 0) {
    throw new SqlPlanError(
      'GROUP BY requires aggregate functions in either the SELECT or HAVING clause.',
      query.span,
    )
  }
  if (source.kind === 'TABLE') {
    const noUndo = aggregates.flatMap((a) => {
      const call = a.call
      if (call.kind !== 'FunctionCall') return []
      const fn = functions.aggregate(call.name)
      const resolved = fn?.resolve(
        call.args.map((x) => typeOf(x, selectScope)),
        call.args,
      ) as { undo?: unknown } | undefined
      return resolved?.undo === undefined ? [call.name] : []
    })
    if (noUndo.length > 0) {
      const names = [...new Set(noUndo)]
      throw new SqlPlanError(
        `The aggregation function${names.length > 1 ? 's' : ''} ${joinAnd(names)} cannot be applied to a table source, only to a stream source.`,
        query.span,
      )
    }
  }
  const columns: PlanColumn[] = [
    ...keys.map((k) => ({ name: k.name, type: k.type, namespace: 'KEY' as const })),
    ...aggregates.map((a) => ({ name: a.name, type: a.type, namespace: 'VALUE' as const })),
  ]
  const known = new Set(columns.map((c) => c.name))
  if (query.window !== undefined) for (const n of ['WINDOWSTART', 'WINDOWEND']) known.add(n)
  const stray = (e: Expr): string[] => {
    const out: string[] = []
    walkExpr(e, (x) => {
      if (x.kind === 'ColumnRef' && !known.has(x.name)) out.push(x.name)
    })
    return out
  }
  // ksqlDB names the select expressions (as written) that read columns outside the GROUP BY.
  const bad = [
    ...new Set(
      items.flatMap((it, i) => {
        const r = rewritten[i]
        return r !== undefined && stray(r).length > 0 ? [formatKsqlExpression(it.expr)] : []
      }),
    ),
  ]
  if (bad.length > 0) {
    throw new SqlPlanError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${bad.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`,
      query.span,
    )
  }
  checkIntermediateTypes(aggregates, source, functions, selectScope)
  const window = windowSpec(query)
  if (window !== undefined) {
    if (source.kind === 'TABLE')
      throw new SqlPlanError('Windowed aggregation is only supported on streams.', query.span)
    columns.push(
      { name: 'WINDOWSTART', type: T.BIGINT, namespace: 'PSEUDO' },
      { name: 'WINDOWEND', type: T.BIGINT, namespace: 'PSEUDO' },
    )
  }
  let plan: LogicalPlan = {
    kind: 'Aggregate',
    input,
    groupBy: keys,
    aggregates,
    ...(window !== undefined ? { window } : {}),
    columns,
  }
  if (having !== undefined && query.having !== undefined) {
    const badHaving = stray(having)
    if (badHaving.length > 0) {
      throw new SqlPlanError(
        `Non-aggregate HAVING expression not part of GROUP BY: ${badHaving.join(', ')}`,
        query.having.span,
      )
    }
    const t = typeWithPrefix(
      having,
      { scope: columnScope(columns, 'HAVING'), functions },
      'Error in HAVING expression: ',
    )
    if (t !== null && t.kind !== 'BOOLEAN') {
      throw new SqlPlanError(
        `Type error in HAVING expression: Should evaluate to boolean but is ${formatKsqlExpression(query.having)} (${typeToString(t)}) instead.`,
        query.having.span,
      )
    }
    plan = { kind: 'Filter', input: plan, predicate: having, columns }
  }
  return { plan, rewritten }
}

/** ksqlDB's default GRACE PERIOD when a window does not name one. */
const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000

/** The query's WINDOW clause in milliseconds, if any. */
function windowSpec(query: Query): WindowSpec | undefined {
  const w = query.window
  if (w === undefined) return undefined
  const emitFinal = query.emit === 'FINAL'
  // EMIT FINAL closes a window at its end when no GRACE PERIOD is given.
  const graceMs = w.grace !== undefined ? durationMs(w.grace) : emitFinal ? 0 : DEFAULT_GRACE_MS
  const retention = w.retention === undefined ? {} : { retentionMs: durationMs(w.retention) }
  switch (w.kind) {
    case 'TumblingWindow': {
      const size = durationMs(w.size)
      return { type: 'TUMBLING', sizeMs: size, advanceMs: size, graceMs, emitFinal, ...retention }
    }
    case 'HoppingWindow': {
      const size = durationMs(w.size)
      const advance = durationMs(w.advance)
      return { type: 'HOPPING', sizeMs: size, advanceMs: advance, graceMs, emitFinal, ...retention }
    }
    case 'SessionWindow':
      return { type: 'SESSION', gapMs: durationMs(w.gap), graceMs, emitFinal, ...retention }
  }
}

/** The window of a query's result: its aggregation's, or the source's when no aggregation re-keys it. */
export function resultWindow(plan: LogicalPlan, source: SourceDef): WindowInfo | undefined {
  let p: LogicalPlan | undefined = plan
  while (p !== undefined) {
    if (p.kind === 'Aggregate') {
      const w = p.window
      if (w === undefined) return undefined
      return w.type === 'SESSION' ? { type: 'SESSION' } : { type: w.type, sizeMs: w.sizeMs ?? 0 }
    }
    p = p.kind === 'Scan' || p.kind === 'Join' ? undefined : p.input
  }
  return source.window
}

/**
 * ksqlDB's error for a persistent query with aggregate calls but no GROUP BY; it names the
 * aggregate calls (COUNT(*) as ksqlDB rewrites it, COUNT(ROWTIME)).
 */
export function noGroupByError(
  query: Query,
  functions: FunctionRegistry,
  statementType = 'CREATE TABLE AS SELECT',
): SqlPlanError {
  const calls: string[] = []
  const visit = (e: Expr): void => {
    walkExpr(e, (x) => {
      if (x.kind !== 'FunctionCall' || !functions.isAggregate(x.name)) return
      const call: Expr =
        x.star || x.args.length === 0
          ? { ...x, star: false, args: [{ kind: 'ColumnRef', name: 'ROWTIME', span: x.span }] }
          : x
      const text = formatKsqlExpression(call)
      if (!calls.includes(text)) calls.push(text)
    })
  }
  for (const item of query.select) if (item.kind === 'SingleColumn') visit(item.expr)
  if (query.having !== undefined) visit(query.having)
  return new SqlPlanError(
    `${statementType} statement does not support aggregate function [${calls.join(', ')}] without a GROUP BY clause.`,
    query.span,
  )
}

/**
 * ksqlDB's LogicalSchema check on a persistent query's projection: two key or two value columns
 * with one name, or a value column named as a key column (ksqlDB copies the key columns into
 * the value while building the schema), fail with `Duplicate value columns found in schema: ...`.
 */
export function checkDuplicateColumns(items: readonly ProjectItem[], query: Query): void {
  const keys = new Set<string>()
  const values = new Set<string>()
  for (const p of items) {
    if (p.namespace !== 'KEY') continue
    if (keys.has(p.name)) {
      throw new SqlPlanError(
        `Duplicate key columns found in schema: \`${p.name}\` ${typeToString(p.type)} KEY`,
        query.span,
      )
    }
    keys.add(p.name)
  }
  for (const p of items) {
    if (p.namespace === 'KEY') continue
    if (keys.has(p.name) || values.has(p.name)) {
      throw new SqlPlanError(
        `Duplicate value columns found in schema: \`${p.name}\` ${typeToString(p.type)}`,
        query.span,
      )
    }
    values.add(p.name)
  }
}

/**
 * ksqlDB keeps aggregation state in the source's value format (AggregateBuilder builds its serde
 * from the aggregation schema): DELIMITED cannot hold the STRUCT / ARRAY / MAP states of AVG,
 * STDDEV_SAMP, CORRELATION, COLLECT_LIST, TOPK, ...
 */
function checkIntermediateTypes(
  aggregates: readonly { call: Expr }[],
  source: SourceDef,
  functions: FunctionRegistry,
  scope: Parameters<typeof typeOf>[1],
): void {
  if (source.valueFormat.format !== 'DELIMITED') return
  for (const a of aggregates) {
    const call = a.call
    if (call.kind !== 'FunctionCall') continue
    const resolved = functions.aggregate(call.name)?.resolve(
      call.args.map((x) => typeOf(x, scope)),
      call.args,
    )
    const state = resolved?.aggregateType ?? resolved?.returnType
    if (state !== undefined && (state.kind === 'ARRAY' || state.kind === 'MAP' || state.kind === 'STRUCT')) {
      throw new SqlPlanError(
        'One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.\nConsider up-voting https://github.com/confluentinc/ksql/issues/3950, which will resolve this limitation',
      )
    }
  }
}
