import type { ColumnRef, Expr, LongLiteral } from '../ast/expressions.js'
import { mapExpr, someExpr, walkExpr } from '../ast/expr-tree.js'
import type { Query, SelectItem } from '../ast/statements.js'
import type { Catalog } from '../catalog/catalog.js'
import type { SourceDef } from '../catalog/source.js'
import { preparing, SqlPlanError } from '../errors.js'
import { castValue, compareValues, compileExpr } from '../expr/compile.js'
import { formatKsqlExpression } from '../expr/format.js'
import type { ExprContext } from '../expr/scope.js'
import { parseTimestamp } from '../expr/time.js'
import { typeOf } from '../expr/typer.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { PlanColumn } from '../plan/logical/logical-plan.js'
import type { Column } from '../types/schema.js'
import { type Type, typeToString } from '../types/type.js'
import type { Value } from '../types/values.js'
import { columnScope } from './column-scope.js'
import { nameStructFields, syntheticNames } from './column-names.js'
import { RESERVED_COLUMN_NAMES, sourceColumns } from './query-analyzer.js'

/**
 * Pull queries (`SELECT` without `EMIT`): ksqlDB's PullQueryValidator checks and the plan of a
 * one-shot read of a table's materialized state (or a scan of a stream's topic).
 *
 * - Tables: CTAS sinks and CREATE SOURCE TABLE tables (a plain CREATE TABLE is not queryable, as
 *   in ksqlDB). WHERE may use any columns (table scans are on by default,
 *   `ksql.query.pull.table.scan.enabled`); conditions on the key columns (`k = x`, `k IN (...)`,
 *   `k > a AND k <= b`, `k BETWEEN a AND b`, ORs of equalities) narrow the read to key lookups or a
 *   key range. With table scans off, ksqlDB's key-lookup rules and messages apply.
 * - Streams: a scan of the topic from the start to its current end (ksqlDB 0.23+).
 * - Beyond ksqlDB: ORDER BY (any expressions over the source or the output columns, ASC/DESC,
 *   NULLs first ascending) and LIMIT. ORDER BY on a prefix of the key columns (then WINDOWSTART)
 *   in one direction is served from the key order without sorting.
 */

/** ksqlDB's PULL_QUERY_SYNTAX_HELP. */
const HELP =
  ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.'

/** Pseudo columns pull queries reject (ksqlDB: ROWPARTITION and ROWOFFSET). */
const DISALLOWED_PSEUDO = ['ROWPARTITION', 'ROWOFFSET']

export interface PullQueryOptions {
  readonly catalog: Catalog
  readonly functions: FunctionRegistry
  /** Engine properties (ksql.query.pull.*). */
  readonly property?: (name: string) => string | undefined
}

/** An output column: the header of the result, in row order. */
export interface PullColumn {
  readonly name: string
  readonly type: Type
  /** KEY: a table's key column (or window bound of a windowed table) selected as it is. */
  readonly namespace: 'KEY' | 'VALUE'
  readonly headerKey?: string | null
}

/** How the executor reads a table: key lookups, a range of encoded keys, or a full scan. */
export type KeyAccess =
  | { readonly kind: 'scan' }
  /** Every key column given: one `get` per key (sorted, duplicates removed). */
  | { readonly kind: 'lookup'; readonly keys: readonly (readonly Value[])[] }
  /**
   * Equality on the first key columns (`prefix`, possibly empty), then optional bounds on the next
   * key column.
   */
  | {
      readonly kind: 'range'
      readonly prefix: readonly Value[]
      readonly lower?: { readonly value: Value; readonly inclusive: boolean }
      readonly upper?: { readonly value: Value; readonly inclusive: boolean }
    }

export interface PullOrderItem {
  /** Over the sort layout: the output row followed by the input row (see `sortColumns`). */
  readonly expr: Expr
  readonly descending: boolean
}

export interface PullQueryPlan {
  readonly source: SourceDef
  readonly sourceKind: 'STREAM' | 'TABLE'
  /** The row layout the scan produces: key, value, ROWTIME, ROWPARTITION, ROWOFFSET[, WINDOWSTART, WINDOWEND]. */
  readonly inputColumns: readonly PlanColumn[]
  /** Over `inputColumns`. */
  readonly where?: Expr
  readonly items: readonly { readonly name: string; readonly expr: Expr; readonly type: Type }[]
  readonly columns: readonly PullColumn[]
  readonly access: KeyAccess
  /** Output columns then input columns: what ORDER BY expressions read (an output alias first). */
  readonly sortColumns: readonly PlanColumn[]
  readonly orderBy?: readonly PullOrderItem[]
  /** ORDER BY follows the key order: read the table forwards (false) or backwards (true) and skip the sort. */
  readonly keyOrdered?: { readonly reverse: boolean }
  readonly limit?: number
}

function pullError(message: string, span?: Expr['span']): SqlPlanError {
  return new SqlPlanError(message, span)
}

function flag(options: PullQueryOptions, name: string, dflt: boolean): boolean {
  const v = options.property?.(name)
  if (v === undefined) return dflt
  return v.trim().toLowerCase() === 'true'
}

export function analyzePullQuery(query: Query, options: PullQueryOptions): PullQueryPlan {
  const { catalog, functions } = options
  if (query.from.kind === 'Join')
    throw pullError(`Pull queries don't support JOIN clauses.${HELP}`, query.from.span)
  if (query.window !== undefined) {
    throw pullError(`Pull queries don't support WINDOW clauses.${HELP}`, query.window.span)
  }
  if (query.groupBy !== undefined)
    throw pullError(`Pull queries don't support GROUP BY clauses.${HELP}`, query.span)
  if (query.partitionBy !== undefined) {
    throw pullError(`Pull queries don't support PARTITION BY clauses.${HELP}`, query.span)
  }
  if (query.having !== undefined)
    throw pullError(`Pull queries don't support HAVING clauses.${HELP}`, query.having.span)
  if (query.limit !== undefined) {
    if (query.limit < 0) {
      throw pullError(`Pull queries don't support negative integers in the LIMIT clause.${HELP}`, query.span)
    }
    if (!flag(options, 'ksql.query.pull.limit.clause.enabled', true)) {
      throw pullError(
        `LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true.${HELP}`,
        query.span,
      )
    }
  }
  const rel = query.from
  const source = catalog.source(rel.name)
  if (source === undefined) {
    // ksqlDB's DataSourceExtractor, while the statement is prepared.
    throw preparing(new SqlPlanError(`${rel.name} does not exist.`, rel.span))
  }
  if (source.kind === 'STREAM' && !flag(options, 'ksql.query.pull.stream.enabled', true)) {
    throw pullError(
      `Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'.`,
      rel.span,
    )
  }
  const alias = rel.alias ?? rel.name
  const unqualify = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef' || x.source === undefined) return undefined
      if (x.source !== alias) {
        throw preparing(new SqlPlanError(`'${x.source}' is not a valid stream/table name or alias.`, x.span))
      }
      const { source: _drop, ...rest } = x
      return rest satisfies ColumnRef
    })

  checkPseudoColumns(query)

  const inputColumns = sourceColumns(source)
  const ctx = (clause: string, cols: readonly PlanColumn[] = inputColumns): ExprContext => ({
    scope: columnScope(cols, clause),
    functions,
  })

  // WHERE
  let where: Expr | undefined
  if (query.where !== undefined) {
    where = windowBoundLiterals(unqualify(query.where), source)
    const t = typeWhere(where, ctx('WHERE'))
    if (t !== null && t.kind !== 'BOOLEAN') {
      throw new SqlPlanError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${formatKsqlExpression(query.where)} (${typeToString(t)}) instead.`,
        query.where.span,
      )
    }
  }

  // SELECT
  const items = expandProjection(query.select, source, alias, unqualify, ctx('SELECT'))
  const keyNames = new Set(source.schema.key.map((c) => c.name))
  if (source.window !== undefined) {
    keyNames.add('WINDOWSTART')
    keyNames.add('WINDOWEND')
  }
  const headerOf = new Map(
    inputColumns.filter((c) => c.headerKey !== undefined).map((c) => [c.name, c.headerKey] as const),
  )
  const columns: PullColumn[] = items.map((it) => {
    const ref = it.expr.kind === 'ColumnRef' ? it.expr.name : undefined
    const isKey = ref !== undefined && keyNames.has(ref)
    const header = ref === undefined ? undefined : headerOf.get(ref)
    return {
      name: it.name,
      type: it.type,
      namespace: isKey ? 'KEY' : 'VALUE',
      ...(header !== undefined ? { headerKey: header } : {}),
    }
  })
  checkDuplicates(columns, query)
  if (source.kind === 'TABLE' && !source.isSource && source.writtenBy === undefined) {
    throw pullError(
      `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'. See https://cnfl.io/queries for more info.`,
      rel.span,
    )
  }

  // Key access (tables)
  const scanEnabled = flag(options, 'ksql.query.pull.table.scan.enabled', true)
  let access: KeyAccess = { kind: 'scan' }
  if (source.kind === 'TABLE') {
    if (!scanEnabled) checkKeyLookupOnly(where, source, query, functions, inputColumns)
    access = where === undefined ? access : keyAccess(where, source, functions, inputColumns)
  }

  // ORDER BY
  const sortColumns: PlanColumn[] = [
    ...columns.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
    ...inputColumns,
  ]
  let orderBy: PullOrderItem[] | undefined
  let keyOrdered: { reverse: boolean } | undefined
  if (query.orderBy !== undefined) {
    const sortCtx = ctx('ORDER BY', sortColumns)
    orderBy = query.orderBy.map((o) => {
      const expr = unqualify(o.expr)
      const t = typeOf(expr, sortCtx)
      if (t !== null && (t.kind === 'MAP' || t.kind === 'STRUCT')) {
        throw new SqlPlanError(
          `ORDER BY cannot sort by ${formatKsqlExpression(o.expr)}: ${typeToString(t)} values have no order.`,
          o.span,
        )
      }
      return { expr, descending: o.descending }
    })
    if (source.kind === 'TABLE') keyOrdered = followsKeyOrder(orderBy, items, source)
  } else if (source.kind === 'TABLE') {
    keyOrdered = { reverse: false }
  }

  return {
    source,
    sourceKind: source.kind,
    inputColumns,
    ...(where !== undefined ? { where } : {}),
    items,
    columns,
    access,
    sortColumns,
    ...(orderBy !== undefined ? { orderBy } : {}),
    ...(keyOrdered !== undefined ? { keyOrdered } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
  }
}

/**
 * Types the WHERE clause with ksqlDB's pull-query wording: LIKE on a non-string column, BETWEEN
 * bounds of another type ("Invalid expression: ..."), and other type errors followed by the
 * failing comparison (`Statement: (ID = '10')`).
 */
function typeWhere(where: Expr, ctx: ExprContext): Type | null {
  walkExpr(where, (x) => {
    if (x.kind !== 'Like') return
    const t = typeOf(x.value, ctx)
    if (t !== null && t.kind !== 'STRING') {
      throw new SqlPlanError(
        `The column type for Like condition must be VARCHAR. The column type is ${typeToString(t)}`,
        x.span,
      )
    }
  })
  try {
    return typeOf(where, ctx)
  } catch (err) {
    if (!(err instanceof SqlPlanError) || err.message.includes('cannot be resolved')) throw err
    const at = err.span
    let node: Expr | undefined
    if (at !== undefined) {
      walkExpr(where, (x) => {
        const within = x.span.start.offset <= at.start.offset && at.end.offset <= x.span.end.offset
        if (within && (x.kind === 'Comparison' || x.kind === 'Between')) node = x
      })
    }
    const found = node as Expr | undefined
    if (found?.kind === 'Between')
      throw new SqlPlanError(`Invalid expression: ${err.message}`, err.span, err.hints)
    const suffix = found === undefined ? '' : `\nStatement: ${formatKsqlExpression(found)}`
    throw new SqlPlanError(`Error in WHERE expression: ${err.message}${suffix}`, err.span, err.hints)
  }
}

function checkPseudoColumns(query: Query): void {
  const used = (exprs: readonly Expr[]): string[] => {
    const found = new Set<string>()
    for (const e of exprs) {
      walkExpr(e, (x) => {
        if (x.kind === 'ColumnRef' && DISALLOWED_PSEUDO.includes(x.name)) found.add(x.name)
      })
    }
    return [...found]
  }
  const selectExprs = query.select.flatMap((s) =>
    s.kind === 'SingleColumn' ? [s.expr] : s.kind === 'StructAll' ? [s.base] : [],
  )
  const inSelect = used(selectExprs)
  if (inSelect.length > 0) {
    throw pullError(
      `Pull queries don't support the following columns in SELECT clauses: ${inSelect.map((n) => `\`${n}\``).join(', ')}`,
      query.span,
    )
  }
  const inWhere = query.where === undefined ? [] : used([query.where])
  if (inWhere.length > 0) {
    throw pullError(
      `Pull queries don't support the following columns in WHERE clauses: ${inWhere.map((n) => `\`${n}\``).join(', ')}`,
      query.where?.span,
    )
  }
}

/**
 * ksqlDB accepts window bounds written as timestamps text (`WINDOWSTART >= '2020-02-23T23:45:12'`):
 * such string literals compared with WINDOWSTART / WINDOWEND become epoch-ms BIGINT literals.
 */
function windowBoundLiterals(where: Expr, source: SourceDef): Expr {
  if (source.window === undefined) return where
  const isBound = (e: Expr): boolean =>
    e.kind === 'ColumnRef' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND')
  const toMs = (e: Expr): Expr => {
    if (e.kind !== 'StringLiteral') return e
    let ms: number
    try {
      // java.time reads hour 24 (with nothing after it) as midnight of the next day.
      const endOfDay = /^(\d{4}-\d{1,2}-\d{1,2})[T ]24(?::00(?::00(?:\.0+)?)?)?$/.exec(e.value.trim())
      ms = endOfDay === null ? parseTimestamp(e.value) : parseTimestamp(endOfDay[1] as string) + 86_400_000
    } catch (err) {
      throw new SqlPlanError((err as Error).message, e.span)
    }
    return { kind: 'LongLiteral', value: String(ms), span: e.span } satisfies LongLiteral
  }
  return mapExpr(where, (x) => {
    if (x.kind === 'Comparison' && (isBound(x.left) || isBound(x.right))) {
      return { ...x, left: toMs(x.left), right: toMs(x.right) }
    }
    if (x.kind === 'Between' && isBound(x.value)) {
      return { ...x, lower: toMs(x.lower), upper: toMs(x.upper) }
    }
    return undefined
  })
}

interface Item {
  name: string
  expr: Expr
  original: Expr
}

function expandProjection(
  select: readonly SelectItem[],
  source: SourceDef,
  alias: string,
  unqualify: (e: Expr) => Expr,
  ctx: ExprContext,
): { name: string; expr: Expr; type: Type }[] {
  const used = new Set<string>()
  for (const c of [...source.schema.key, ...source.schema.value]) used.add(c.name)
  const items: Item[] = []
  const ref = (name: string, span: Expr['span']): ColumnRef => ({ kind: 'ColumnRef', name, span })
  for (const s of select) {
    switch (s.kind) {
      case 'AllColumns': {
        if (s.source !== undefined && s.source !== alias) {
          throw preparing(
            new SqlPlanError(`'${s.source}' is not a valid stream/table name or alias.`, s.span),
          )
        }
        for (const c of source.schema.key)
          items.push({ name: c.name, expr: ref(c.name, s.span), original: ref(c.name, s.span) })
        if (source.window !== undefined && source.kind === 'TABLE') {
          for (const n of ['WINDOWSTART', 'WINDOWEND'])
            items.push({ name: n, expr: ref(n, s.span), original: ref(n, s.span) })
        }
        for (const c of source.schema.value)
          items.push({ name: c.name, expr: ref(c.name, s.span), original: ref(c.name, s.span) })
        break
      }
      case 'StructAll': {
        const base = unqualify(s.base)
        const t = typeOf(base, ctx)
        if (t === null || t.kind !== 'STRUCT') {
          throw new SqlPlanError(
            `Expected a STRUCT for ${formatKsqlExpression(s.base)}->* but got ${t === null ? 'NULL' : typeToString(t)}.`,
            s.span,
          )
        }
        for (const f of t.fields) {
          const expr: Expr = { kind: 'Dereference', base, field: f.name, span: s.span }
          items.push({ name: f.name, expr, original: expr })
          used.add(f.name)
        }
        break
      }
      case 'SingleColumn': {
        const expr = unqualify(s.expr)
        let name = s.alias ?? ''
        if (s.alias !== undefined && RESERVED_COLUMN_NAMES.has(s.alias)) {
          throw new SqlPlanError(
            `\`${s.alias}\` is a reserved column name. You cannot use it as an alias for a column.`,
            s.span,
          )
        }
        if (s.alias === undefined && expr.kind === 'ColumnRef') name = expr.name
        if (name !== '') used.add(name)
        items.push({ name, expr, original: s.expr })
        break
      }
    }
  }
  nameStructFields(items, used)
  const next = syntheticNames(used)
  for (const it of items) if (it.name === '') it.name = next()
  return items.map((it) => {
    const t = typeOf(it.expr, ctx)
    if (t === null) {
      throw new SqlPlanError(
        `Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).`,
        it.original.span,
      )
    }
    return { name: it.name, expr: it.expr, type: t }
  })
}

function checkDuplicates(columns: readonly PullColumn[], query: Query): void {
  const seen = new Set<string>()
  for (const c of columns) {
    if (seen.has(c.name)) {
      const which = c.namespace === 'KEY' ? 'key' : 'value'
      throw new SqlPlanError(
        `Duplicate ${which} columns found in schema: \`${c.name}\` ${typeToString(c.type)}`,
        query.span,
      )
    }
    seen.add(c.name)
  }
}

// ---- key conditions ----

/** Top-level AND conjuncts. */
function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'LogicalBinary' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)]
  return [e]
}

function disjuncts(e: Expr): Expr[] {
  if (e.kind === 'LogicalBinary' && e.op === 'OR') return [...disjuncts(e.left), ...disjuncts(e.right)]
  return [e]
}

const hasColumns = (e: Expr): boolean => someExpr(e, (x) => x.kind === 'ColumnRef')

const FLIP: Record<string, '=' | '<>' | '<' | '<=' | '>' | '>='> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
}

/** A comparison of a key column with a constant, normalised to `key op constant`. */
interface KeyComparison {
  readonly column: number
  readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='
  readonly value: Expr
}

function keyComparison(e: Expr, keyIndex: (name: string) => number): KeyComparison | undefined {
  if (e.kind !== 'Comparison') return undefined
  const li = e.left.kind === 'ColumnRef' ? keyIndex(e.left.name) : -1
  const ri = e.right.kind === 'ColumnRef' ? keyIndex(e.right.name) : -1
  if (li >= 0 && !hasColumns(e.right)) return { column: li, op: e.op, value: e.right }
  if (ri >= 0 && !hasColumns(e.left)) return { column: ri, op: FLIP[e.op] ?? e.op, value: e.left }
  return undefined
}

/** A constant expression's value cast to the key column type; undefined when the cast is not exact. */
function keyConstant(
  e: Expr,
  keyType: Type,
  keyName: string,
  functions: FunctionRegistry,
): Value | undefined {
  const ctx: ExprContext = {
    scope: {
      resolveColumn(r) {
        throw new SqlPlanError(`WHERE column '${r.name}' cannot be resolved.`, r.span)
      },
    },
    functions,
  }
  const from = typeOf(e, ctx)
  const v = compileExpr(e, ctx).evaluate([])
  if (v === null) return null
  let cast: Value
  try {
    cast = castValue(v, from, keyType)
  } catch {
    throw new SqlPlanError(
      `${formatKsqlExpression(e)} can not be converted to the type of the key column: ${keyName} ${typeToString(keyType)} KEY`,
      e.span,
    )
  }
  if (cast === null) return undefined
  const numeric = (t: Type | null) =>
    t !== null && (t.kind === 'INTEGER' || t.kind === 'BIGINT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL')
  if (numeric(from) && numeric(keyType) && compareValues(cast, v) !== 0) return undefined
  if (from !== null && from.kind !== keyType.kind && !(numeric(from) && numeric(keyType))) {
    if (from.kind === 'STRING' && keyType.kind !== 'STRING') {
      throw new SqlPlanError(
        `${formatKsqlExpression(e)} can not be converted to the type of the key column: ${keyName} ${typeToString(keyType)} KEY`,
        e.span,
      )
    }
    return undefined
  }
  return cast
}

/** The set of values a conjunct allows for one key column (`k = x`, `k IN (...)`, `k = x OR k = y`). */
function keySet(
  e: Expr,
  keyIndex: (name: string) => number,
  key: (i: number) => Column,
  functions: FunctionRegistry,
): { column: number; values: Value[] } | undefined {
  if (e.kind === 'InList' && !e.negated && e.value.kind === 'ColumnRef') {
    const i = keyIndex(e.value.name)
    if (i < 0 || e.list.some(hasColumns)) return undefined
    const col = key(i)
    const values: Value[] = []
    for (const x of e.list) {
      const v = keyConstant(x, col.type, col.name, functions)
      if (v === null) {
        throw new SqlPlanError(`Primary key columns can not be NULL: (${col.name} = null)`, x.span)
      }
      if (v !== undefined) values.push(v)
    }
    return { column: i, values }
  }
  const ds = disjuncts(e)
  let column = -1
  const values: Value[] = []
  for (const d of ds) {
    if (d.kind === 'InList') {
      const inner = keySet(d, keyIndex, key, functions)
      if (inner === undefined || (column >= 0 && inner.column !== column)) return undefined
      column = inner.column
      values.push(...inner.values)
      continue
    }
    const c = keyComparison(d, keyIndex)
    if (c === undefined || c.op !== '=' || (column >= 0 && c.column !== column)) return undefined
    column = c.column
    const col = key(c.column)
    const v = keyConstant(c.value, col.type, col.name, functions)
    if (v !== undefined && v !== null) values.push(v)
  }
  return column < 0 ? undefined : { column, values }
}

function dedupe(values: Value[]): Value[] {
  const sorted = [...values].sort(compareValues)
  return sorted.filter((v, i) => i === 0 || compareValues(v, sorted[i - 1] as Value) !== 0)
}

/** Narrows a table read with the WHERE clause's conditions on the key columns (the WHERE still filters every row). */
function keyAccess(
  where: Expr,
  source: SourceDef,
  functions: FunctionRegistry,
  _inputColumns: readonly PlanColumn[],
): KeyAccess {
  const keys = source.schema.key
  if (keys.length === 0) return { kind: 'scan' }
  const keyIndex = (name: string): number => keys.findIndex((c) => c.name === name)
  const key = (i: number): Column => keys[i] as Column
  const sets = new Map<number, Value[]>()
  const lowers = new Map<number, { value: Value; inclusive: boolean }>()
  const uppers = new Map<number, { value: Value; inclusive: boolean }>()
  const tighten = (
    m: Map<number, { value: Value; inclusive: boolean }>,
    i: number,
    b: { value: Value; inclusive: boolean },
    lower: boolean,
  ): void => {
    const prev = m.get(i)
    if (prev === undefined) {
      m.set(i, b)
      return
    }
    const c = compareValues(b.value, prev.value)
    const tighter = lower ? c > 0 : c < 0
    if (tighter || (c === 0 && !b.inclusive)) m.set(i, b)
  }
  for (const c of conjuncts(where)) {
    const set = keySet(c, keyIndex, key, functions)
    if (set !== undefined) {
      const prev = sets.get(set.column)
      const values = dedupe(set.values)
      sets.set(
        set.column,
        prev === undefined ? values : prev.filter((v) => values.some((w) => compareValues(v, w) === 0)),
      )
      continue
    }
    if (c.kind === 'Between' && !c.negated && c.value.kind === 'ColumnRef') {
      const i = keyIndex(c.value.name)
      if (i >= 0 && !hasColumns(c.lower) && !hasColumns(c.upper)) {
        const lo = keyConstant(c.lower, key(i).type, key(i).name, functions)
        const hi = keyConstant(c.upper, key(i).type, key(i).name, functions)
        if (lo !== undefined && lo !== null) tighten(lowers, i, { value: lo, inclusive: true }, true)
        if (hi !== undefined && hi !== null) tighten(uppers, i, { value: hi, inclusive: true }, false)
      }
      continue
    }
    const cmp = keyComparison(c, keyIndex)
    if (cmp === undefined || cmp.op === '=' || cmp.op === '<>') continue
    const v = keyConstant(cmp.value, key(cmp.column).type, key(cmp.column).name, functions)
    if (v === undefined || v === null) continue
    if (cmp.op === '>' || cmp.op === '>=')
      tighten(lowers, cmp.column, { value: v, inclusive: cmp.op === '>=' }, true)
    else tighten(uppers, cmp.column, { value: v, inclusive: cmp.op === '<=' }, false)
  }
  // Every key column has a set: lookups (the cartesian product).
  if (keys.every((_, i) => sets.has(i))) {
    let rows: Value[][] = [[]]
    for (let i = 0; i < keys.length; i++) {
      const values = sets.get(i) as Value[]
      rows = rows.flatMap((r) => values.map((v) => [...r, v]))
      if (rows.length > 10_000) return { kind: 'scan' }
    }
    return { kind: 'lookup', keys: rows }
  }
  // Equality on a prefix of the key columns, then a range on the next one.
  const prefix: Value[] = []
  let i = 0
  while (i < keys.length) {
    const set = sets.get(i)
    if (set === undefined || set.length !== 1) break
    prefix.push(set[0] as Value)
    i++
  }
  if (i < keys.length && sets.get(i)?.length === 0) return { kind: 'lookup', keys: [] }
  const lower = i < keys.length ? lowers.get(i) : undefined
  const upper = i < keys.length ? uppers.get(i) : undefined
  if (prefix.length === 0 && lower === undefined && upper === undefined) return { kind: 'scan' }
  return {
    kind: 'range',
    prefix,
    ...(lower !== undefined ? { lower } : {}),
    ...(upper !== undefined ? { upper } : {}),
  }
}

/**
 * ksqlDB's rules when table scans are off (`ksql.query.pull.table.scan.enabled=false`): every
 * disjunct of the WHERE clause must pin every key column with `=` or `IN` of constants.
 */
function checkKeyLookupOnly(
  where: Expr | undefined,
  source: SourceDef,
  query: Query,
  functions: FunctionRegistry,
  _inputColumns: readonly PlanColumn[],
): void {
  const keys = source.schema.key
  if (where === undefined) {
    throw new SqlPlanError(
      `Pull queries require a WHERE clause that filters on the key column${keys.length > 1 ? 's' : ''} when table scans are disabled (ksql.query.pull.table.scan.enabled=false).${HELP}`,
      query.span,
    )
  }
  const keyIndex = (name: string): number => keys.findIndex((c) => c.name === name)
  const keyText = (i: number): string => {
    const c = keys[i] as Column
    return `\`${c.name}\` ${typeToString(c.type)} KEY`
  }
  for (const d of disjuncts(where)) {
    const seen = new Map<number, string>()
    for (const c of conjuncts(d)) {
      walkExpr(c, (x) => {
        if (x.kind === 'Like' && x.value.kind !== 'ColumnRef') {
          throw new SqlPlanError('Like condition must be between strings', x.span)
        }
      })
      if (c.kind === 'InList' && c.value.kind === 'ColumnRef' && keyIndex(c.value.name) >= 0) {
        const i = keyIndex(c.value.name)
        if (c.list.some(hasColumns)) {
          throw new SqlPlanError(
            'A comparison must be between a key column and a resolvable expression.',
            c.span,
          )
        }
        if (seen.has(i)) {
          throw new SqlPlanError(
            'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
            c.span,
          )
        }
        seen.set(i, 'IN')
        continue
      }
      if (
        c.kind === 'Comparison' &&
        ((c.left.kind === 'ColumnRef' && keyIndex(c.left.name) >= 0 && hasColumns(c.right)) ||
          (c.right.kind === 'ColumnRef' && keyIndex(c.right.name) >= 0 && hasColumns(c.left)))
      ) {
        throw new SqlPlanError(
          'A comparison must be between a key column and a resolvable expression.',
          c.span,
        )
      }
      const cmp = keyComparison(c, keyIndex)
      if (cmp !== undefined) {
        if (cmp.op === '<>') {
          throw new SqlPlanError(
            `Bound on key columns '[${keyText(cmp.column)}]' must currently be '='. `,
            c.span,
          )
        }
        if (cmp.op !== '=' || seen.has(cmp.column)) {
          throw new SqlPlanError(
            'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
            c.span,
          )
        }
        seen.set(cmp.column, '=')
        keyConstant(cmp.value, keys[cmp.column]?.type as Type, keys[cmp.column]?.name ?? '', functions)
        continue
      }
      if (someExpr(c, (x) => x.kind === 'ColumnRef' && keyIndex(x.name) >= 0)) {
        throw new SqlPlanError('A comparison must directly reference a key column.', c.span)
      }
    }
    if (seen.size === 0) {
      throw new SqlPlanError(
        `WHERE clause missing key column for disjunct: ${formatKsqlExpression(d)}`,
        d.span,
      )
    }
    if (seen.size < keys.length) {
      throw new SqlPlanError('Multi-column sources must specify every key in the WHERE clause', d.span)
    }
  }
}

/**
 * ORDER BY that the key order already gives: the first n key columns (then, for a windowed table,
 * WINDOWSTART), each read as a plain column of the source or through an output column that is one,
 * all in one direction.
 */
function followsKeyOrder(
  orderBy: readonly PullOrderItem[],
  items: readonly { name: string; expr: Expr }[],
  source: SourceDef,
): { reverse: boolean } | undefined {
  const order = [
    ...source.schema.key.map((c) => c.name),
    ...(source.window !== undefined ? ['WINDOWSTART'] : []),
  ]
  if (orderBy.length === 0 || orderBy.length > order.length) return undefined
  const descending = orderBy[0]?.descending === true
  for (let i = 0; i < orderBy.length; i++) {
    const o = orderBy[i] as PullOrderItem
    if (o.descending !== descending || o.expr.kind !== 'ColumnRef') return undefined
    const name = o.expr.name
    // An output column of that name shadows the source column.
    const out = items.find((it) => it.name === name)
    const column = out === undefined ? name : out.expr.kind === 'ColumnRef' ? out.expr.name : undefined
    if (column !== order[i]) return undefined
  }
  return { reverse: descending }
}
