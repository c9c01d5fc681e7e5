/**
 * Span-less AST builders for expected values in the grammar tests (compared with
 * `stripSpans(parsed)`). Each returns plain data shaped like the `src/ast` node of the same kind.
 */

type Node = Record<string, unknown>

export const col = (name: string, source?: string): Node =>
  source === undefined ? { kind: 'ColumnRef', name } : { kind: 'ColumnRef', source, name }
export const int = (value: number): Node => ({ kind: 'IntegerLiteral', value })
export const long = (value: string): Node => ({ kind: 'LongLiteral', value })
export const dec = (value: string): Node => ({ kind: 'DecimalLiteral', value })
export const dbl = (value: number): Node => ({ kind: 'DoubleLiteral', value })
export const str = (value: string): Node => ({ kind: 'StringLiteral', value })
export const bool = (value: boolean): Node => ({ kind: 'BooleanLiteral', value })
export const nul: Node = { kind: 'NullLiteral' }
export const fn = (name: string, ...args: Node[]): Node => ({ kind: 'FunctionCall', name, args, star: false })
export const arith = (op: string, left: Node, right: Node): Node => ({
  kind: 'ArithmeticBinary',
  op,
  left,
  right,
})
export const neg = (operand: Node): Node => ({ kind: 'ArithmeticUnary', op: '-', operand })
export const concat = (left: Node, right: Node): Node => ({ kind: 'Concat', left, right })
export const cmp = (op: string, left: Node, right: Node): Node => ({ kind: 'Comparison', op, left, right })
export const and = (left: Node, right: Node): Node => ({ kind: 'LogicalBinary', op: 'AND', left, right })
export const or = (left: Node, right: Node): Node => ({ kind: 'LogicalBinary', op: 'OR', left, right })
export const not = (operand: Node): Node => ({ kind: 'Not', operand })
export const prim = (name: string): Node => ({ kind: 'PrimitiveType', name })
export const dur = (value: number, unit: string): Node => ({ kind: 'Duration', value, unit })
export const rel = (name: string, alias?: string): Node =>
  alias === undefined ? { kind: 'AliasedRelation', name } : { kind: 'AliasedRelation', name, alias }
export const prop = (name: string, value: Node): Node => ({ kind: 'Property', name, value })
export const element = (name: string, type: Node, constraint?: Node): Node =>
  constraint === undefined
    ? { kind: 'TableElement', name, type }
    : { kind: 'TableElement', name, type, constraint }
export const single = (expr: Node, alias?: string): Node =>
  alias === undefined ? { kind: 'SingleColumn', expr } : { kind: 'SingleColumn', expr, alias }
export const star: Node = { kind: 'AllColumns' }

/** `SELECT <items> FROM <from>` plus any other Query fields. */
export const query = (select: Node[], from: Node, rest: Node = {}): Node => ({
  kind: 'Query',
  select,
  from,
  ...rest,
})
