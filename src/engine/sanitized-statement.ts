import type { ColumnRef, Expr } from '../ast/expressions.js'
import { mapExpr, someExpr } from '../ast/expr-tree.js'
import { formatStatement } from '../ast/format.js'
import type { CreateStreamAsSelect, CreateTableAsSelect } from '../ast/statements.js'
import { formatKsqlExpression } from '../expr/format.js'

const PLAIN = /^[A-Za-z_][A-Za-z0-9_@]*$/

const ident = (n: string): string => (PLAIN.test(n) ? n : `\`${n.replaceAll('`', '``')}\``)

/**
 * The text ksqlDB quotes after `Statement:` in errors raised while planning a CREATE ... AS
 * SELECT: the statement after its AstSanitizer (every column qualified by its source alias, every
 * select item aliased, the source aliased, EMIT CHANGES added), printed by its SqlFormatter
 * (aliases without AS, binary operations in parentheses).
 *
 * `names` are the select items' output names, in order. Only single-source queries without
 * `*`, windows or lambdas are covered; undefined otherwise.
 */
export function sanitizedStatementText(
  stmt: CreateStreamAsSelect | CreateTableAsSelect,
  names: readonly string[],
): string | undefined {
  const q = stmt.query
  if (q.from.kind !== 'AliasedRelation' || q.window !== undefined) return undefined
  if (q.select.length !== names.length || q.select.some((s) => s.kind !== 'SingleColumn')) return undefined
  const parts: Expr[] = [
    ...q.select.flatMap((s) => (s.kind === 'SingleColumn' ? [s.expr] : [])),
    ...(q.where !== undefined ? [q.where] : []),
    ...(q.groupBy ?? []),
    ...(q.partitionBy ?? []),
    ...(q.having !== undefined ? [q.having] : []),
  ]
  if (parts.some((e) => someExpr(e, (x) => x.kind === 'Lambda'))) return undefined
  const alias = q.from.alias ?? q.from.name
  const qualify = (e: Expr): string =>
    formatKsqlExpression(
      mapExpr(e, (x) =>
        x.kind === 'ColumnRef' && x.source === undefined
          ? ({ ...x, source: alias } satisfies ColumnRef)
          : undefined,
      ),
    )
  // The CREATE ... AS SELECT header as the formatter prints it (properties included).
  const header = formatStatement(stmt).split('\n')[0]
  if (header === undefined || !header.endsWith('AS SELECT')) return undefined
  const lines = [header]
  const items = q.select.map((s, i) =>
    s.kind === 'SingleColumn' ? `  ${qualify(s.expr)} ${ident(names[i] ?? '')}` : '',
  )
  lines.push(items.join(',\n'))
  lines.push(`FROM ${ident(q.from.name)} ${ident(alias)}`)
  if (q.where !== undefined) lines.push(`WHERE ${qualify(q.where)}`)
  if (q.groupBy !== undefined) lines.push(`GROUP BY ${q.groupBy.map(qualify).join(', ')}`)
  if (q.partitionBy !== undefined) lines.push(`PARTITION BY ${q.partitionBy.map(qualify).join(', ')}`)
  if (q.having !== undefined) lines.push(`HAVING ${qualify(q.having)}`)
  lines.push(q.emit === 'FINAL' ? 'EMIT FINAL' : 'EMIT CHANGES')
  return lines.join('\n')
}
