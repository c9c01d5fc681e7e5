import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ParsedStatement, parseExpression, parseStatements } from '../../grammar/parse.js'
import { formatExpression, formatStatement } from '../../src/ast/format.js'
import type {
  ArithmeticOp,
  ComparisonOp,
  Expr,
  PrimitiveTypeName,
  SqlType,
  Statement,
  TimeUnit,
} from '../../src/ast/index.js'
import { NO_SPAN } from '../../src/ast/index.js'
import { stripSpans } from '../../src/ast/strip-spans.js'
import { loadTestFile } from '../../src/qtt/load.js'
import { conformanceRoot } from '../../src/qtt/paths.js'

/**
 * `parse(format(ast))` equals `ast` (spans aside) for every statement of the conformance corpus
 * that parses, and for random expression trees. Statements that do not parse are the parser's
 * business and are not counted here.
 */

const CONFORMANCE = conformanceRoot()
const JSON_DIRS = ['ksqldb-qtt', 'ksqldb-rqtt', 'ksqldb-qtt-registry']
const SQL_DIRS = ['ksqldb-sqltests', 'ksqldb-test-runner']

function filesUnder(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return filesUnder(path, ext)
      return name.endsWith(ext) ? [path] : []
    })
}

/** A script cut at top-level `;` (outside quotes and comments), each piece keeping its `;`. */
function splitScript(text: string): string[] {
  const pieces: string[] = []
  let start = 0
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === "'" || c === '"' || c === '`') {
      i++
      while (i < text.length && text[i] !== c) i++
      i++
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 2
    } else if (c === ';') {
      pieces.push(text.slice(start, ++i))
      start = i
    } else {
      i++
    }
  }
  if (text.slice(start).trim() !== '') pieces.push(text.slice(start))
  return pieces
}

/** The statement lists of a QTT/RQTT file: one per variant, `{FORMAT}` substituted by the loader. */
function jsonScripts(path: string): (readonly string[])[] {
  return loadTestFile(path).variants.map((v) => v.statements)
}

interface Failure {
  readonly text: string
  readonly formatted: string
  readonly problem: string
}

interface Outcome {
  checked: number
  readonly failures: Failure[]
}

/**
 * Parses each statement in order (DEFINE / UNDEFINE carried along, as a script would), and checks
 * that every statement that parses survives format → parse.
 */
function checkScript(statements: readonly string[], outcome: Outcome): void {
  const variables: Record<string, string> = {}
  for (const text of statements) {
    let parsed: ParsedStatement[]
    try {
      parsed = parseStatements(text, { testStatements: true, variables })
    } catch {
      continue
    }
    for (const { statement } of parsed) {
      if (statement.kind === 'DefineVariable') variables[statement.name] = statement.value
      if (statement.kind === 'UndefineVariable') delete variables[statement.name]
      outcome.checked++
      const problem = roundtripProblem(statement)
      if (problem !== undefined) outcome.failures.push({ text: text.trim(), ...problem })
    }
  }
}

function roundtripProblem(statement: Statement): Omit<Failure, 'text'> | undefined {
  const formatted = formatStatement(statement)
  let reparsed: ParsedStatement[]
  try {
    reparsed = parseStatements(`${formatted};`, { testStatements: true, substituteVariables: false })
  } catch (err) {
    return { formatted, problem: `does not parse: ${(err as Error).message.split('\n')[0]}` }
  }
  const expected = JSON.stringify(stripSpans(statement))
  const actual = JSON.stringify(reparsed.map((p) => stripSpans(p.statement)))
  if (actual !== `[${expected}]`)
    return { formatted, problem: `reads back as ${actual}\nexpected [${expected}]` }
  return undefined
}

const corpusFiles = [
  ...JSON_DIRS.flatMap((d) => filesUnder(join(CONFORMANCE, d), '.json')),
  ...SQL_DIRS.flatMap((d) => filesUnder(join(CONFORMANCE, d), '.sql')),
]
const totals: Outcome = { checked: 0, failures: [] }

describe(`format roundtrip over the conformance corpus (${CONFORMANCE})`, () => {
  it.each(corpusFiles.map((path) => [relative(CONFORMANCE, path), path]))('%s', (_name, path) => {
    const outcome: Outcome = { checked: 0, failures: [] }
    const scripts = path.endsWith('.json') ? jsonScripts(path) : [splitScript(readFileSync(path, 'utf8'))]
    for (const script of scripts) checkScript(script, outcome)
    totals.checked += outcome.checked
    totals.failures.push(...outcome.failures)
    expect(outcome.failures, `${basename(path)}: ${outcome.checked} statements checked`).toEqual([])
  })

  it('found the corpus (EDDY_CONFORMANCE_DIR) and checked statements from it', () => {
    expect(corpusFiles.length).toBeGreaterThan(0)
    expect(totals.checked).toBeGreaterThan(0)
  })
})

// ---------------------------------------------------------------------------------------------
// Random expressions

const span = NO_SPAN

/** Identifiers: plain, reserved or keyword-like (read back only when quoted), and arbitrary text. */
const identifier: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Z_][A-Z0-9_@]{0,5}$/),
  fc.constantFrom('SELECT', 'FROM', 'TRUE', 'NULL', 'KEY', 'SESSION', 'ID', 'END', 'lower', 'Mixed', '1X'),
  fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('${')),
)

const text = fc.string({ maxLength: 8 }).filter((s) => !s.includes('${'))

const primitiveType = fc.constantFrom<PrimitiveTypeName>(
  'BOOLEAN',
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'STRING',
  'BYTES',
  'DATE',
  'TIME',
  'TIMESTAMP',
)

const sqlType: fc.Memo<SqlType> = fc.memo((n) => {
  const leaf = fc.oneof(
    primitiveType.map((name): SqlType => ({ kind: 'PrimitiveType', span, name })),
    fc
      .integer({ min: 1, max: 38 })
      .chain((precision) =>
        fc.record({ precision: fc.constant(precision), scale: fc.nat({ max: precision }) }),
      )
      .map(({ precision, scale }): SqlType => ({ kind: 'DecimalType', span, precision, scale })),
  )
  if (n <= 1) return leaf
  const inner = sqlType(n - 1)
  return fc.oneof(
    leaf,
    inner.map((element): SqlType => ({ kind: 'ArrayType', span, element })),
    fc
      .record({ key: inner, value: inner })
      .map(({ key, value }): SqlType => ({ kind: 'MapType', span, key, value })),
    fc
      .array(fc.record({ name: identifier, type: inner }), { minLength: 1, maxLength: 3 })
      .map((fields): SqlType => ({ kind: 'StructType', span, fields })),
  )
})

const INT32 = 2 ** 31
const literal: fc.Arbitrary<Expr> = fc.oneof(
  fc.constant<Expr>({ kind: 'NullLiteral', span }),
  fc.boolean().map((value): Expr => ({ kind: 'BooleanLiteral', span, value })),
  fc.integer({ min: -INT32, max: INT32 - 1 }).map((value): Expr => ({ kind: 'IntegerLiteral', span, value })),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .filter((v) => v < -(2n ** 31n) || v >= 2n ** 31n)
    .map((v): Expr => ({ kind: 'LongLiteral', span, value: String(v) })),
  fc
    .tuple(fc.boolean(), fc.stringMatching(/^\d{0,4}$/), fc.stringMatching(/^\d{0,4}$/))
    .filter(([, whole, fraction]) => whole !== '' || fraction !== '')
    .map(
      ([negative, whole, fraction]): Expr => ({
        kind: 'DecimalLiteral',
        span,
        value: `${negative ? '-' : ''}${whole}.${fraction}`,
      }),
    ),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    // The parser reads `-0.0E0` as 0: a negative zero is not a literal.
    .map((value): Expr => ({ kind: 'DoubleLiteral', span, value: value === 0 ? 0 : value })),
  text.map((value): Expr => ({ kind: 'StringLiteral', span, value })),
)

const leafExpr: fc.Arbitrary<Expr> = fc.oneof(
  literal,
  fc
    .record({ type: fc.constantFrom('DATE', 'TIME', 'TIMESTAMP'), value: text })
    .map(({ type, value }): Expr => ({ kind: 'TypeConstructor', span, type, value })),
  fc
    .record({ name: identifier, source: fc.option(identifier, { nil: undefined }) })
    .map(
      ({ name, source }): Expr =>
        source === undefined ? { kind: 'ColumnRef', span, name } : { kind: 'ColumnRef', span, name, source },
    ),
  fc.constant<Expr>({ kind: 'FunctionCall', span, name: 'COUNT', args: [], star: true }),
)

const timeUnit = fc.constantFrom<TimeUnit>('MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS')
const arithmeticOp = fc.constantFrom<ArithmeticOp>('+', '-', '*', '/', '%')
const comparisonOp = fc.constantFrom<ComparisonOp>('=', '<>', '<', '<=', '>', '>=')

const expression: fc.Memo<Expr> = fc.memo((n) => {
  if (n <= 1) return leafExpr
  const e = expression(n - 1)
  const list = (min: number) => fc.array(e, { minLength: min, maxLength: 3 })
  const when = fc.record({ condition: e, result: e })
  const lambda = fc
    .record({ params: fc.array(identifier, { minLength: 1, maxLength: 2 }), body: e })
    .map(({ params, body }): Expr => ({ kind: 'Lambda', span, params, body }))
  const argument = fc.oneof(
    { weight: 4, arbitrary: e },
    timeUnit.map((unit): Expr => ({ kind: 'IntervalUnit', span, unit })),
  )
  return fc.oneof(
    leafExpr,
    fc
      .record({ base: e, field: identifier })
      .map(({ base, field }): Expr => ({ kind: 'Dereference', span, base, field })),
    fc
      .record({ base: e, index: e })
      .map(({ base, index }): Expr => ({ kind: 'Subscript', span, base, index })),
    fc
      .record({
        name: identifier,
        args: fc.array(argument, { maxLength: 3 }),
        lambdas: fc.array(lambda, { maxLength: 2 }),
      })
      // The grammar only takes lambdas after at least one other argument.
      .map(
        ({ name, args, lambdas }): Expr => ({
          kind: 'FunctionCall',
          span,
          name,
          args: args.length === 0 ? args : [...args, ...lambdas],
          star: false,
        }),
      ),
    fc
      .record({ expr: e, type: sqlType(3) })
      .map(({ expr, type }): Expr => ({ kind: 'Cast', span, expr, type })),
    fc
      .record({
        whens: fc.array(when, { minLength: 1, maxLength: 2 }),
        else: fc.option(e, { nil: undefined }),
      })
      .map(
        ({ whens, else: otherwise }): Expr =>
          otherwise === undefined
            ? { kind: 'SearchedCase', span, whens }
            : { kind: 'SearchedCase', span, whens, else: otherwise },
      ),
    fc
      .record({
        operand: e,
        whens: fc.array(when, { minLength: 1, maxLength: 2 }),
        else: fc.option(e, { nil: undefined }),
      })
      .map(
        ({ operand, whens, else: otherwise }): Expr =>
          otherwise === undefined
            ? { kind: 'SimpleCase', span, operand, whens }
            : { kind: 'SimpleCase', span, operand, whens, else: otherwise },
      ),
    list(0).map((items): Expr => ({ kind: 'ArrayConstructor', span, items })),
    fc
      .array(fc.record({ key: e, value: e }), { maxLength: 2 })
      .map((entries): Expr => ({ kind: 'MapConstructor', span, entries })),
    fc
      .array(fc.record({ name: identifier, value: e }), { maxLength: 2 })
      .map((fields): Expr => ({ kind: 'StructConstructor', span, fields })),
    fc
      .record({ op: fc.constantFrom<'-' | '+'>('-', '+'), operand: e })
      .map(({ op, operand }): Expr => ({ kind: 'ArithmeticUnary', span, op, operand })),
    fc
      .record({ op: arithmeticOp, left: e, right: e })
      .map(({ op, left, right }): Expr => ({ kind: 'ArithmeticBinary', span, op, left, right })),
    fc.record({ left: e, right: e }).map(({ left, right }): Expr => ({ kind: 'Concat', span, left, right })),
    fc
      .record({ value: e, zone: text })
      .map(({ value, zone }): Expr => ({ kind: 'AtTimeZone', span, value, zone })),
    fc
      .record({ op: comparisonOp, left: e, right: e })
      .map(({ op, left, right }): Expr => ({ kind: 'Comparison', span, op, left, right })),
    fc
      .record({ value: e, lower: e, upper: e, negated: fc.boolean() })
      .map((r): Expr => ({ kind: 'Between', span, ...r })),
    fc
      .record({ value: e, list: list(1), negated: fc.boolean() })
      .map((r): Expr => ({ kind: 'InList', span, ...r })),
    fc
      .record({
        value: e,
        pattern: e,
        escape: fc.option(fc.string({ minLength: 1, maxLength: 1 }), { nil: undefined }),
        negated: fc.boolean(),
      })
      .map(
        ({ escape: esc, ...r }): Expr =>
          esc === undefined ? { kind: 'Like', span, ...r } : { kind: 'Like', span, ...r, escape: esc },
      ),
    fc.record({ value: e, negated: fc.boolean() }).map((r): Expr => ({ kind: 'IsNull', span, ...r })),
    fc
      .record({ left: e, right: e, negated: fc.boolean() })
      .map((r): Expr => ({ kind: 'IsDistinctFrom', span, ...r })),
    e.map((operand): Expr => ({ kind: 'Not', span, operand })),
    fc
      .record({ op: fc.constantFrom<'AND' | 'OR'>('AND', 'OR'), left: e, right: e })
      .map(({ op, left, right }): Expr => ({ kind: 'LogicalBinary', span, op, left, right })),
  )
})

describe('format roundtrip of random expressions', () => {
  it('parseExpression(formatExpression(e)) equals e', () => {
    fc.assert(
      fc.property(expression(4), (e) => {
        const formatted = formatExpression(e)
        expect(stripSpans(parseExpression(formatted)), formatted).toEqual(stripSpans(e))
      }),
      { numRuns: Number(process.env.EDDY_FC_RUNS ?? 300) },
    )
  }, 600_000)
})
