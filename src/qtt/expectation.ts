import type { ExpectedError } from './types.js'

/**
 * What a case's expected error says about parsing:
 * - `none`: no error expected; every statement must parse.
 * - `parse`: the statements must fail to parse (`ParseFailedException`, or no type and a
 *   `line L:C: Syntax Error` message).
 * - `statement`: an error raised while a statement is handled (`KsqlStatementException`,
 *   `KsqlException`, REST error entities, ...). ParseFailedException is one of these in ksqlDB, so a
 *   parse failure satisfies it only when its message matches.
 * - `runtime`: an error of the running topology (`StreamsException`); the statements must parse.
 */
export type ErrorExpectation =
  | { readonly kind: 'none' }
  | { readonly kind: 'parse'; readonly message?: string }
  | { readonly kind: 'statement'; readonly type?: string; readonly message?: string }
  | { readonly kind: 'runtime'; readonly type: string; readonly message?: string }

const SYNTAX_ERROR_MESSAGE = /^line \d+:\d+: Syntax Error/
const RUNTIME_TYPES = ['StreamsException']

function simpleName(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1)
}

export function classifyExpectation(expected: ExpectedError | undefined): ErrorExpectation {
  if (expected === undefined) return { kind: 'none' }
  const { type, message } = expected
  const withMessage = message === undefined ? {} : { message }
  if (type === undefined) {
    return message !== undefined && SYNTAX_ERROR_MESSAGE.test(message)
      ? { kind: 'parse', ...withMessage }
      : { kind: 'statement', ...withMessage }
  }
  if (type.endsWith('ParseFailedException')) return { kind: 'parse', ...withMessage }
  if (RUNTIME_TYPES.includes(simpleName(type))) return { kind: 'runtime', type, ...withMessage }
  return { kind: 'statement', type, ...withMessage }
}
