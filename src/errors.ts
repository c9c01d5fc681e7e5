import type { Pos, Span } from './ast/span.js'

/**
 * Eddy's error family, split by who is at fault (DataFusion's `DataFusionError`):
 * - `SqlSyntaxError`: the statement text does not parse (lexer, parser, or AST-building checks).
 * - `SqlPlanError`: the statement parses but is not valid against the catalog (unknown source,
 *   type mismatch, ...).
 * - `RecordError`: a record cannot be processed; it goes to the processing log and the query continues.
 * - `InternalError`: a bug in Eddy; a user should never be able to trigger it.
 *
 * Messages keep ksqlDB's wording because conformance cases assert on them; positions travel as
 * data (`span`) and are rendered once, by `formatDiagnostic`.
 */
export abstract class EddyError extends Error {
  abstract readonly code: string
  /**
   * The error comes from preparing the statement (parsing, the WITH clause, source qualifiers)
   * rather than from planning it; ksqlDB reports those as "Failed to prepare statement: ...".
   */
  prepare = false
  /** The statement text that failed, when a script of several statements was executed. */
  statement: string | undefined
  /**
   * The statement as ksqlDB quotes it in this error (`<message>\nStatement: <text>`) when that
   * is its rewritten form rather than the text submitted (see engine/sanitized-statement.ts).
   */
  statementText: string | undefined
}

/** Marks `err` as a statement-preparation error (see `EddyError.prepare`) and returns it. */
export function preparing<E extends EddyError>(err: E): E {
  err.prepare = true
  return err
}

/**
 * A statement that does not parse. `message` is ksqlDB's detailed form
 * (`line 1:8: Syntax Error\n...`, or the text of a structural check such as
 * `Invalid numeric literal: 9223372036854775808`); `summary` is its one-line form
 * (`Syntax error at or near 'VALUES' at line 1:8`). Both are matched by the conformance runner,
 * as ksqlDB matches both its message and its unlogged detail.
 */
export class SqlSyntaxError extends EddyError {
  readonly code = 'SQL_SYNTAX'
  override readonly name = 'SqlSyntaxError'
  /** 1-based line of the offending token. */
  readonly line: number
  /** 1-based column of the offending token. */
  readonly column: number
  readonly span: Span
  /** The offending token's text ('<EOF>' at the end of input). */
  readonly token: string
  readonly summary: string

  constructor(message: string, span: Span, token: string, summary?: string) {
    super(message)
    this.span = span
    this.line = span.start.line
    this.column = span.start.column
    this.token = token
    this.summary = summary ?? message
  }
}

/** A statement that parses but is not valid (unknown names, type errors, bad properties). */
export class SqlPlanError extends EddyError {
  readonly code = 'SQL_PLAN'
  override readonly name = 'SqlPlanError'
  readonly span?: Span
  readonly hints: readonly string[]

  constructor(message: string, span?: Span, hints: readonly string[] = []) {
    super(message)
    if (span !== undefined) this.span = span
    this.hints = hints
  }
}

/** Where a record came from. */
export interface RecordRef {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/** A record that could not be deserialized or processed. */
export class RecordError extends EddyError {
  readonly code = 'RECORD'
  override readonly name = 'RecordError'
  readonly record: RecordRef

  constructor(message: string, record: RecordRef) {
    super(`${message} (topic ${record.topic}, partition ${record.partition}, offset ${record.offset})`)
    this.record = record
  }
}

/** A bug in Eddy: an invariant that user input should never be able to break. */
/**
 * A failure that stops a running query (ksqlDB's StreamsException), e.g. an invalid timestamp
 * with `ksql.timestamp.throw.on.invalid`. `record` says which record caused it.
 *
 * One thrown while an operator processes a record (DECIMAL SUM's overflow, say) is wrapped by the
 * query runner as Kafka Streams wraps it: "Exception caught in process. taskId=..., ...", the
 * original as its cause. `topLevel` marks one Kafka Streams raises itself, outside processing
 * (the timestamp extractor's), which stays as it is.
 */
export class QueryRuntimeError extends EddyError {
  readonly code = 'QUERY_RUNTIME'
  override readonly name = 'QueryRuntimeError'
  readonly record: RecordRef | undefined
  readonly topLevel: boolean

  constructor(message: string, record?: RecordRef, options?: { cause?: unknown; topLevel?: boolean }) {
    super(message, options)
    this.record = record
    this.topLevel = options?.topLevel ?? false
  }
}

export class InternalError extends EddyError {
  readonly code = 'INTERNAL'
  override readonly name = 'InternalError'
}

/** Position of `offset` in `text` as 1-based line and column. */
export function posAt(text: string, offset: number): Pos {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { offset, line, column: offset - lineStart + 1 }
}

/**
 * Renders an error for a person: the message, then — when the error has a position inside
 * `sqlText` — the statement line with a caret under the offending text. Used by the REPL,
 * `eddy run`, `eddy parse` and the server, so every surface shows errors the same way:
 *
 * ```
 * line 1:10: Syntax error at or near 'FORM'
 * SELECT * FORM orders EMIT CHANGES;
 *          ^^^^
 * ```
 */
export function formatDiagnostic(sqlText: string, err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const span = err instanceof SqlSyntaxError || err instanceof SqlPlanError ? err.span : undefined
  let headline = err.message
  if (err instanceof SqlSyntaxError) {
    // ksqlDB's detail ("line L:C: Syntax Error\n...") already names the place; the summary does not.
    headline = err.message.startsWith('line ')
      ? err.message
      : `line ${err.line}:${err.column}: ${err.message}`
  }
  if (span === undefined) return headline
  const lines = sqlText.split('\n')
  const lineText = (lines[span.start.line - 1] ?? '').replace(/\r$/, '')
  if (lineText.length === 0 && span.start.column > 1) return headline
  const startCol = Math.max(1, span.start.column)
  const width =
    span.end.line === span.start.line && span.end.column > span.start.column
      ? span.end.column - span.start.column
      : 1
  const caretWidth = Math.max(1, Math.min(width, lineText.length - startCol + 2))
  const pad = lineText.slice(0, startCol - 1).replace(/[^\t]/g, ' ')
  return `${headline}\n${lineText}\n${pad}${'^'.repeat(caretWidth)}`
}
