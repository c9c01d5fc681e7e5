import type { Node } from './span.js'
import type { SqlType, TimeUnit } from './types.js'

/**
 * The expression language (ksqlDB's `expression` rule). Parentheses leave no node: the tree
 * shape carries the grouping, and the formatter adds parentheses back where precedence needs them.
 * Identifiers are strings, upper-cased unless they were quoted.
 */
export type Expr =
  | NullLiteral
  | BooleanLiteral
  | IntegerLiteral
  | LongLiteral
  | DecimalLiteral
  | DoubleLiteral
  | StringLiteral
  | TypeConstructor
  | ColumnRef
  | Dereference
  | Subscript
  | FunctionCall
  | IntervalUnit
  | Lambda
  | Cast
  | SearchedCase
  | SimpleCase
  | ArrayConstructor
  | MapConstructor
  | StructConstructor
  | ArithmeticUnary
  | ArithmeticBinary
  | Concat
  | AtTimeZone
  | Comparison
  | Between
  | InList
  | Like
  | IsNull
  | IsDistinctFrom
  | Not
  | LogicalBinary

export type ExprKind = Expr['kind']

export type Literal =
  | NullLiteral
  | BooleanLiteral
  | IntegerLiteral
  | LongLiteral
  | DecimalLiteral
  | DoubleLiteral
  | StringLiteral

export interface NullLiteral extends Node<'NullLiteral'> {}

export interface BooleanLiteral extends Node<'BooleanLiteral'> {
  readonly value: boolean
}

/** An integer literal that fits in 32 bits (ksqlDB's IntegerLiteral). A leading `-` belongs to the literal. */
export interface IntegerLiteral extends Node<'IntegerLiteral'> {
  readonly value: number
}

/**
 * An integer literal outside 32 bits but inside 64 (ksqlDB's LongLiteral). Kept as its decimal
 * text so the AST stays JSON and exact; one outside 64 bits is a syntax error
 * ("Invalid numeric literal: ...").
 */
export interface LongLiteral extends Node<'LongLiteral'> {
  readonly value: string
}

/** A literal with a decimal point and no exponent, e.g. `1.50` — DECIMAL with the scale as written. */
export interface DecimalLiteral extends Node<'DecimalLiteral'> {
  /** The literal's text, normalised only by a leading `-` when negative (e.g. "-1.50", ".5"). */
  readonly value: string
}

/** A literal with an exponent, e.g. `1E3` — DOUBLE. Overflow is a syntax error ("Number overflows DOUBLE: ..."). */
export interface DoubleLiteral extends Node<'DoubleLiteral'> {
  readonly value: number
}

export interface StringLiteral extends Node<'StringLiteral'> {
  /** The string's value with `''` unescaped. */
  readonly value: string
}

/** `identifier 'text'`, e.g. `TIMESTAMP '2020-01-01T00:00:00'` (ksqlDB's typeConstructor). */
export interface TypeConstructor extends Node<'TypeConstructor'> {
  readonly type: string
  readonly value: string
}

/** A column, optionally qualified by a source name or alias: `col` or `src.col`. */
export interface ColumnRef extends Node<'ColumnRef'> {
  readonly source?: string
  readonly name: string
}

/** Struct field access `base->field`. */
export interface Dereference extends Node<'Dereference'> {
  readonly base: Expr
  readonly field: string
}

/** `base[index]`: array element (1-based, negative from the end) or map value. */
export interface Subscript extends Node<'Subscript'> {
  readonly base: Expr
  readonly index: Expr
}

/** A scalar, aggregate or table function call. `COUNT(*)` has `star: true` and no args. */
export interface FunctionCall extends Node<'FunctionCall'> {
  readonly name: string
  readonly args: readonly Expr[]
  readonly star: boolean
}

/** A bare time unit passed as a function argument, e.g. `TIMESTAMPADD(SECONDS, 5, ts)`. */
export interface IntervalUnit extends Node<'IntervalUnit'> {
  readonly unit: TimeUnit
}

/** `x => body` or `(x, y) => body`; only valid as a function argument. */
export interface Lambda extends Node<'Lambda'> {
  readonly params: readonly string[]
  readonly body: Expr
}

export interface Cast extends Node<'Cast'> {
  readonly expr: Expr
  readonly type: SqlType
}

export interface WhenClause {
  readonly condition: Expr
  readonly result: Expr
}

/** `CASE WHEN cond THEN r ... [ELSE e] END` */
export interface SearchedCase extends Node<'SearchedCase'> {
  readonly whens: readonly WhenClause[]
  readonly else?: Expr
}

/** `CASE operand WHEN v THEN r ... [ELSE e] END` */
export interface SimpleCase extends Node<'SimpleCase'> {
  readonly operand: Expr
  readonly whens: readonly WhenClause[]
  readonly else?: Expr
}

/** `ARRAY[a, b, ...]` */
export interface ArrayConstructor extends Node<'ArrayConstructor'> {
  readonly items: readonly Expr[]
}

export interface MapEntry {
  readonly key: Expr
  readonly value: Expr
}

/** `MAP(k := v, ...)` */
export interface MapConstructor extends Node<'MapConstructor'> {
  readonly entries: readonly MapEntry[]
}

export interface StructFieldValue {
  readonly name: string
  readonly value: Expr
}

/** `STRUCT(f := v, ...)` */
export interface StructConstructor extends Node<'StructConstructor'> {
  readonly fields: readonly StructFieldValue[]
}

/** Unary `-x` / `+x` on a non-literal (a `-` directly before a number is part of the literal). */
export interface ArithmeticUnary extends Node<'ArithmeticUnary'> {
  readonly op: '-' | '+'
  readonly operand: Expr
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%'

export interface ArithmeticBinary extends Node<'ArithmeticBinary'> {
  readonly op: ArithmeticOp
  readonly left: Expr
  readonly right: Expr
}

/** String concatenation `left || right`. */
export interface Concat extends Node<'Concat'> {
  readonly left: Expr
  readonly right: Expr
}

/** `value AT TIME ZONE 'zone'` */
export interface AtTimeZone extends Node<'AtTimeZone'> {
  readonly value: Expr
  readonly zone: string
}

/** `!=` is normalised to `<>`. */
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>='

export interface Comparison extends Node<'Comparison'> {
  readonly op: ComparisonOp
  readonly left: Expr
  readonly right: Expr
}

/** `value [NOT] BETWEEN lower AND upper` */
export interface Between extends Node<'Between'> {
  readonly value: Expr
  readonly lower: Expr
  readonly upper: Expr
  readonly negated: boolean
}

/** `value [NOT] IN (e1, e2, ...)` — at least one element. */
export interface InList extends Node<'InList'> {
  readonly value: Expr
  readonly list: readonly Expr[]
  readonly negated: boolean
}

/** `value [NOT] LIKE pattern [ESCAPE 'c']` */
export interface Like extends Node<'Like'> {
  readonly value: Expr
  readonly pattern: Expr
  readonly escape?: string
  readonly negated: boolean
}

/** `value IS [NOT] NULL` */
export interface IsNull extends Node<'IsNull'> {
  readonly value: Expr
  readonly negated: boolean
}

/** `left IS [NOT] DISTINCT FROM right` */
export interface IsDistinctFrom extends Node<'IsDistinctFrom'> {
  readonly left: Expr
  readonly right: Expr
  readonly negated: boolean
}

export interface Not extends Node<'Not'> {
  readonly operand: Expr
}

export interface LogicalBinary extends Node<'LogicalBinary'> {
  readonly op: 'AND' | 'OR'
  readonly left: Expr
  readonly right: Expr
}
