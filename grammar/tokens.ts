import { createToken, Lexer, type TokenType } from 'chevrotain'
import { KEYWORD_TEXTS, type KeywordText, NON_RESERVED } from '../src/ast/keywords.js'

/**
 * The lexical grammar of ksqlDB's `SqlBase.g4`, as Chevrotain tokens.
 *
 * - Keywords are case-insensitive (`/SELECT/i`) with `longer_alt: IDENTIFIER`, so `SELECTED` is an
 *   identifier. They are tried longest first, so `INNER` is not lexed as `IN` + `NER`.
 * - Token families are `Lexer.NA` categories: every keyword is a `Keyword`; the keywords of ksqlDB's
 *   `nonReserved` rule are also `NonReserved` and `IdentifierLike`, so the parser's `identifier` rule
 *   is one `CONSUME(IdentifierLike)`.
 * - Token names are ksqlDB's symbolic names (`SELECT`, `INTEGER_VALUE`, ...): they key the CST and
 *   error messages show them the way ANTLR does (`'SELECT'`, `')'`, `STRING`).
 */

// ---------------------------------------------------------------------------------------------
// Categories

export const IdentifierLike = createToken({ name: 'IdentifierLike', pattern: Lexer.NA })
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA })
export const NonReserved = createToken({
  name: 'NonReserved',
  pattern: Lexer.NA,
  categories: [IdentifierLike],
})
export const NumberValue = createToken({ name: 'NumberValue', pattern: Lexer.NA })
export const TimeUnitToken = createToken({ name: 'TimeUnitToken', pattern: Lexer.NA })
/** `+ - * / % ||`: the binary operators of `valueExpression`, kept in one CST list to preserve order. */
export const ArithmeticOp = createToken({ name: 'ArithmeticOp', pattern: Lexer.NA })
/** `AND` / `OR` between boolean terms. */
export const LogicalOp = createToken({ name: 'LogicalOp', pattern: Lexer.NA })
export const ComparisonOp = createToken({ name: 'ComparisonOp', pattern: Lexer.NA })
/** Unary `+` / `-`. */
export const Sign = createToken({ name: 'Sign', pattern: Lexer.NA })

// ---------------------------------------------------------------------------------------------
// Identifiers, literals, trivia

export const IDENTIFIER = createToken({
  name: 'IDENTIFIER',
  pattern: /[A-Za-z_][A-Za-z0-9_@]*/,
  categories: [IdentifierLike],
})
export const DIGIT_IDENTIFIER = createToken({
  name: 'DIGIT_IDENTIFIER',
  pattern: /[0-9][A-Za-z0-9_@]+/,
  categories: [IdentifierLike],
})
export const QUOTED_IDENTIFIER = createToken({
  name: 'QUOTED_IDENTIFIER',
  pattern: /"(?:[^"]|"")*"/,
  line_breaks: true,
  categories: [IdentifierLike],
})
export const BACKQUOTED_IDENTIFIER = createToken({
  name: 'BACKQUOTED_IDENTIFIER',
  pattern: /`(?:[^`]|``)*`/,
  line_breaks: true,
  categories: [IdentifierLike],
})
export const VARIABLE = createToken({
  name: 'VARIABLE',
  pattern: /\$\{[A-Za-z_][A-Za-z0-9_@]*\}/,
  categories: [IdentifierLike],
})
export const STRING = createToken({ name: 'STRING', pattern: /'(?:[^']|'')*'/, line_breaks: true })
export const FLOATING_POINT_VALUE = createToken({
  name: 'FLOATING_POINT_VALUE',
  pattern: /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+/,
  longer_alt: DIGIT_IDENTIFIER,
  categories: [NumberValue],
})
export const DECIMAL_VALUE = createToken({
  name: 'DECIMAL_VALUE',
  pattern: /[0-9]+\.[0-9]*|\.[0-9]+/,
  categories: [NumberValue],
})
export const INTEGER_VALUE = createToken({
  name: 'INTEGER_VALUE',
  pattern: /[0-9]+/,
  longer_alt: DIGIT_IDENTIFIER,
  categories: [NumberValue],
})

export const WHITESPACE = createToken({ name: 'WHITESPACE', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED })
/** `-- ...` to the end of the line; `--@...` directives of the SQL test runner are comments too. */
export const LINE_COMMENT = createToken({ name: 'LINE_COMMENT', pattern: /--[^\r\n]*/, group: Lexer.SKIPPED })
export const BLOCK_COMMENT = createToken({
  name: 'BLOCK_COMMENT',
  pattern: /\/\*[\s\S]*?\*\//,
  line_breaks: true,
  group: Lexer.SKIPPED,
})

/**
 * Error tokens: an opening quote or comment that is never closed. They only match when the
 * well-formed token above failed, and `parse.ts` turns them into a `SqlSyntaxError`.
 */
export const UNTERMINATED_STRING = createToken({
  name: 'UNTERMINATED_STRING',
  pattern: /'(?:[^']|'')*/,
  line_breaks: true,
})
export const UNTERMINATED_QUOTED_IDENTIFIER = createToken({
  name: 'UNTERMINATED_QUOTED_IDENTIFIER',
  pattern: /"(?:[^"]|"")*/,
  line_breaks: true,
})
export const UNTERMINATED_BACKQUOTED_IDENTIFIER = createToken({
  name: 'UNTERMINATED_BACKQUOTED_IDENTIFIER',
  pattern: /`(?:[^`]|``)*/,
  line_breaks: true,
})
export const UNTERMINATED_COMMENT = createToken({
  name: 'UNTERMINATED_COMMENT',
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
})

export const UNTERMINATED_TOKENS: ReadonlyMap<TokenType, string> = new Map([
  [UNTERMINATED_STRING, 'unterminated string literal'],
  [UNTERMINATED_QUOTED_IDENTIFIER, 'unterminated quoted identifier'],
  [UNTERMINATED_BACKQUOTED_IDENTIFIER, 'unterminated quoted identifier'],
  [UNTERMINATED_COMMENT, 'unterminated comment'],
])

// ---------------------------------------------------------------------------------------------
// Operators and punctuation

export const LAMBDA_EXPRESSION = createToken({ name: 'LAMBDA_EXPRESSION', pattern: '=>' })
export const ASSIGN = createToken({ name: 'ASSIGN', pattern: ':=' })
export const STRUCT_FIELD_REF = createToken({ name: 'STRUCT_FIELD_REF', pattern: '->' })
export const CONCAT = createToken({ name: 'CONCAT', pattern: '||', categories: [ArithmeticOp] })
export const NEQ = createToken({ name: 'NEQ', pattern: /<>|!=/, categories: [ComparisonOp] })
export const LTE = createToken({ name: 'LTE', pattern: '<=', categories: [ComparisonOp] })
export const GTE = createToken({ name: 'GTE', pattern: '>=', categories: [ComparisonOp] })
export const LT = createToken({ name: 'LT', pattern: '<', categories: [ComparisonOp] })
export const GT = createToken({ name: 'GT', pattern: '>', categories: [ComparisonOp] })
export const EQ = createToken({ name: 'EQ', pattern: '=', categories: [ComparisonOp] })
export const PLUS = createToken({ name: 'PLUS', pattern: '+', categories: [ArithmeticOp, Sign] })
export const MINUS = createToken({ name: 'MINUS', pattern: '-', categories: [ArithmeticOp, Sign] })
export const ASTERISK = createToken({ name: 'ASTERISK', pattern: '*', categories: [ArithmeticOp] })
export const SLASH = createToken({ name: 'SLASH', pattern: '/', categories: [ArithmeticOp] })
export const PERCENT = createToken({ name: 'PERCENT', pattern: '%', categories: [ArithmeticOp] })
export const LPAREN = createToken({ name: 'LPAREN', pattern: '(' })
export const RPAREN = createToken({ name: 'RPAREN', pattern: ')' })
export const LBRACKET = createToken({ name: 'LBRACKET', pattern: '[' })
export const RBRACKET = createToken({ name: 'RBRACKET', pattern: ']' })
export const COMMA = createToken({ name: 'COMMA', pattern: ',' })
export const DOT = createToken({ name: 'DOT', pattern: '.' })
export const SEMICOLON = createToken({ name: 'SEMICOLON', pattern: ';' })

// ---------------------------------------------------------------------------------------------
// Keywords

const TIME_UNITS: ReadonlySet<KeywordText> = new Set<KeywordText>([
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'DAYS',
  'HOURS',
  'MINUTES',
  'SECONDS',
  'MILLISECONDS',
])

function keywordToken(text: KeywordText): TokenType {
  const categories = [Keyword]
  if (NON_RESERVED.has(text)) categories.push(NonReserved)
  if (TIME_UNITS.has(text)) categories.push(TimeUnitToken)
  if (text === 'AND' || text === 'OR') categories.push(LogicalOp)
  return createToken({
    // The STRING keyword (a type name) would clash with the STRING literal token.
    name: text === 'STRING' ? 'STRING_KW' : text,
    pattern: new RegExp(text, 'i'),
    longer_alt: IDENTIFIER,
    categories,
    // What Chevrotain would find by analysing the pattern (~20 ms of start-up for the keywords):
    // no line break inside, and the first letter in either case starts a match.
    line_breaks: false,
    start_chars_hint: [text.charAt(0), text.charAt(0).toLowerCase()],
  })
}

/** Keyword tokens by their text: `K.SELECT`. */
export const K: Readonly<Record<KeywordText, TokenType>> = Object.fromEntries(
  KEYWORD_TEXTS.map((text) => [text, keywordToken(text)]),
) as Record<KeywordText, TokenType>

// ---------------------------------------------------------------------------------------------
// The lexer

/** Longest keyword first, so that a keyword never matches the prefix of a longer one. */
const keywordsLongestFirst = [...KEYWORD_TEXTS]
  .sort((a, b) => b.length - a.length || a.localeCompare(b))
  .map((text) => K[text])

/** Every token the lexer produces, in matching order. */
const lexerTokens: TokenType[] = [
  WHITESPACE,
  LINE_COMMENT,
  BLOCK_COMMENT,
  UNTERMINATED_COMMENT,
  STRING,
  UNTERMINATED_STRING,
  QUOTED_IDENTIFIER,
  UNTERMINATED_QUOTED_IDENTIFIER,
  BACKQUOTED_IDENTIFIER,
  UNTERMINATED_BACKQUOTED_IDENTIFIER,
  VARIABLE,
  FLOATING_POINT_VALUE,
  DECIMAL_VALUE,
  INTEGER_VALUE,
  DIGIT_IDENTIFIER,
  LAMBDA_EXPRESSION,
  ASSIGN,
  STRUCT_FIELD_REF,
  CONCAT,
  NEQ,
  LTE,
  GTE,
  LT,
  GT,
  EQ,
  PLUS,
  MINUS,
  ASTERISK,
  SLASH,
  PERCENT,
  LPAREN,
  RPAREN,
  LBRACKET,
  RBRACKET,
  COMMA,
  DOT,
  SEMICOLON,
  ...keywordsLongestFirst,
  IDENTIFIER,
]

/** Token categories: each stands for many token types and is never produced by the lexer itself. */
export const categoryTokens: readonly TokenType[] = [
  IdentifierLike,
  Keyword,
  NonReserved,
  NumberValue,
  TimeUnitToken,
  ArithmeticOp,
  LogicalOp,
  ComparisonOp,
  Sign,
]

/** The parser's vocabulary: the lexer's tokens plus the categories. */
export const allTokens: TokenType[] = [...lexerTokens, ...categoryTokens]

/**
 * The SQL lexer. Lines end at `\n` only (a lone `\r` is not a line break), as in ANTLR and `posAt`.
 * `validate` runs Chevrotain's definition checks (unreachable or empty patterns, ...): they cost
 * ~50 ms of start-up and find nothing in a lexer that passed them once, so the shared `sqlLexer`
 * skips them and test/grammar/validation.test.ts runs them.
 */
export function createSqlLexer(options: { readonly validate?: boolean } = {}): Lexer {
  return new Lexer(lexerTokens, {
    ensureOptimizations: true,
    positionTracking: 'full',
    lineTerminatorsPattern: /\n/g,
    lineTerminatorCharacters: ['\n'],
    skipValidations: options.validate !== true,
  })
}

export const sqlLexer = createSqlLexer()

/**
 * How ANTLR (and so ksqlDB) shows a token type in "expecting ..." messages: the literal in quotes
 * for keywords and punctuation, the symbolic name for the rest.
 */
export function displayTokenType(type: TokenType): string {
  if (type.name === 'EOF') return '<EOF>'
  if (type.name === 'STRING_KW') return "'STRING'"
  if (keywordNames.has(type.name)) return `'${type.name}'`
  if (typeof type.PATTERN === 'string') return `'${type.PATTERN}'`
  return type.name
}

const keywordNames: ReadonlySet<string> = new Set(KEYWORD_TEXTS)
