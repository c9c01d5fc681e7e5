import { createTokenInstance, EOF, type IToken } from 'chevrotain'
import type { Expr } from '../src/ast/expressions.js'
import type { Pos, Span } from '../src/ast/span.js'
import type { Statement } from '../src/ast/statements.js'
import { posAt, SqlSyntaxError } from '../src/errors.js'
import type { SingleExpressionCstNode, SingleStatementCstNode, TestSingleStatementCstNode } from './cst.js'
import { syntaxError, tokenSpan, tokenText } from './error-messages.js'
import { parser } from './parser.js'
import { singleExpressionToAst, singleStatementToAst } from './to-ast.js'
import { SEMICOLON, STRING, sqlLexer, UNTERMINATED_TOKENS, VARIABLE } from './tokens.js'

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
  /** The statement's text from its first to its last token, `${var}`s substituted. */
  readonly text: string
  readonly span: Span
}

/**
 * Parses a script of `;`-terminated statements. Throws only `SqlSyntaxError`.
 *
 * The text is lexed once and split at `;`. Statements are then handled in order: `${name}`
 * variables are substituted (from `options.variables` as updated by earlier DEFINE / UNDEFINE),
 * the statement is parsed and turned into an AST. Positions in errors and spans are relative to
 * `text`; a substituted value takes the position of its `${name}`.
 */
export function parseStatements(text: string, options: ParseOptions = {}): ParsedStatement[] {
  try {
    const variables = new Map(Object.entries(options.variables ?? {}))
    const substitute = options.substituteVariables !== false
    const startRule = options.testStatements === true ? 'testSingleStatement' : 'singleStatement'
    const result: ParsedStatement[] = []
    for (const tokens of splitStatements(lex(text))) {
      const replacements: Replacement[] = []
      const input = substitute ? substituteVariables(tokens, variables, replacements) : tokens
      const cst = runParser(input, startRule, true, text)
      const statement = singleStatementToAst(cst as SingleStatementCstNode | TestSingleStatementCstNode)
      const first = tokens[0] as IToken
      const last = lastBeforeSemicolon(tokens)
      const span: Span = { start: tokenSpan(first).start, end: tokenSpan(last).end }
      result.push({ statement, text: sliceWithReplacements(text, span, replacements), span })
      if (statement.kind === 'DefineVariable') variables.set(statement.name, statement.value)
      else if (statement.kind === 'UndefineVariable') variables.delete(statement.name)
    }
    return result
  } catch (error) {
    throw asSyntaxError(error, text)
  }
}

/** Parses a single expression (no trailing `;`). Throws only `SqlSyntaxError`. */
export function parseExpression(text: string): Expr {
  try {
    const cst = runParser(lex(text), 'singleExpression', false, text)
    return singleExpressionToAst(cst as SingleExpressionCstNode)
  } catch (error) {
    throw asSyntaxError(error, text)
  }
}

// ---------------------------------------------------------------------------------------------

type StartRule = 'singleStatement' | 'testSingleStatement' | 'singleExpression'

function runParser(tokens: IToken[], startRule: StartRule, statement: boolean, text: string) {
  const eof = posAt(text, text.length)
  parser.messages.context = { startRule, statement, eofLine: eof.line, eofColumn: eof.column }
  parser.messages.lastError = undefined
  parser.input = tokens
  const cst = parser[startRule]()
  const failure = parser.errors[0]
  if (failure === undefined) return cst
  const info = parser.messages.lastError ?? { token: failure.token, detail: '' }
  if (info.token.tokenType === EOF) {
    return throwAt({ start: eof, end: eof }, '<EOF>', info.detail)
  }
  return throwAt(tokenSpan(info.token), tokenText(info.token), info.detail)
}

function throwAt(span: Span, token: string, detail: string): never {
  throw syntaxError(span, token, detail)
}

/** Lexes the whole text; any lexer error (stray character, unterminated quote or comment) throws. */
function lex(text: string): IToken[] {
  const result = sqlLexer.tokenize(text)
  const lexError = result.errors[0]
  const unterminated = result.tokens.find((t) => UNTERMINATED_TOKENS.has(t.tokenType))
  if (unterminated !== undefined && (lexError === undefined || unterminated.startOffset < lexError.offset)) {
    const span = tokenSpan(unterminated)
    const char = unterminated.image[0] ?? ''
    const what = UNTERMINATED_TOKENS.get(unterminated.tokenType) ?? 'unterminated token'
    throwAt({ start: span.start, end: span.start }, char, `${what[0]?.toUpperCase()}${what.slice(1)}`)
  }
  if (lexError !== undefined) {
    const start = posAt(text, lexError.offset)
    const end: Pos = { offset: start.offset + 1, line: start.line, column: start.column + 1 }
    const char = text.slice(lexError.offset, lexError.offset + 1)
    throwAt({ start, end }, char, `Syntax error at or near '${char}' at line ${start.line}:${start.column}`)
  }
  return result.tokens
}

/** Groups tokens into statements, each ending with its `;` (the last may have none). */
function splitStatements(tokens: IToken[]): IToken[][] {
  const statements: IToken[][] = []
  let current: IToken[] = []
  for (const token of tokens) {
    current.push(token)
    if (token.tokenType === SEMICOLON) {
      statements.push(current)
      current = []
    }
  }
  if (current.length > 0) statements.push(current)
  return statements
}

function lastBeforeSemicolon(tokens: IToken[]): IToken {
  const last = tokens[tokens.length - 1] as IToken
  if (last.tokenType !== SEMICOLON || tokens.length === 1) return last
  return tokens[tokens.length - 2] as IToken
}

// ---------------------------------------------------------------------------------------------
// Variables

/** A substitution in the source text: `[start, end)` became `text`. */
interface Replacement {
  readonly start: number
  readonly end: number
  readonly text: string
}

const VARIABLE_IN_TEXT = /\$\{([A-Za-z_][A-Za-z0-9_@]*)\}/g

/**
 * Substitutes defined `${name}`s: a VARIABLE token becomes the tokens of its value (placed where
 * the variable was), and a string literal gets its `${name}`s replaced. Undefined variables stay;
 * to-ast rejects them where an identifier or literal is expected.
 */
function substituteVariables(
  tokens: IToken[],
  variables: ReadonlyMap<string, string>,
  replacements: Replacement[],
): IToken[] {
  if (!tokens.some((t) => t.tokenType === VARIABLE || (t.tokenType === STRING && t.image.includes('${')))) {
    return tokens
  }
  const out: IToken[] = []
  for (const token of tokens) {
    if (token.tokenType === VARIABLE) {
      const value = variables.get(token.image.slice(2, -1))
      if (value === undefined) {
        out.push(token)
        continue
      }
      replacements.push({ start: token.startOffset, end: token.endOffset! + 1, text: value })
      for (const valueToken of lexValue(value, token)) out.push(moveTo(valueToken, token, valueToken.image))
    } else if (token.tokenType === STRING && token.image.includes('${')) {
      const image = token.image.replace(
        VARIABLE_IN_TEXT,
        (whole, name: string) => variables.get(name) ?? whole,
      )
      if (image === token.image) {
        out.push(token)
        continue
      }
      replacements.push({ start: token.startOffset, end: token.endOffset! + 1, text: image })
      out.push(moveTo(token, token, image))
    } else {
      out.push(token)
    }
  }
  return out
}

/** The tokens of a variable's value; a value that does not lex is an error at the variable. */
function lexValue(value: string, at: IToken): IToken[] {
  const result = sqlLexer.tokenize(value)
  if (result.errors.length > 0 || result.tokens.some((t) => UNTERMINATED_TOKENS.has(t.tokenType))) {
    return throwAt(tokenSpan(at), at.image, `Illegal value for variable ${at.image}: '${value}'`)
  }
  return result.tokens
}

/** A copy of `token` with `image`, placed at `at`'s position. */
function moveTo(token: IToken, at: IToken, image: string): IToken {
  return createTokenInstance(
    token.tokenType,
    image,
    at.startOffset,
    at.endOffset ?? at.startOffset,
    at.startLine ?? 1,
    at.endLine ?? 1,
    at.startColumn ?? 1,
    at.endColumn ?? 1,
  )
}

function sliceWithReplacements(text: string, span: Span, replacements: readonly Replacement[]): string {
  let out = ''
  let position = span.start.offset
  for (const r of replacements) {
    out += text.slice(position, r.start) + r.text
    position = r.end
  }
  return out + text.slice(position, span.end.offset)
}

// ---------------------------------------------------------------------------------------------

/** Anything but a SqlSyntaxError escaping the parser is a bug; it still surfaces as a SqlSyntaxError. */
function asSyntaxError(error: unknown, text: string): SqlSyntaxError {
  if (error instanceof SqlSyntaxError) return error
  const start = posAt(text, 0)
  const message = error instanceof Error ? error.message : String(error)
  return new SqlSyntaxError(`Internal parser error: ${message}`, { start, end: start }, '')
}
