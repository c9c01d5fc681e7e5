/**
 * Source positions. Lines and columns are 1-based, as in Chevrotain tokens and ksqlDB messages
 * ("line 1:8"); `offset` is the 0-based character offset in the text that was parsed.
 */
export interface Pos {
  readonly offset: number
  readonly line: number
  readonly column: number
}

/** A half-open source range: `start` is the first character, `end` the position just after the last. */
export interface Span {
  readonly start: Pos
  readonly end: Pos
}

/** Every AST node: a `kind` tag (equal to its type name) and the source range it was parsed from. */
export interface Node<K extends string> {
  readonly kind: K
  readonly span: Span
}

/** A span that covers both `a` and `b` (for nodes built from several tokens). */
export function spanOf(a: Span, b: Span): Span {
  return { start: a.start, end: b.end }
}

/** A zero-width placeholder span, for nodes built by code rather than parsed (tests, rewrites). */
export const NO_SPAN: Span = {
  start: { offset: 0, line: 1, column: 1 },
  end: { offset: 0, line: 1, column: 1 },
}
