import type { ColumnRef, Expr } from '../ast/expressions.js'
import { mapExpr, someExpr, walkExpr } from '../ast/expr-tree.js'
import type { AliasedRelation, Join as JoinRelation, Query, Relation } from '../ast/statements.js'
import { durationMs } from '../ast/types.js'
import type { SourceDef, SourceKind } from '../catalog/source.js'
import { preparing, SqlPlanError } from '../errors.js'
import { formatKsqlExpression } from '../expr/format.js'
import { typeOf } from '../expr/typer.js'
import type { JoinKind, LogicalPlan, PlanColumn, ProjectItem } from '../plan/logical/logical-plan.js'
import { T, type Type, typeEquals, typeToString } from '../types/type.js'
import { columnScope } from './column-scope.js'
import { nameStructFields, syntheticNames } from './column-names.js'
import {
  type AnalyzeOptions,
  type AnalyzedQuery,
  buildAggregate,
  type JoinShape,
  canonical,
  checkDuplicateColumns,
  joinAnd,
  noGroupByError,
  RESERVED_COLUMN_NAMES,
  resultWindow,
  sourceColumns,
  typeWithPrefix,
} from './query-analyzer.js'

/** One source of a join, with the alias its columns are qualified by. */
interface Leaf {
  readonly alias: string
  readonly source: SourceDef
  readonly columns: readonly PlanColumn[]
  readonly rel: AliasedRelation
}

/** A built join (sub)tree: its plan, kind, viable key columns (joined names) and key name. */
interface Built {
  readonly plan: LogicalPlan
  readonly kind: SourceKind
  readonly leaves: readonly Leaf[]
  /** Join-equivalent expressions (canonical text of the joined-name form). */
  readonly equivalence: ReadonlySet<string>
  /** Viable key columns as qualified original refs (`L.A`), in ksqlDB's order. */
  readonly viable: readonly { alias: string; name: string }[]
  readonly synthetic: boolean
  readonly keyName: string
  /** Set for a join of two sources (no nested join on the left). */
  readonly shape?: JoinShape
}

/** The joined name of a source column: `ALIAS_NAME`. */
const joined = (alias: string, name: string): string => `${alias}_${name}`

function leavesOf(rel: Relation, out: AliasedRelation[]): void {
  if (rel.kind === 'Join') {
    leavesOf(rel.left, out)
    out.push(rel.right)
  } else out.push(rel)
}

function at(span: { start: { line: number; column: number } }): string {
  return `Line: ${span.start.line}, Col: ${span.start.column}: `
}

/**
 * What `*` (or `alias.*`) selects of a joined source: its key columns, its window bounds when it
 * is windowed (ksqlDB's join sides carry them as value columns), then its value columns.
 */
function starColumns(source: SourceDef): readonly { readonly name: string }[] {
  const bounds = source.window === undefined ? [] : [{ name: 'WINDOWSTART' }, { name: 'WINDOWEND' }]
  return [...source.schema.key, ...bounds, ...source.schema.value]
}

/**
 * Checks a query over a JOIN and builds its plan: per source a pre-join Project (join key, then
 * every source column renamed `ALIAS_COLUMN`), the Join nodes (n-way joins nest on the left),
 * then WHERE, GROUP BY and the projection, following ksqlDB's naming and key rules.
 */
export function analyzeJoinQuery(query: Query, from: JoinRelation, options: AnalyzeOptions): AnalyzedQuery {
  const { catalog, functions, sinkName } = options
  const persistent = sinkName !== undefined
  const rels: AliasedRelation[] = []
  leavesOf(from, rels)
  const leaves: Leaf[] = rels.map((rel) => {
    const source = catalog.source(rel.name)
    if (source === undefined) {
      // ksqlDB's DataSourceExtractor, while the statement is prepared.
      throw preparing(new SqlPlanError(`${rel.name} does not exist.`, rel.span))
    }
    return { alias: rel.alias ?? rel.name, source, columns: sourceColumns(source), rel }
  })
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i] as Leaf
      const b = leaves[j] as Leaf
      if (a.source.name === b.source.name) {
        throw new SqlPlanError(
          `Can not join '${a.source.name}' to '${b.source.name}': self joins are not yet supported.`,
          from.span,
        )
      }
    }
  }
  const kafka = leaves.filter((l) => l.source.valueFormat.format === 'KAFKA').map((l) => l.source.name)
  if (kafka.length > 0) {
    throw new SqlPlanError(
      `Source(s) ${kafka.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`,
      from.span,
    )
  }
  const byAlias = new Map(leaves.map((l) => [l.alias, l]))
  // Column names found in more than one source: selecting one unaliased names it `ALIAS_NAME`.
  const counts = new Map<string, number>()
  for (const l of leaves)
    for (const c of new Set(l.columns.map((x) => x.name))) counts.set(c, (counts.get(c) ?? 0) + 1)
  const common = (name: string): boolean => (counts.get(name) ?? 0) > 1

  /** Resolves a column reference to its leaf; messages as ksqlDB's. */
  const resolveLeaf = (ref: ColumnRef, clause: string, within?: readonly Leaf[]): Leaf | undefined => {
    const scope = within ?? leaves
    if (ref.source !== undefined) {
      const leaf = byAlias.get(ref.source)
      if (leaf === undefined) {
        throw preparing(
          new SqlPlanError(`'${ref.source}' is not a valid stream/table name or alias.`, ref.span),
        )
      }
      if (!leaf.columns.some((c) => c.name === ref.name)) {
        throw new SqlPlanError(
          `${at(ref.span)}${clause} column '${ref.source}.${ref.name}' cannot be resolved.`,
          ref.span,
        )
      }
      return leaf
    }
    const found = scope.filter((l) => l.columns.some((c) => c.name === ref.name))
    if (found.length > 1) {
      throw preparing(
        new SqlPlanError(
          `Exception while preparing statement: ${at(ref.span)}Column '${ref.name}' is ambiguous. Could be ${found.map((l) => `${l.alias}.${ref.name}`).join(' or ')}.`,
          ref.span,
        ),
      )
    }
    return found[0]
  }

  // The synthetic key's name: ROWKEY, or ROWKEY_n past every ROWKEY_n a source column uses.
  let maxRowkey = -1
  for (const l of leaves) {
    for (const c of [...l.source.schema.key, ...l.source.schema.value]) {
      const m = /^ROWKEY(?:_(\d+))?$/.exec(c.name)
      if (m !== null) maxRowkey = Math.max(maxRowkey, m[1] === undefined ? 0 : Number(m[1]))
    }
  }
  const syntheticName = maxRowkey < 0 ? 'ROWKEY' : `ROWKEY_${maxRowkey + 1}`

  // Qualified refs of the original projection: picks the key among the viable columns.
  const projected = new Set<string>()
  for (const item of query.select) {
    if (item.kind === 'AllColumns') {
      for (const l of leaves) {
        if (item.source !== undefined && item.source !== l.alias) continue
        for (const c of starColumns(l.source)) projected.add(`${l.alias}.${c.name}`)
      }
    } else if (item.kind === 'SingleColumn' && item.expr.kind === 'ColumnRef') {
      const ref = item.expr
      const leaf = ref.source !== undefined ? byAlias.get(ref.source) : undefined
      if (leaf !== undefined) projected.add(`${leaf.alias}.${ref.name}`)
      else if (ref.source === undefined) {
        const found = leaves.filter((l) => l.columns.some((c) => c.name === ref.name))
        if (found.length === 1 && found[0] !== undefined) projected.add(`${found[0].alias}.${ref.name}`)
      }
    }
  }

  const ctxFor = (cols: readonly PlanColumn[], clause: string) => ({
    scope: columnScope(cols, clause),
    functions,
  })

  /** Rewrites refs to a leaf's source columns (for its pre-join Project). */
  const toLeafExpr = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef') return undefined
      const { source: _s, ...rest } = x
      return rest satisfies ColumnRef
    })
  /** Rewrites refs to joined names (`ALIAS_NAME`). */
  const toJoined = (e: Expr, clause: string, within?: readonly Leaf[]): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef') return undefined
      const leaf = resolveLeaf(x, clause, within)
      if (leaf === undefined) return { kind: 'ColumnRef', name: x.name, span: x.span } satisfies ColumnRef
      return { kind: 'ColumnRef', name: joined(leaf.alias, x.name), span: x.span } satisfies ColumnRef
    })

  const leafProject = (leaf: Leaf, keyExpr: Expr, keyType: Type): LogicalPlan => {
    const scan: LogicalPlan = { kind: 'Scan', source: leaf.source, columns: leaf.columns }
    const items: ProjectItem[] = [{ name: 'KSQL_JOIN_KEY', expr: keyExpr, type: keyType, namespace: 'KEY' }]
    for (const c of leaf.columns) {
      items.push({
        name: joined(leaf.alias, c.name),
        expr: { kind: 'ColumnRef', name: c.name, span: leaf.rel.span },
        type: c.type,
        namespace: 'VALUE',
        ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
      })
    }
    return { kind: 'Project', input: scan, items, columns: items.map((i) => ({ ...i })) }
  }

  const build = (rel: JoinRelation, isFinal: boolean): Built => {
    const leftBuilt = rel.left.kind === 'Join' ? build(rel.left, false) : undefined
    const leftLeaves: readonly Leaf[] = leftBuilt?.leaves ?? leaves.filter((l) => l.rel === rel.left)
    const rightLeaf = leaves.find((l) => l.rel === rel.right) as Leaf
    const here = [...leftLeaves, rightLeaf]
    // ON: one equality, each side reading exactly one side of the join.
    const on = rel.on
    if (on.kind === 'LogicalBinary') {
      throw new SqlPlanError(
        `Invalid join condition: joins on multiple conditions are not yet supported. Got ${formatKsqlExpression(on)}.`,
        on.span,
      )
    }
    if (on.kind !== 'Comparison' || on.op !== '=') {
      throw new SqlPlanError(
        `Unsupported join expression: ${formatKsqlExpression(on)}. Only equality joins are supported.`,
        on.span,
      )
    }
    walkExpr(on, (x) => {
      if (x.kind === 'ColumnRef' && x.source !== undefined && !byAlias.has(x.source)) {
        throw preparing(new SqlPlanError(`'${x.source}' is not a valid stream/table name or alias.`, x.span))
      }
    })
    const sideOf = (e: Expr): 'L' | 'R' | undefined => {
      const sides = new Set<'L' | 'R'>()
      walkExpr(e, (x) => {
        if (x.kind !== 'ColumnRef') return
        const leaf = resolveLeaf(x, 'JOIN ON', here)
        if (leaf === undefined) {
          throw new SqlPlanError(`${at(x.span)}JOIN ON column '${x.name}' cannot be resolved.`, x.span)
        }
        sides.add(leaf === rightLeaf ? 'R' : 'L')
      })
      return sides.size === 1 ? [...sides][0] : undefined
    }
    for (const e of [on.left, on.right]) {
      if (sideOf(e) === undefined) {
        throw new SqlPlanError(
          `Invalid comparison expression '${formatKsqlExpression(e)}' in join '${formatKsqlExpression(on)}'. Each side of the join comparision must contain references from exactly one source.`,
          on.span,
        )
      }
    }
    const flipped = sideOf(on.left) === 'R'
    const leftExpr = flipped ? on.right : on.left
    const rightExpr = flipped ? on.left : on.right
    if (sideOf(leftExpr) === sideOf(rightExpr)) {
      throw new SqlPlanError(
        `Invalid comparison expression '${formatKsqlExpression(on.right)}' in join '${formatKsqlExpression(on)}'. Each side of the join comparision must contain references from exactly one source.`,
        on.span,
      )
    }
    const qualifyText = (e: Expr): string =>
      formatKsqlExpression(
        mapExpr(e, (x) => {
          if (x.kind !== 'ColumnRef' || x.source !== undefined) return undefined
          const leaf = resolveLeaf(x, 'JOIN ON', here)
          return leaf === undefined ? undefined : ({ ...x, source: leaf.alias } satisfies ColumnRef)
        }),
      )
    const leftKind: SourceKind = leftBuilt?.kind ?? (leftLeaves[0] as Leaf).source.kind
    const rightKind = rightLeaf.source.kind
    const leftName = (leftLeaves[0] as Leaf).alias
    const joinText = `${rel.joinType === 'INNER' ? '[INNER] JOIN' : rel.joinType === 'LEFT' ? 'LEFT [OUTER] JOIN' : rel.joinType === 'RIGHT' ? 'RIGHT [OUTER] JOIN' : '[FULL] OUTER JOIN'}`
    if (leftKind === 'TABLE' && rightKind === 'STREAM') {
      throw new SqlPlanError(
        `Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftName} ${joinText} ${rightLeaf.alias}.`,
        rel.span,
      )
    }
    const joinKind: JoinKind =
      leftKind === 'STREAM' && rightKind === 'STREAM'
        ? 'STREAM_STREAM'
        : leftKind === 'STREAM'
          ? 'STREAM_TABLE'
          : 'TABLE_TABLE'
    if (joinKind === 'STREAM_TABLE' && (rel.joinType === 'FULL' || rel.joinType === 'RIGHT')) {
      const what = rel.joinType === 'FULL' ? 'full-outer' : 'right-outer'
      throw new SqlPlanError(
        `Invalid join type: ${what} join not supported for stream-table join. Got ${leftName} ${joinText} ${rightLeaf.alias}.`,
        rel.span,
      )
    }
    // Windowed sources join only windowed sources of the same kind, on their keys.
    const lw = leftLeaves.find((l) => l.source.window !== undefined)?.source.window
    const rw = rightLeaf.source.window
    if ((lw === undefined) !== (rw === undefined)) {
      const w = (l: Leaf): string =>
        l.source.window === undefined ? 'is not windowed' : `is ${l.source.window.type} windowed`
      const a = leftLeaves[0] as Leaf
      throw new SqlPlanError(
        `Can not join windowed source to non-windowed source.\n\`${a.source.name}\` ${w(a)}\n\`${rightLeaf.source.name}\` ${w(rightLeaf)}`,
        rel.span,
      )
    }
    if (lw !== undefined && rw !== undefined && (lw.type === 'SESSION') !== (rw.type === 'SESSION')) {
      throw new SqlPlanError(
        `Incompatible windowed sources.\nLeft source: ${lw.type}\nRight source: ${rw.type}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
        rel.span,
      )
    }
    // Types of both sides.
    const leftCols = leftBuilt?.plan.columns ?? (leftLeaves[0] as Leaf).columns
    const leftTyped =
      leftBuilt === undefined ? toLeafExpr(leftExpr) : toJoined(leftExpr, 'JOIN ON', leftLeaves)
    const rightTyped = toLeafExpr(rightExpr)
    const lt = typeOf(leftTyped, ctxFor(leftCols, 'JOIN ON'))
    const rt = typeOf(rightTyped, ctxFor(rightLeaf.columns, 'JOIN ON'))
    if (lt === null || rt === null || !typeEquals(lt, rt)) {
      throw new SqlPlanError(
        `Invalid join condition: types don't match. Got ${qualifyText(leftExpr)}{${lt === null ? 'NULL' : typeToString(lt)}} = ${qualifyText(rightExpr)}{${rt === null ? 'NULL' : typeToString(rt)}}.`,
        on.span,
      )
    }
    const isKeyOf = (e: Expr, leaf: Leaf | undefined): boolean =>
      leaf !== undefined &&
      e.kind === 'ColumnRef' &&
      leaf.source.schema.key.length === 1 &&
      leaf.source.schema.key[0]?.name === e.name &&
      resolveLeaf(e, 'JOIN ON', here) === leaf
    const gotText = `${qualifyText(on.left)} = ${qualifyText(on.right)}`
    if (joinKind !== 'STREAM_STREAM' && !isKeyOf(rightExpr, rightLeaf)) {
      if (joinKind === 'STREAM_TABLE') {
        throw new SqlPlanError(
          `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${gotText}.`,
          on.span,
        )
      }
      throw new SqlPlanError(
        `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${gotText}.`,
        on.span,
      )
    }
    // A table-table join whose left expression is not the left key is a foreign-key join: each
    // left row joins the right row whose key its expression computes; the result keeps the left key.
    let foreignKey = false
    if (joinKind === 'TABLE_TABLE') {
      const leftIsKey =
        leftBuilt === undefined
          ? isKeyOf(leftExpr, leftLeaves[0])
          : leftExpr.kind === 'ColumnRef' &&
            leftBuilt.equivalence.has(canonical(toJoined(leftExpr, 'JOIN ON', leftLeaves)))
      if (!leftIsKey) {
        if (leftBuilt !== undefined) {
          throw new SqlPlanError(
            `Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${gotText}.`,
            on.span,
          )
        }
        if (rel.joinType === 'RIGHT' || rel.joinType === 'FULL') {
          const what = rel.joinType === 'FULL' ? 'full-outer' : 'right-outer'
          throw new SqlPlanError(
            `Invalid join type: ${what} join not supported for foreign-key table-table join. Got ${leftName} ${joinText} ${rightLeaf.alias}.`,
            rel.span,
          )
        }
        if ((leftLeaves[0] as Leaf).source.schema.key.length !== 1) {
          throw new SqlPlanError(
            `Foreign-key table-table joins need a left table with exactly one key column. Got ${gotText}.`,
            on.span,
          )
        }
        if (lw !== undefined || rw !== undefined) {
          throw new SqlPlanError(
            'Foreign-key table-table joins are not supported on windowed tables.',
            on.span,
          )
        }
        foreignKey = true
      }
    }
    const windowedRekey =
      lw !== undefined &&
      (foreignKey ||
        !(leftBuilt === undefined ? isKeyOf(leftExpr, leftLeaves[0]) : true) ||
        !isKeyOf(rightExpr, rightLeaf))
    // Windowed sides whose key formats differ (format or window) need a repartition too, unless
    // the join key format (the left's: neither side is re-keyed here) supports the schema
    // registry: then ksqlDB forces a repartition of both sides anyway (PreJoinRepartitionNode),
    // which a windowed stream may do when its key is unchanged, a windowed table never.
    const forcedRepartition =
      lw !== undefined &&
      leftBuilt === undefined &&
      supportsSchemaInference((leftLeaves[0] as Leaf).source.keyFormat.format)
    const windowedFormatChange =
      lw !== undefined &&
      rw !== undefined &&
      leftBuilt === undefined &&
      !forcedRepartition &&
      !sameKeyFormat((leftLeaves[0] as Leaf).source, rightLeaf.source)
    if (windowedRekey || windowedFormatChange) {
      throw new SqlPlanError(
        'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
        on.span,
      )
    }
    if (forcedRepartition && joinKind !== 'STREAM_STREAM') {
      throw new SqlPlanError(
        'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385. As a result, ksqlDB does not support joins on windowed sources with Schema-Registry-enabled key formats (AVRO, JSON_SR, PROTOBUF) at this time. Please repartition your sources to use a different key format before performing the join.',
        on.span,
      )
    }
    // WITHIN: required for stream-stream joins, refused otherwise.
    let within: { beforeMs: number; afterMs: number; graceMs?: number } | undefined
    if (joinKind === 'STREAM_STREAM') {
      if (rel.within === undefined) {
        throw new SqlPlanError(
          'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
          rel.span,
        )
      }
      const w = rel.within
      within = {
        beforeMs: durationMs(w.before),
        afterMs: durationMs(w.after),
        ...(w.grace !== undefined ? { graceMs: durationMs(w.grace) } : {}),
      }
    } else if (rel.within !== undefined) {
      throw new SqlPlanError(
        joinKind === 'STREAM_TABLE'
          ? 'A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.'
          : 'A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again.',
        rel.within.span,
      )
    }
    // Key: the first viable key column the projection selects; synthetic when none is viable.
    const leftJoinedText = canonical(toJoined(leftExpr, 'JOIN ON', here))
    const rightJoinedText = canonical(toJoined(rightExpr, 'JOIN ON', here))
    const keys = new Set([leftJoinedText, rightJoinedText])
    let equivalence: Set<string> = new Set()
    // Foreign-key join: the left table's key is the result's key (the joined columns are not).
    const leftKeyCol = foreignKey ? (leftLeaves[0] as Leaf).source.schema.key[0] : undefined
    const fkLeaf = leftLeaves[0] as Leaf
    if (leftKeyCol !== undefined) {
      equivalence = new Set([joined(fkLeaf.alias, leftKeyCol.name)])
    } else if (rel.joinType !== 'FULL') {
      equivalence = new Set(keys)
      const lefts = leftBuilt?.equivalence ?? new Set<string>()
      if ([...lefts].some((x) => keys.has(x))) for (const x of lefts) equivalence.add(x)
    }
    const viable: { alias: string; name: string }[] = []
    if (leftKeyCol !== undefined) viable.push({ alias: fkLeaf.alias, name: leftKeyCol.name })
    else if (rel.joinType !== 'FULL') {
      const candidates: Expr[] = [leftExpr, rightExpr]
      const pushRef = (alias: string, name: string): void => {
        if (!viable.some((v) => v.alias === alias && v.name === name)) viable.push({ alias, name })
      }
      for (const v of leftBuilt?.viable ?? []) {
        if (equivalence.has(joined(v.alias, v.name))) pushRef(v.alias, v.name)
      }
      for (const e of candidates) {
        if (e.kind !== 'ColumnRef') continue
        const leaf = resolveLeaf(e, 'JOIN ON', here)
        if (leaf !== undefined) pushRef(leaf.alias, e.name)
      }
    }
    const synthetic = viable.length === 0
    let keyName = syntheticName
    if (!synthetic) {
      const pick = viable.find((v) => projected.has(`${v.alias}.${v.name}`)) ?? viable[0]
      if (pick !== undefined) keyName = joined(pick.alias, pick.name)
    }
    if (!isFinal) keyName = `KSQL_JOIN_KEY_${rightLeaf.alias}`
    if (containsMap(lt) && !foreignKey) {
      throw new SqlPlanError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${keyName}\`. Column type: ${typeToString(lt)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
        on.span,
      )
    }
    // Inputs: each side's join key first, then its value columns.
    let leftPlan: LogicalPlan
    const resultKeyType = leftKeyCol?.type ?? lt
    if (leftKeyCol !== undefined) {
      const keyRef: ColumnRef = { kind: 'ColumnRef', name: leftKeyCol.name, span: on.span }
      leftPlan = leafProject(fkLeaf, keyRef, leftKeyCol.type)
    } else if (leftBuilt === undefined) leftPlan = leafProject(leftLeaves[0] as Leaf, leftTyped, lt)
    else {
      // Table-table: the left expression is equivalent to the built key; reading the key column
      // keeps it on deletes (whose value columns are null).
      const keyExpr: Expr =
        joinKind === 'TABLE_TABLE'
          ? ({ kind: 'ColumnRef', name: leftBuilt.keyName, span: on.span } satisfies ColumnRef)
          : leftTyped
      const items: ProjectItem[] = [{ name: 'KSQL_JOIN_KEY', expr: keyExpr, type: lt, namespace: 'KEY' }]
      for (const c of leftBuilt.plan.columns) {
        if (c.namespace !== 'VALUE') continue
        items.push({
          name: c.name,
          expr: { kind: 'ColumnRef', name: c.name, span: rel.span },
          type: c.type,
          namespace: 'VALUE',
        })
      }
      leftPlan = { kind: 'Project', input: leftBuilt.plan, items, columns: items.map((i) => ({ ...i })) }
    }
    const rightPlan = leafProject(rightLeaf, rightTyped, rt)
    const columns: PlanColumn[] = [
      { name: keyName, type: resultKeyType, namespace: 'KEY' },
      ...leftPlan.columns.slice(1),
      ...rightPlan.columns.slice(1),
      { name: 'ROWTIME', type: T.BIGINT, namespace: 'PSEUDO' },
    ]
    const plan: LogicalPlan = {
      kind: 'Join',
      joinKind,
      joinType: rel.joinType,
      left: leftPlan,
      right: rightPlan,
      ...(within !== undefined ? { within } : {}),
      ...(forcedRepartition && lw?.sizeMs !== undefined && lw.type !== 'SESSION'
        ? { windowSizeMs: lw.sizeMs }
        : {}),
      // Over the left input's columns (`ALIAS_NAME`).
      ...(foreignKey ? { foreignKey: toJoined(leftExpr, 'JOIN ON', leftLeaves) } : {}),
      columns,
    }
    const shape: JoinShape | undefined =
      leftBuilt === undefined
        ? {
            joinKind,
            joinType: rel.joinType,
            foreignKey,
            left: {
              source: (leftLeaves[0] as Leaf).source,
              rekey: foreignKey || !isKeyOf(leftExpr, leftLeaves[0]),
            },
            right: { source: rightLeaf.source, rekey: !isKeyOf(rightExpr, rightLeaf) },
          }
        : undefined
    return {
      plan,
      kind: joinKind === 'TABLE_TABLE' ? 'TABLE' : 'STREAM',
      leaves: here,
      equivalence,
      viable,
      synthetic,
      keyName,
      ...(shape !== undefined ? { shape } : {}),
    }
  }

  const built = build(from, true)
  const joinCols = built.plan.columns
  let plan = built.plan
  const keyName = built.keyName

  // Expressions over the joined row: qualified refs and unambiguous unqualified refs.
  const resolve = (e: Expr, clause: string): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'ColumnRef') return undefined
      if (x.source === undefined && built.synthetic && x.name === keyName) {
        return { kind: 'ColumnRef', name: keyName, span: x.span } satisfies ColumnRef
      }
      const leaf = resolveLeaf(x, clause)
      if (leaf === undefined) return undefined
      return { kind: 'ColumnRef', name: joined(leaf.alias, x.name), span: x.span } satisfies ColumnRef
    })
  const keyRefs = new Set(
    built.synthetic
      ? [keyName]
      : built.viable
          .map((v) => joined(v.alias, v.name))
          .slice(0, 0)
          .concat([keyName]),
  )
  // Reading the chosen key column reads the join key (equal to it, and set for outer rows).
  const toKey = (e: Expr): Expr =>
    mapExpr(e, (x) =>
      x.kind === 'ColumnRef' && keyRefs.has(x.name)
        ? ({ kind: 'ColumnRef', name: keyName, span: x.span } satisfies ColumnRef)
        : undefined,
    )

  if (query.where !== undefined) {
    const predicate = resolve(query.where, 'WHERE')
    const t = typeWithPrefix(predicate, ctxFor(joinCols, 'WHERE'), 'Error in WHERE expression: ')
    if (t !== null && t.kind !== 'BOOLEAN') {
      throw new SqlPlanError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${formatKsqlExpression(query.where)} (${typeToString(t)}) instead.`,
        query.where.span,
      )
    }
    plan = { kind: 'Filter', input: plan, predicate, columns: joinCols }
  }
  // PARTITION BY re-keys the joined rows: the key becomes the partition expressions; the value
  // keeps every source column but a partitioned one, per source its value, pseudo then key
  // columns (ksqlDB's order); the join key is dropped.
  let partition: { keys: { name: string; expr: Expr; type: Type }[]; columns: PlanColumn[] } | undefined
  if (query.partitionBy !== undefined) {
    const parts = query.partitionBy
    if (built.kind === 'TABLE') {
      throw new SqlPlanError(
        'Unsupported PARTITION BY on a TABLE. PARTITION BY is only supported on STREAMS.',
        query.span,
      )
    }
    if (parts.length === 0)
      throw new SqlPlanError('PARTITION BY requires at least one expression', query.span)
    if (parts.some((p) => p.kind === 'NullLiteral')) {
      throw new SqlPlanError('PARTITION BY NULL on a JOIN is not supported yet.', query.span)
    }
    if (query.groupBy !== undefined)
      throw new SqlPlanError('PARTITION BY and GROUP BY cannot be combined.', query.span)
    const scope = ctxFor(joinCols, 'PARTITION BY')
    const keys: { name: string; expr: Expr; type: Type }[] = []
    for (const p of parts) {
      const expr = resolve(p, 'PARTITION BY')
      const t = typeOf(expr, scope)
      if (t === null) throw new SqlPlanError(`Can't infer a type of null.`, p.span)
      keys.push({ name: expr.kind === 'ColumnRef' ? expr.name : '', expr, type: t })
    }
    const partitioned = new Set(keys.flatMap((k) => (k.expr.kind === 'ColumnRef' ? [k.expr.name] : [])))
    const byName = new Map(joinCols.map((c) => [c.name, c]))
    const columns: PlanColumn[] = []
    for (const l of leaves) {
      const ordered = [
        ...l.columns.filter((c) => c.namespace === 'VALUE'),
        ...l.columns.filter((c) => c.namespace === 'PSEUDO'),
        ...l.columns.filter((c) => c.namespace === 'KEY'),
      ]
      for (const c of ordered) {
        const name = joined(l.alias, c.name)
        const col = byName.get(name)
        if (col !== undefined && !partitioned.has(name)) columns.push({ ...col, namespace: 'VALUE' })
      }
    }
    partition = { keys, columns }
  }

  // Projection items and their names.
  type Item = { name: string; expr: Expr; original: Expr; star: boolean }
  const items: Item[] = []
  for (const item of query.select) {
    if (item.kind === 'StructAll') throw new SqlPlanError('STRUCT->* is not supported yet.', item.span)
    if (item.kind === 'AllColumns') {
      if (item.source !== undefined && !byAlias.has(item.source)) {
        throw preparing(
          new SqlPlanError(`'${item.source}' is not a valid stream/table name or alias.`, item.span),
        )
      }
      if (partition !== undefined) {
        // Over the re-keyed rows: the partition key columns, then the value columns of the source(s).
        const prefixes = leaves
          .filter((l) => item.source === undefined || item.source === l.alias)
          .map((l) => `${l.alias}_`)
        const ofSource = (name: string): boolean => prefixes.some((p) => name.startsWith(p))
        if (item.source === undefined) {
          for (const k of partition.keys) {
            if (k.expr.kind !== 'ColumnRef') continue
            const expr: ColumnRef = { kind: 'ColumnRef', name: k.expr.name, span: item.span }
            items.push({ name: k.expr.name, expr, original: expr, star: false })
          }
        }
        for (const c of partition.columns) {
          if (!ofSource(c.name)) continue
          const expr: ColumnRef = { kind: 'ColumnRef', name: c.name, span: item.span }
          items.push({ name: c.name, expr, original: expr, star: false })
        }
        continue
      }
      if (item.source === undefined && built.synthetic) {
        const expr: ColumnRef = { kind: 'ColumnRef', name: keyName, span: item.span }
        items.push({ name: keyName, expr, original: expr, star: false })
      }
      for (const l of leaves) {
        if (item.source !== undefined && item.source !== l.alias) continue
        for (const c of starColumns(l.source)) {
          const name = joined(l.alias, c.name)
          const expr: ColumnRef = { kind: 'ColumnRef', name, span: item.span }
          items.push({ name, expr, original: expr, star: false })
        }
      }
      continue
    }
    const expr = resolve(item.expr, 'SELECT')
    let name = item.alias ?? ''
    if (item.alias !== undefined && RESERVED_COLUMN_NAMES.has(item.alias)) {
      throw new SqlPlanError(
        persistent
          ? `Reserved column name in select: \`${item.alias}\`. Please remove or alias the column.`
          : `\`${item.alias}\` is a reserved column name. You cannot use it as an alias for a column.`,
        item.span,
      )
    }
    if (name === '' && item.expr.kind === 'ColumnRef') {
      const ref = item.expr
      if (expr.kind === 'ColumnRef' && expr.name === keyName && built.synthetic && ref.source === undefined) {
        name = keyName
      } else {
        name = ref.source !== undefined && common(ref.name) ? joined(ref.source, ref.name) : ref.name
      }
    }
    items.push({ name, expr, original: item.expr, star: false })
  }
  const used = new Set(items.map((i) => i.name).filter((n) => n !== ''))
  nameStructFields(items, used)
  const nextSynthetic = syntheticNames(used)
  for (const it of items) if (it.name === '') it.name = nextSynthetic()
  for (const it of items) {
    if (someExpr(it.expr, (x) => x.kind === 'FunctionCall' && functions.isTable(x.name))) {
      throw new SqlPlanError('Table functions are not supported with JOIN yet.', it.original.span)
    }
  }

  let inputColumns: readonly PlanColumn[] = joinCols
  if (partition !== undefined) {
    // Key names: a projection item computing the same expression names a computed key.
    for (const k of partition.keys) {
      if (k.name !== '') continue
      const text = canonical(k.expr)
      const match = items.find((it) => canonical(it.expr) === text)
      k.name = match?.name ?? nextSynthetic()
    }
    const repart: ProjectItem[] = [
      ...partition.keys.map((k) => ({ name: k.name, expr: k.expr, type: k.type, namespace: 'KEY' as const })),
      ...partition.columns.map((c) => ({
        name: c.name,
        expr: { kind: 'ColumnRef', name: c.name, span: query.span } satisfies ColumnRef,
        type: c.type,
        namespace: 'VALUE' as const,
      })),
      {
        name: 'ROWTIME',
        expr: { kind: 'ColumnRef', name: 'ROWTIME', span: query.span } satisfies ColumnRef,
        type: T.BIGINT,
        namespace: 'PSEUDO' as const,
      },
    ]
    inputColumns = repart.map((r) => ({ name: r.name, type: r.type, namespace: r.namespace }))
    plan = { kind: 'Project', input: plan, items: repart, columns: inputColumns }
    // Projection items computing a partition expression read the new key column instead.
    const byText = new Map(partition.keys.map((k) => [canonical(k.expr), k.name]))
    for (const it of items) {
      const name = byText.get(canonical(it.expr))
      if (name !== undefined) it.expr = { kind: 'ColumnRef', name, span: it.expr.span } satisfies ColumnRef
    }
  }
  let aggregated = false
  const isAgg = (e: Expr): boolean => e.kind === 'FunctionCall' && functions.isAggregate(e.name)
  if (
    query.groupBy !== undefined ||
    items.some((it) => someExpr(it.expr, isAgg)) ||
    query.having !== undefined
  ) {
    if (query.groupBy === undefined) {
      throw noGroupByError(query, functions, options.statementType)
    }
    // ksqlDB does not resolve the window bounds of a windowed aggregation over a join in its
    // projection (https://github.com/confluentinc/ksql/issues/5931).
    if (query.window !== undefined) {
      for (const item of query.select) {
        if (item.kind !== 'SingleColumn') continue
        walkExpr(item.expr, (x) => {
          if (
            x.kind === 'ColumnRef' &&
            x.source === undefined &&
            (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND')
          ) {
            throw new SqlPlanError(`SELECT column '${x.name}' cannot be resolved.`, x.span)
          }
        })
      }
    }
    const pseudoSource = { ...(leaves[0] as Leaf).source, kind: built.kind }
    const agg = buildAggregate(
      query,
      items,
      plan,
      joinCols,
      (e) => resolve(e, 'GROUP BY'),
      functions,
      pseudoSource,
      nextSynthetic,
    )
    plan = agg.plan
    inputColumns = agg.plan.columns
    items.forEach((it, i) => {
      const r = agg.rewritten[i]
      if (r !== undefined) it.expr = r
    })
    aggregated = true
  } else if (partition === undefined) {
    for (const it of items) it.expr = toKey(it.expr)
  }

  const projScope = ctxFor(inputColumns, 'SELECT')
  const typed = items.map((it) => {
    const t = typeOf(it.expr, projScope)
    if (t === null) {
      throw new SqlPlanError(
        `Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).`,
        it.original.span,
      )
    }
    return { ...it, type: t }
  })
  const keyCols = inputColumns.filter((c) => c.namespace === 'KEY').map((c) => c.name)
  const keyIdx: number[] = []
  typed.forEach((it, i) => {
    if (it.expr.kind === 'ColumnRef' && keyCols.includes(it.expr.name)) keyIdx.push(i)
  })
  if (persistent) {
    const names = keyIdx.map((i) => typed[i]?.name ?? '')
    if (!aggregated && names.length > 1) {
      throw new SqlPlanError(
        `The projection contains a key column (\`${keyName}\`) more than once, aliased as: ${joinAnd([...names].sort())}.`,
        query.span,
      )
    }
    if (keyIdx.length === 0) {
      if (aggregated && query.groupBy !== undefined) {
        const texts = query.groupBy.map((g) => formatKsqlExpression(g))
        throw new SqlPlanError(
          `The query used to build \`${sinkName}\` must include the grouping expression${texts.length > 1 ? 's' : ''} ${joinAnd(texts)} in its projection (eg, SELECT ${texts.join(', ')}...).`,
          query.span,
        )
      }
      if (query.partitionBy !== undefined) {
        const texts = query.partitionBy.map((p) => formatKsqlExpression(p))
        throw new SqlPlanError(
          `The query used to build \`${sinkName}\` must include the partitioning expression${texts.length > 1 ? 's' : ''} ${joinAnd(texts)} in its projection (eg, SELECT ${texts.join(', ')}...).`,
          query.span,
        )
      }
      const viable = built.synthetic ? [keyName] : built.viable.map((v) => `${v.alias}.${v.name}`)
      const list = viable.join(' or ')
      throw new SqlPlanError(
        `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sinkName}\` must include the join expression${viable.length > 1 ? 's' : ''} ${list} in its projection (eg, SELECT ${viable[0] ?? ''}...).${built.synthetic ? `\n${keyName} was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.` : ''}`,
        query.span,
      )
    }
  }
  const keySet = new Set(persistent || aggregated ? keyIdx : keyIdx.slice(0, 1))
  const projectItems: ProjectItem[] = []
  for (const i of keySet) {
    const it = typed[i]
    if (it !== undefined) projectItems.push({ name: it.name, expr: it.expr, type: it.type, namespace: 'KEY' })
  }
  typed.forEach((it, i) => {
    if (!keySet.has(i)) projectItems.push({ name: it.name, expr: it.expr, type: it.type, namespace: 'VALUE' })
  })
  if (persistent) checkDuplicateColumns(projectItems, query)
  if (persistent && projectItems.every((p) => p.namespace === 'KEY')) {
    throw new SqlPlanError('The projection contains no value columns.', query.span)
  }
  const columns: PlanColumn[] = projectItems.map((p) => ({
    name: p.name,
    type: p.type,
    namespace: p.namespace,
  }))
  plan = { kind: 'Project', input: plan, items: projectItems, columns }
  const leftmost = (leaves[0] as Leaf).source
  const window = resultWindow(plan, leftmost)
  return {
    source: leftmost,
    sources: leaves.map((l) => l.source),
    plan,
    resultKind: aggregated ? 'TABLE' : built.kind,
    partitionByNull: false,
    ...(built.shape !== undefined ? { join: built.shape } : {}),
    ...(window !== undefined ? { window } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
  }
}

/**
 * ksqlDB's KeyFormat equality for two join sides: format, its properties (the delimiter) and the
 * window (type and size).
 */
/** Key formats whose serialized keys carry a schema id (ksqlDB's SCHEMA_INFERENCE feature). */
export function supportsSchemaInference(format: string): boolean {
  return format === 'AVRO' || format === 'PROTOBUF' || format === 'JSON_SR'
}

export function sameKeyFormat(a: SourceDef, b: SourceDef): boolean {
  return (
    a.keyFormat.format === b.keyFormat.format &&
    (a.keyFormat.delimiter ?? ',') === (b.keyFormat.delimiter ?? ',') &&
    a.window?.type === b.window?.type &&
    a.window?.sizeMs === b.window?.sizeMs
  )
}

function containsMap(t: Type): boolean {
  switch (t.kind) {
    case 'MAP':
      return true
    case 'ARRAY':
      return containsMap(t.element)
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type))
    default:
      return false
  }
}
