import type { Expr } from '../src/ast/expressions.js'
import type { Span } from '../src/ast/span.js'
import type { Statement } from '../src/ast/statements.js'
import { SqlSyntaxError } from '../src/errors.js'

/** Options of `parseStatements`. */
export interface ParseOptions {
  /** Accept the test-runner-only statements (ASSERT VALUES / NULL VALUES / STREAM / TABLE, RUN SCRIPT). */
  readonly testStatements?: boolean
  /** Variables for `${name}` substitution; DEFINE / UNDEFINE in the text update them as parsing proceeds. */
  readonly variables?: Readonly<Record<string, string>>
  /** `ksql.variable.substitution.enable` (default true). */
  readonly substituteVariables?: boolean
}

/** One statement of a script: its AST, its source text (without the `;`) and where it was. */
export interface ParsedStatement {
  readonly statement: Statement
  readonly text: string
  readonly span: Span
}

/** Parses a script of `;`-terminated statements. Throws only `SqlSyntaxError`. */
export function parseStatements(text: string, options: ParseOptions = {}): ParsedStatement[] {
  void options
  throw new SqlSyntaxError(
    'not implemented',
    { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
    text,
  )
}

/** Parses a single expression (no trailing `;`). Throws only `SqlSyntaxError`. */
export function parseExpression(text: string): Expr {
  throw new SqlSyntaxError(
    'not implemented',
    { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
    text,
  )
}
