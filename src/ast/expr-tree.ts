import type { Expr } from './expressions.js'

/** The direct sub-expressions of `e`, in source order. */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'Dereference':
      return [e.base]
    case 'Subscript':
      return [e.base, e.index]
    case 'FunctionCall':
      return e.args
    case 'Lambda':
      return [e.body]
    case 'Cast':
      return [e.expr]
    case 'SearchedCase':
      return [...e.whens.flatMap((w) => [w.condition, w.result]), ...(e.else ? [e.else] : [])]
    case 'SimpleCase':
      return [e.operand, ...e.whens.flatMap((w) => [w.condition, w.result]), ...(e.else ? [e.else] : [])]
    case 'ArrayConstructor':
      return e.items
    case 'MapConstructor':
      return e.entries.flatMap((x) => [x.key, x.value])
    case 'StructConstructor':
      return e.fields.map((f) => f.value)
    case 'ArithmeticUnary':
    case 'Not':
      return [e.operand]
    case 'ArithmeticBinary':
    case 'Concat':
    case 'Comparison':
    case 'IsDistinctFrom':
    case 'LogicalBinary':
      return [e.left, e.right]
    case 'AtTimeZone':
      return [e.value]
    case 'Between':
      return [e.value, e.lower, e.upper]
    case 'InList':
      return [e.value, ...e.list]
    case 'Like':
      return [e.value, e.pattern]
    case 'IsNull':
      return [e.value]
    default:
      return []
  }
}

/** Calls `visit` on `e` and every sub-expression, parents first. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e)
  for (const c of exprChildren(e)) walkExpr(c, visit)
}

/** True if `pred` holds for `e` or any sub-expression. */
export function someExpr(e: Expr, pred: (e: Expr) => boolean): boolean {
  if (pred(e)) return true
  return exprChildren(e).some((c) => someExpr(c, pred))
}

/**
 * Rewrites an expression top-down: `f` returns a replacement for a node (not visited further) or
 * undefined to keep the node and rewrite its children. Unchanged subtrees keep their identity.
 */
export function mapExpr(e: Expr, f: (e: Expr) => Expr | undefined): Expr {
  const r = f(e)
  if (r !== undefined) return r
  const m = (x: Expr): Expr => mapExpr(x, f)
  switch (e.kind) {
    case 'Dereference':
      return { ...e, base: m(e.base) }
    case 'Subscript':
      return { ...e, base: m(e.base), index: m(e.index) }
    case 'FunctionCall':
      return { ...e, args: e.args.map(m) }
    case 'Lambda':
      return { ...e, body: m(e.body) }
    case 'Cast':
      return { ...e, expr: m(e.expr) }
    case 'SearchedCase':
      return {
        ...e,
        whens: e.whens.map((w) => ({ condition: m(w.condition), result: m(w.result) })),
        ...(e.else ? { else: m(e.else) } : {}),
      }
    case 'SimpleCase':
      return {
        ...e,
        operand: m(e.operand),
        whens: e.whens.map((w) => ({ condition: m(w.condition), result: m(w.result) })),
        ...(e.else ? { else: m(e.else) } : {}),
      }
    case 'ArrayConstructor':
      return { ...e, items: e.items.map(m) }
    case 'MapConstructor':
      return { ...e, entries: e.entries.map((x) => ({ key: m(x.key), value: m(x.value) })) }
    case 'StructConstructor':
      return { ...e, fields: e.fields.map((x) => ({ name: x.name, value: m(x.value) })) }
    case 'ArithmeticUnary':
    case 'Not':
      return { ...e, operand: m(e.operand) }
    case 'ArithmeticBinary':
    case 'Concat':
    case 'Comparison':
    case 'IsDistinctFrom':
    case 'LogicalBinary':
      return { ...e, left: m(e.left), right: m(e.right) }
    case 'AtTimeZone':
      return { ...e, value: m(e.value) }
    case 'Between':
      return { ...e, value: m(e.value), lower: m(e.lower), upper: m(e.upper) }
    case 'InList':
      return { ...e, value: m(e.value), list: e.list.map(m) }
    case 'Like':
      return { ...e, value: m(e.value), pattern: m(e.pattern) }
    case 'IsNull':
      return { ...e, value: m(e.value) }
    default:
      return e
  }
}
