import { parseStatements } from '../../grammar/parse.js'
import { formatStatement } from '../ast/format.js'
import { EddyError, InternalError, SqlSyntaxError } from '../errors.js'
import type { ExpectedError } from './types.js'

/**
 * Matching a case's `expectedException` against what Eddy threw. ksqlDB names Java classes; Eddy
 * sorts its errors by who is at fault. One table maps the first onto the second.
 */

/** Where the error surfaced: while a statement was handled, or while the queries ran. */
export type ErrorPhase = 'statement' | 'runtime'

/**
 * - `syntax`: a `SqlSyntaxError` (the text does not parse);
 * - `plan`: any other EddyError from a statement (SqlPlanError, a topic failure, ...);
 * - `runtime`: an EddyError thrown by the running queries (`runUntilIdle`);
 * - `internal`: an `InternalError` or a non-Eddy exception: a bug, never an expected failure.
 */
export type ErrorKind = 'syntax' | 'plan' | 'runtime' | 'internal'

/**
 * ksqlDB exception classes (by simple name) → the Eddy error kinds that satisfy an instance-of check
 * on them. KsqlStatementException and ParseFailedException are KsqlExceptions; ksqlDB wraps parse
 * errors of a statement in a KsqlStatementException too. StreamsException is what a failing
 * topology throws.
 */
export const EXCEPTION_KINDS: ReadonlyMap<string, readonly ErrorKind[]> = new Map<
  string,
  readonly ErrorKind[]
>([
  ['KsqlStatementException', ['syntax', 'plan']],
  ['KsqlException', ['syntax', 'plan']],
  ['ParseFailedException', ['syntax']],
  ['StreamsException', ['runtime']],
])

/** What the runner caught. */
export interface CaughtError {
  readonly error: unknown
  readonly phase: ErrorPhase
  /** The statement being handled (phase `statement`), as submitted. */
  readonly statement?: string
}

export function simpleClassName(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1)
}

export function errorKind(caught: CaughtError): ErrorKind {
  const err = caught.error
  if (!(err instanceof EddyError) || err instanceof InternalError) return 'internal'
  if (caught.phase === 'runtime') return 'runtime'
  return err instanceof SqlSyntaxError ? 'syntax' : 'plan'
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The statement as ksqlDB's formatter prints it (the text KsqlStatementException quotes), if it parses. */
function formattedStatement(text: string): string | undefined {
  try {
    const parsed = parseStatements(text)
    return parsed.length === 1 && parsed[0] !== undefined ? formatStatement(parsed[0].statement) : undefined
  } catch {
    return undefined
  }
}

/**
 * The texts ksqlDB's matcher could see for this error: the message, a syntax error's one-line
 * summary, and the message as KsqlStatementException builds it (`<message>\nStatement: <sql>`,
 * with the statement as submitted or as ksqlDB formats it).
 */
export function errorMessages(caught: CaughtError): string[] {
  const err = caught.error
  const message = errorMessage(err)
  const texts = [message]
  if (err instanceof SqlSyntaxError && err.summary !== message) texts.push(err.summary)
  // ksqlDB wraps errors of its prepare phase (parse + AST building) in this prefix.
  if (err instanceof SqlSyntaxError || (err instanceof EddyError && err.prepare)) {
    texts.push(`Failed to prepare statement: ${message}`)
  }
  const stmt = caught.statement?.trim()
  if (caught.phase === 'statement' && stmt !== undefined && stmt !== '') {
    const bare = stmt.endsWith(';') ? stmt.slice(0, -1) : stmt
    texts.push(`${message}\nStatement: ${bare}`, `${message}\nStatement: ${stmt}`)
    const formatted = formattedStatement(stmt)
    if (formatted !== undefined) texts.push(`${message}\nStatement: ${formatted}`)
  }
  if (err instanceof EddyError && err.statementText !== undefined) {
    texts.push(`${message}\nStatement: ${err.statementText}`)
  }
  return texts
}

function causeOf(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined
}

export type ExpectationCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string }

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text
  return line.length > 200 ? `${line.slice(0, 200)}...` : line
}

function describeCaught(caught: CaughtError): string {
  const err = caught.error
  const name = err instanceof Error ? err.name : typeof err
  return `${name} (${caught.phase}): ${JSON.stringify(firstLine(errorMessage(err)))}`
}

function typeMatches(type: string, kind: ErrorKind): boolean | undefined {
  const kinds = EXCEPTION_KINDS.get(simpleClassName(type))
  return kinds === undefined ? undefined : kinds.includes(kind)
}

/**
 * Checks an expected exception against the error that happened (or `undefined`: nothing failed).
 * `type` goes through `EXCEPTION_KINDS`; `message` is a substring of one of `errorMessages`.
 * `cause` / `causeMessage` are checked against the error's `cause` when it has one, else against
 * the error itself (Eddy rarely chains errors).
 */
export function checkExpectedError(
  expected: ExpectedError,
  caught: CaughtError | undefined,
): ExpectationCheck {
  const want = [expected.type, expected.message === undefined ? undefined : JSON.stringify(expected.message)]
    .filter((s) => s !== undefined)
    .join(' ')
  if (caught === undefined) return { ok: false, reason: `expected ${want}, but nothing failed` }
  const kind = errorKind(caught)
  if (kind === 'internal') {
    return { ok: false, reason: `expected ${want}, but got an internal error: ${describeCaught(caught)}` }
  }
  if (expected.type !== undefined) {
    const m = typeMatches(expected.type, kind)
    if (m === undefined) return { ok: false, reason: `unknown expected exception type ${expected.type}` }
    if (!m) return { ok: false, reason: `expected ${want}, but got ${describeCaught(caught)}` }
  }
  if (expected.message !== undefined) {
    const msg = expected.message
    if (!errorMessages(caught).some((t) => t.includes(msg))) {
      return { ok: false, reason: `expected ${want}, but got ${describeCaught(caught)}` }
    }
  }
  const cause = causeOf(caught.error)
  const causeCaught: CaughtError = cause === undefined ? caught : { error: cause, phase: caught.phase }
  if (expected.cause !== undefined && cause !== undefined) {
    const m = typeMatches(expected.cause, errorKind(causeCaught))
    if (m === false) {
      return { ok: false, reason: `expected cause ${expected.cause}, but got ${describeCaught(causeCaught)}` }
    }
  }
  if (expected.causeMessage !== undefined) {
    const msg = expected.causeMessage
    const texts = [...errorMessages(causeCaught), ...errorMessages(caught)]
    if (!texts.some((t) => t.includes(msg))) {
      return {
        ok: false,
        reason: `expected cause message ${JSON.stringify(msg)}, but got ${describeCaught(causeCaught)}`,
      }
    }
  }
  return { ok: true }
}
