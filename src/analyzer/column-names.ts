import type { Expr } from '../ast/expressions.js'

/**
 * ksqlDB's names for unaliased select items: a struct field `a->b` is named `B`, suffixed `_1`,
 * `_2` ... when that name is taken (`used` holds the names taken so far and is updated).
 */
export function nameStructFields(
  items: readonly { name: string; expr: Expr; star?: boolean }[],
  used: Set<string>,
): void {
  for (const it of items) {
    if (it.name !== '' || it.star === true || it.expr.kind !== 'Dereference') continue
    const field = it.expr.field
    let candidate = field
    for (let n = 1; used.has(candidate); n++) candidate = `${field}_${n}`
    it.name = candidate
    used.add(candidate)
  }
}

/** A generator of synthetic names `KSQL_COL_0`, `KSQL_COL_1` ... skipping (and then taking) names in `used`. */
export function syntheticNames(used: Set<string>): () => string {
  let next = 0
  return () => {
    for (;;) {
      const n = `KSQL_COL_${next++}`
      if (!used.has(n)) {
        used.add(n)
        return n
      }
    }
  }
}
