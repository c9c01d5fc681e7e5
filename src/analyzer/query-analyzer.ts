import type { ColumnRef, Expr } from '../ast/expressions.js'
import { mapExpr, someExpr } from '../ast/expr-tree.js'
import { formatExpression } from '../ast/format.js'
import type { Query, SelectItem } from '../ast/statements.js'
import type { Catalog } from '../catalog/catalog.js'
import type { SourceDef, SourceKind } from '../catalog/source.js'
import { SqlPlanError } from '../errors.js'
import { typeOf } from '../expr/typer.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { LogicalPlan, PlanColumn, ProjectItem } from '../plan/logical/logical-plan.js'
import { PSEUDO_COLUMNS, WINDOW_BOUND_COLUMNS } from '../types/schema.js'
import { type Type, typeToString } from '../types/type.js'
import { columnScope } from './column-scope.js'
import { formatKsqlExpression } from '../expr/format.js'

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
}

/** A query checked against the catalog, as a logical plan without its sink. */
export interface AnalyzedQuery {
  readonly source: SourceDef
  readonly plan: LogicalPlan
  /** What the query produces: a STREAM or a TABLE. */
  readonly resultKind: SourceKind
  readonly limit?: number
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
    for (const [name, type] of Object.entries(WINDOW_BOUND_COLUMNS)) cols.push({ name, type, namespace: 'PSEUDO' })
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
  if (query.from.kind === 'Join') {
    throw new SqlPlanError('JOIN is not supported yet.', query.from.span)
  }
  if (query.window !== undefined) throw new SqlPlanError('WINDOW is not supported yet.', query.window.span)
  if (query.groupBy !== undefined) throw new SqlPlanError('GROUP BY is not supported yet.', query.span)
  if (query.having !== undefined) {
    throw new SqlPlanError('HAVING requires a GROUP BY clause.', query.having.span)
  }
  const rel = query.from
  const source = catalog.source(rel.name)
  if (source === undefined) throw new SqlPlanError(`${rel.name} does not exist.`, rel.span)
  const alias = rel.alias ?? rel.name
  const qualifiers = new Set([alias, ...(rel.alias === undefined ? [] : [])])

  const unqualify = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef' || x.source === undefined) return undefined
      if (!qualifiers.has(x.source)) {
        throw new SqlPlanError(`'${x.source}' is not a valid stream/table name or alias.`, x.span)
      }
      const { source: _drop, ...rest } = x
      return rest satisfies ColumnRef
    })

  const scanColumns = sourceColumns(source)
  let plan: LogicalPlan = { kind: 'Scan', source, columns: scanColumns }
  const ctx = (clause: string) => ({ scope: columnScope(scanColumns, clause), functions })

  if (query.where !== undefined) {
    const predicate = unqualify(query.where)
    const t = typeWithPrefix(predicate, ctx('WHERE'), 'Error in WHERE expression: ')
    if (t !== null && t.kind !== 'BOOLEAN') {
      throw new SqlPlanError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${formatKsqlExpression(query.where)} (${typeToString(t)}) instead.`,
        query.where.span,
      )
    }
    plan = { kind: 'Filter', input: plan, predicate, columns: scanColumns }
  }

  // Expand the projection.
  const items: { name: string; expr: Expr; original: Expr; aliased: boolean }[] = []
  const used = new Set<string>()
  for (const item of query.select) expandItem(item, source, alias, unqualify, items, used, persistent)
  let synthetic = 0
  const nextSynthetic = (): string => {
    for (;;) {
      const n = `KSQL_COL_${synthetic++}`
      if (!used.has(n)) return n
    }
  }
  for (const it of items) if (it.name === '') it.name = nextSynthetic()

  // Table functions become a FlatMap below the projection.
  const flat: { name: string; expr: Expr; type: Type }[] = []
  const withTf = items.map((it) => {
    if (!someExpr(it.expr, (x) => x.kind === 'FunctionCall' && functions.isTable(x.name))) return it
    if (source.kind === 'TABLE') throw new SqlPlanError('Table source is not supported with table functions', it.original.span)
    const expr = mapExpr(it.expr, (x) => {
      if (x.kind !== 'FunctionCall' || !functions.isTable(x.name)) return undefined
      const name = `KSQL_SYNTH_${flat.length}`
      const t = typeOf(x, ctx('SELECT'))
      if (t === null) throw new SqlPlanError(`Cannot resolve the type of ${formatExpression(x)}`, x.span)
      flat.push({ name, expr: x, type: t })
      return { kind: 'ColumnRef', name, span: x.span } satisfies ColumnRef
    })
    return { ...it, expr }
  })
  let projectInput = scanColumns
  if (flat.length > 0) {
    projectInput = [...scanColumns, ...flat.map((f) => ({ name: f.name, type: f.type, namespace: 'VALUE' as const }))]
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

  // Key columns of the result.
  const keyIdx = new Set<number>()
  let resultKind: SourceKind = source.kind
  if (query.partitionBy !== undefined) {
    if (source.kind === 'TABLE') {
      throw new SqlPlanError('Unsupported PARTITION BY on a TABLE. PARTITION BY is only supported on STREAMS.', query.span)
    }
    const parts = query.partitionBy
    const isNull = parts.length === 1 && parts[0]?.kind === 'NullLiteral'
    if (!isNull) {
      const missing: Expr[] = []
      for (const p of parts) {
        const up = unqualify(p)
        typeWithPrefix(up, ctx('PARTITION BY'), '')
        const key = canonical(up)
        const found = typed.findIndex((it, i) => !keyIdx.has(i) && canonical(it.expr) === key)
        if (found < 0) missing.push(p)
        else keyIdx.add(found)
      }
      if (persistent && missing.length > 0) {
        const list = joinAnd(missing.map((m) => formatExpression(m)))
        throw new SqlPlanError(
          `The query used to build \`${sinkName}\` must include the partitioning expression${missing.length > 1 ? 's' : ''} ${list} in its projection (eg, SELECT ${missing.map((m) => formatExpression(m)).join(', ')}...).`,
          query.span,
        )
      }
    }
  } else {
    const keyNames = source.schema.key.map((c) => c.name)
    const seen = new Map<string, string[]>()
    typed.forEach((it, i) => {
      if (it.expr.kind === 'ColumnRef' && keyNames.includes(it.expr.name)) {
        const prev = seen.get(it.expr.name)
        if (prev === undefined) {
          seen.set(it.expr.name, [it.name])
          keyIdx.add(i)
        } else prev.push(it.name)
      }
    })
    for (const [k, names] of seen) {
      if (persistent && names.length > 1) {
        throw new SqlPlanError(
          `The projection contains a key column (\`${k}\`) more than once, aliased as: ${joinAnd(names)}.`,
          query.span,
        )
      }
    }
    const missing = keyNames.filter((k) => !seen.has(k))
    if (persistent && missing.length > 0 && source.schema.key.length > 0) {
      throw new SqlPlanError(
        `The query used to build \`${sinkName}\` must include the key column${missing.length > 1 ? 's' : ''} ${joinAnd(missing)} in its projection (eg, SELECT ${missing.join(', ')}...).`,
        query.span,
      )
    }
  }
  const projectItems: ProjectItem[] = []
  typed.forEach((it, i) => {
    if (keyIdx.has(i)) projectItems.push({ name: it.name, expr: it.expr, type: it.type, namespace: 'KEY' })
  })
  typed.forEach((it, i) => {
    if (!keyIdx.has(i)) {
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
  if (source.kind === 'TABLE') resultKind = 'TABLE'
  return { source, plan, resultKind, ...(query.limit !== undefined ? { limit: query.limit } : {}) }
}

function expandItem(
  item: SelectItem,
  source: SourceDef,
  alias: string,
  unqualify: (e: Expr) => Expr,
  out: { name: string; expr: Expr; original: Expr; aliased: boolean }[],
  used: Set<string>,
  persistent: boolean,
): void {
  switch (item.kind) {
    case 'AllColumns': {
      if (item.source !== undefined && item.source !== alias) {
        throw new SqlPlanError(`'${item.source}' is not a valid stream/table name or alias.`, item.span)
      }
      for (const c of [...source.schema.key, ...source.schema.value]) {
        const expr: ColumnRef = { kind: 'ColumnRef', name: c.name, span: item.span }
        out.push({ name: c.name, expr, original: expr, aliased: false })
        used.add(c.name)
      }
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
      } else if (expr.kind === 'Dereference') {
        name = expr.field
      }
      if (name !== '') used.add(name)
      out.push({ name, expr, original: item.expr, aliased: item.alias !== undefined })
      return
    }
  }
}

function typeWithPrefix(e: Expr, ctx: Parameters<typeof typeOf>[1], prefix: string): Type | null {
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
