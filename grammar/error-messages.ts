import {
  createTokenInstance,
  EOF,
  type IParserErrorMessageProvider,
  type ISyntacticContentAssistPath,
  type IToken,
  type TokenType,
  tokenMatcher,
} from 'chevrotain'
import type { Span } from '../src/ast/span.js'
import { RESERVED_WORDS } from '../src/ast/keywords.js'
import { SqlSyntaxError } from '../src/errors.js'
import { categoryTokens, displayTokenType, Keyword, SEMICOLON } from './tokens.js'

/** What went wrong, for `parse.ts` to turn into a `SqlSyntaxError`. */
export interface SyntaxErrorInfo {
  /** The offending token, as ANTLR would report it (an EOF token at the end of input). */
  readonly token: IToken
  /** ksqlDB's detail line(s) after `Syntax Error\n`; may be empty. */
  readonly detail: string
}

/** Where the current parse is; set by `parse.ts` before each parse. */
export interface ParseContext {
  /** The rule being parsed from (for content assist). */
  readonly startRule: string
  /** Whether the first token starts a statement ("Unknown statement 'X'" when it is wrong). */
  readonly statement: boolean
  /** Line and column of the end of input (ANTLR's EOF token position). */
  readonly eofLine: number
  readonly eofColumn: number
}

interface ParserView {
  readonly input: IToken[]
  computeContentAssist(startRuleName: string, precedingInput: IToken[]): ISyntacticContentAssistPath[]
}

/** The statement keywords ksqlDB's SyntaxErrorValidator suggests from ("Did you mean ...?"). */
const COMMANDS = [
  'SELECT',
  'CREATE',
  'INSERT',
  'DESCRIBE',
  'PRINT',
  'EXPLAIN',
  'SHOW',
  'LIST',
  'TERMINATE',
  'PAUSE',
  'RESUME',
  'DROP',
  'SET',
  'DEFINE',
  'UNDEFINE',
  'UNSET',
  'ASSERT',
  'ALTER',
]

/** Categories stand for many token types: ANTLR lists them as a long set, which ksqlDB does not print. */
const CATEGORIES: ReadonlySet<TokenType> = new Set(categoryTokens)

/** Longest preceding input for which "missing X at Y" is worked out (content assist is not free). */
const MAX_ASSIST_TOKENS = 400

/**
 * Chevrotain's `errorMessageProvider`, producing ksqlDB's wording. ksqlDB reports the first ANTLR
 * error through its `SyntaxErrorValidator`, which rewrites ANTLR's message:
 * - a wrong first token of a statement: `Unknown statement 'X'\nDid you mean 'Y'?`
 * - no viable alternative: `Syntax error at or near 'X' at line L:C`
 * - a missing token ANTLR would insert: ANTLR's own `missing ')' at ','`
 * - an extraneous reserved word: `"X" is a reserved keyword and it can't be used as an identifier...`
 * - other mismatches: `Expecting <token>` (ANTLR prints it when it expects at most three tokens);
 *   at the end of input: `Syntax error at or near ";"\n'}', ']', or ')' is missing`.
 * Each builder also records a structured `SyntaxErrorInfo` (`lastError`), read by `parse.ts`.
 */
export class SyntaxErrorMessages implements IParserErrorMessageProvider {
  private parser: ParserView | undefined
  context: ParseContext = { startRule: 'singleStatement', statement: true, eofLine: 1, eofColumn: 1 }
  lastError: SyntaxErrorInfo | undefined

  attach(parser: ParserView): void {
    this.parser = parser
  }

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken }): string {
    const { expected, actual } = options
    const input = this.parser?.input ?? []
    const index = this.indexOf(actual)
    let detail: string
    if (index === 0 && this.context.statement) {
      detail = unknownStatement(actual)
    } else if (!isEof(actual) && tokenMatcher(input[index + 1] ?? eofToken(), expected)) {
      // ANTLR's single-token deletion: the token after the offending one is the expected one.
      detail = isReservedWord(actual) ? reservedWordMessage(actual.image) : expectations(expected, actual)
    } else if (this.canFollow(actual, expected, index)) {
      // ANTLR's single-token insertion.
      detail = `missing ${displayTokenType(expected)} at ${quoteToken(actual)}`
    } else {
      detail = expectations(expected, actual)
    }
    return this.record(actual, detail)
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken }): string {
    return this.record(options.firstRedundant, this.nearMessage(options.firstRedundant))
  }

  buildNoViableAltMessage(options: { expectedPathsPerAlt: TokenType[][][]; actual: IToken[] }): string {
    return this.noViable(options.expectedPathsPerAlt.flat(), options.actual)
  }

  buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[] }): string {
    return this.noViable(options.expectedIterationPaths, options.actual)
  }

  /**
   * ANTLR reports a failed prediction at the token where every alternative died; Chevrotain at
   * the first lookahead token. Re-walk the lookahead paths to find ANTLR's token.
   */
  private noViable(paths: TokenType[][], actual: IToken[]): string {
    let matched = 0
    for (const path of paths) {
      let k = 0
      while (k < path.length && k < actual.length - 1) {
        const token = actual[k]
        const type = path[k]
        if (token === undefined || type === undefined || !tokenMatcher(token, type)) break
        k++
      }
      if (k < path.length && k > matched) matched = k
    }
    const token = actual[matched] ?? actual[0] ?? eofToken()
    const detail =
      this.indexOf(token) === 0 && this.context.statement ? unknownStatement(token) : this.nearMessage(token)
    return this.record(token, detail)
  }

  private nearMessage(token: IToken): string {
    const [line, column] = isEof(token)
      ? [this.context.eofLine, this.context.eofColumn]
      : [token.startLine ?? 1, token.startColumn ?? 1]
    return `Syntax error at or near '${tokenText(token)}' at line ${line}:${column}`
  }

  /** Whether `actual` could come right after an inserted `expected` (ANTLR's single-token insertion). */
  private canFollow(actual: IToken, expected: TokenType, index: number): boolean {
    if (isEof(actual)) return expected === SEMICOLON
    const parser = this.parser
    if (parser === undefined || index > MAX_ASSIST_TOKENS || CATEGORIES.has(expected)) return false
    const inserted = createTokenInstance(
      expected,
      '',
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    )
    try {
      const paths = parser.computeContentAssist(this.context.startRule, [
        ...parser.input.slice(0, index),
        inserted,
      ])
      return paths.some((path) => tokenMatcher(actual, path.nextTokenType))
    } catch {
      return false
    }
  }

  private indexOf(token: IToken): number {
    const input = this.parser?.input ?? []
    if (isEof(token)) return input.length
    const index = input.indexOf(token)
    return index < 0 ? input.length : index
  }

  private record(token: IToken, detail: string): string {
    this.lastError = { token, detail }
    return detail
  }
}

function isEof(token: IToken): boolean {
  return token.tokenType === EOF
}

function eofToken(): IToken {
  return createTokenInstance(EOF, '', Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN)
}

/** A token's text as ksqlDB quotes it ("at or near 'X'"). */
export function tokenText(token: IToken): string {
  return isEof(token) ? '<EOF>' : token.image
}

/** ANTLR's getTokenErrorDisplay: the text in quotes, whitespace escaped. */
function quoteToken(token: IToken): string {
  const text = tokenText(token).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
  return `'${text}'`
}

function isReservedWord(token: IToken): boolean {
  return tokenMatcher(token, Keyword) && RESERVED_WORDS.has(token.image.toUpperCase())
}

function reservedWordMessage(text: string): string {
  return (
    `"${text}" is a reserved keyword and it can't be used as an identifier. ` +
    `You can use it as an identifier by escaping it as '${text}' `
  )
}

function expectations(expected: TokenType, actual: IToken): string {
  if (isEof(actual) || expected === EOF) return `Syntax error at or near ";"\n'}', ']', or ')' is missing`
  if (CATEGORIES.has(expected)) return ''
  return `Expecting ${displayTokenType(expected)}`
}

function unknownStatement(token: IToken): string {
  const text = tokenText(token)
  return `Unknown statement '${text}'\nDid you mean '${mostSimilarCommand(text)}'?`
}

function mostSimilarCommand(word: string): string {
  const target = word.toUpperCase()
  let best = COMMANDS[0] ?? ''
  let min = Number.POSITIVE_INFINITY
  for (const command of COMMANDS) {
    const distance = levenshtein(command, target)
    if (distance < min) {
      min = distance
      best = command
    }
  }
  return best
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The source range of a token (not an EOF token). */
export function tokenSpan(token: IToken): Span {
  return {
    start: { offset: token.startOffset, line: token.startLine ?? 1, column: token.startColumn ?? 1 },
    end: {
      offset: (token.endOffset ?? token.startOffset) + 1,
      line: token.endLine ?? token.startLine ?? 1,
      column: (token.endColumn ?? token.startColumn ?? 0) + 1,
    },
  }
}

/**
 * A syntax error at `span` in ksqlDB's form: message `line L:C: Syntax Error\n<detail>`, summary
 * `Syntax error at or near 'X' at line L:C`.
 */
export function syntaxError(span: Span, tokenText: string, detail: string): SqlSyntaxError {
  const where = `line ${span.start.line}:${span.start.column}`
  const message = detail === '' ? `${where}: Syntax Error` : `${where}: Syntax Error\n${detail}`
  return new SqlSyntaxError(message, span, tokenText, `Syntax error at or near '${tokenText}' at ${where}`)
}

/** A syntax error at a token, with ksqlDB's "at or near" detail. */
export function syntaxErrorAtToken(token: IToken): SqlSyntaxError {
  const span = tokenSpan(token)
  const detail = `Syntax error at or near '${token.image}' at line ${span.start.line}:${span.start.column}`
  return syntaxError(span, token.image, detail)
}

/**
 * A failure of one of ksqlDB's checks while it builds the AST (there: "Failed to prepare
 * statement: ..."). The message is ksqlDB's text; the summary adds the prefix, so that both forms
 * of ksqlDB's message are found in one of the two.
 */
export function prepareError(text: string, span: Span, token: string): SqlSyntaxError {
  return new SqlSyntaxError(text, span, token, `Failed to prepare statement: ${text}`)
}

/** A check ksqlDB fails with a ParseFailedException of its own text (no prefix). */
export function parseFailed(text: string, span: Span, token: string): SqlSyntaxError {
  return new SqlSyntaxError(text, span, token)
}
