import { describe, expect, it } from 'vitest'
import { parseExpression, parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../../src/errors.js'
import { stripSpans } from '../../src/ast/strip-spans.js'
import {
  and,
  arith,
  bool,
  cmp,
  col,
  concat,
  dbl,
  dec,
  fn,
  int,
  long,
  neg,
  not,
  nul,
  or,
  prim,
  str,
} from './builders.js'

const expr = (text: string): unknown => stripSpans(parseExpression(text))

describe('literals', () => {
  it.each<[string, unknown]>([
    ['NULL', nul],
    ['true', bool(true)],
    ['FALSE', bool(false)],
    ["'it''s'", str("it's")],
    ["''", str('')],
    ['0', int(0)],
    ['2147483647', int(2147483647)],
    ['-2147483648', int(-2147483648)],
    ['2147483648', long('2147483648')],
    ['-2147483649', long('-2147483649')],
    ['9223372036854775807', long('9223372036854775807')],
    ['-9223372036854775808', long('-9223372036854775808')],
    ['007', int(7)],
    ['1.50', dec('1.50')],
    ['.5', dec('.5')],
    ['1.', dec('1.')],
    ['-1.50', dec('-1.50')],
    ['1E3', dbl(1000)],
    ['1.5e-3', dbl(0.0015)],
    ['.5E1', dbl(5)],
    ['- 2', int(-2)],
    ['1.7976931348623157E308', dbl(1.7976931348623157e308)],
  ])('%s', (text, expected) => {
    expect(expr(text)).toEqual(expected)
  })

  it.each<[string, string, string]>([
    [
      '9223372036854775808',
      'line 1:2: Invalid numeric literal: 9223372036854775808',
      'Invalid numeric literal',
    ],
    [
      '-9223372036854775809',
      'line 1:2: Invalid numeric literal: -9223372036854775809',
      'Invalid numeric literal',
    ],
    [
      '1.7976931348623159E308',
      'line 1:2: Number overflows DOUBLE: 1.7976931348623159E308',
      'Number overflows DOUBLE',
    ],
    [
      '-1.7976931348623160E308',
      'line 1:2: Number overflows DOUBLE: -1.7976931348623160E308',
      'Number overflows DOUBLE',
    ],
  ])('%s is rejected', (text, message, summaryPart) => {
    const error = catchError(() => parseExpression(text))
    expect(error.message).toBe(message)
    expect(error.summary).toBe(`Failed to prepare statement: ${message}`)
    expect(error.summary).toContain(summaryPart)
    expect([error.line, error.column]).toEqual([1, 1])
  })
})

describe('expression forms', () => {
  it.each<[string, unknown]>([
    [
      "TIMESTAMP '2020-01-01T00:00:00'",
      { kind: 'TypeConstructor', type: 'TIMESTAMP', value: '2020-01-01T00:00:00' },
    ],
    ["date '2020-01-01'", { kind: 'TypeConstructor', type: 'DATE', value: '2020-01-01' }],
    ['col', col('COL')],
    ['"Mixed Case"', col('Mixed Case')],
    ['`a``b`', col('a`b')],
    ['"a""b"', col('a"b')],
    ['1AB', col('1AB')],
    ['a@b', col('A@B')],
    ['src.col', col('COL', 'SRC')],
    [
      's->f->g',
      { kind: 'Dereference', base: { kind: 'Dereference', base: col('S'), field: 'F' }, field: 'G' },
    ],
    ['s.x->`f`', { kind: 'Dereference', base: col('X', 'S'), field: 'f' }],
    ['arr[1]', { kind: 'Subscript', base: col('ARR'), index: int(1) }],
    [
      "m['k'][-1]",
      { kind: 'Subscript', base: { kind: 'Subscript', base: col('M'), index: str('k') }, index: int(-1) },
    ],
    [
      'f(x)[1]->y',
      {
        kind: 'Dereference',
        base: { kind: 'Subscript', base: fn('F', col('X')), index: int(1) },
        field: 'Y',
      },
    ],
    ['COUNT(*)', { kind: 'FunctionCall', name: 'COUNT', args: [], star: true }],
    ['now()', fn('NOW')],
    ['ucase(name)', fn('UCASE', col('NAME'))],
    ['`myUdf`(1)', fn('myUdf', int(1))],
    ['REPLACE(a, b, c)', fn('REPLACE', col('A'), col('B'), col('C'))],
    [
      'TIMESTAMPADD(SECONDS, 5, ts)',
      fn('TIMESTAMPADD', { kind: 'IntervalUnit', unit: 'SECONDS' }, int(5), col('TS')),
    ],
    [
      'DATESUB(MILLISECOND, 5, d)',
      fn('DATESUB', { kind: 'IntervalUnit', unit: 'MILLISECONDS' }, int(5), col('D')),
    ],
    // A singular unit is a non-reserved word: ANTLR prefers the column reading.
    ['f(DAY)', fn('F', col('DAY'))],
    [
      'TRANSFORM(arr, x => x * 2)',
      fn('TRANSFORM', col('ARR'), {
        kind: 'Lambda',
        params: ['X'],
        body: arith('*', col('X'), int(2)),
      }),
    ],
    [
      'REDUCE(arr, 0, (s, x) => s + x)',
      fn('REDUCE', col('ARR'), int(0), {
        kind: 'Lambda',
        params: ['S', 'X'],
        body: arith('+', col('S'), col('X')),
      }),
    ],
    ['f((a), (b + 1))', fn('F', col('A'), arith('+', col('B'), int(1)))],
    ['CAST(a AS BIGINT)', { kind: 'Cast', expr: col('A'), type: prim('BIGINT') }],
    [
      'CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END',
      {
        kind: 'SearchedCase',
        whens: [
          { condition: col('A'), result: int(1) },
          { condition: col('B'), result: int(2) },
        ],
        else: int(3),
      },
    ],
    [
      "CASE x WHEN 1 THEN 'one' END",
      {
        kind: 'SimpleCase',
        operand: col('X'),
        whens: [{ condition: int(1), result: str('one') }],
      },
    ],
    ['ARRAY[1, 2]', { kind: 'ArrayConstructor', items: [int(1), int(2)] }],
    ['ARRAY[]', { kind: 'ArrayConstructor', items: [] }],
    [
      "MAP('a' := 1, k := v)",
      {
        kind: 'MapConstructor',
        entries: [
          { key: str('a'), value: int(1) },
          { key: col('K'), value: col('V') },
        ],
      },
    ],
    ['MAP()', { kind: 'MapConstructor', entries: [] }],
    ['MAP(x)', fn('MAP', col('X'))],
    [
      'STRUCT(a := 1, `b` := f(2))',
      {
        kind: 'StructConstructor',
        fields: [
          { name: 'A', value: int(1) },
          { name: 'b', value: fn('F', int(2)) },
        ],
      },
    ],
    ['STRUCT()', { kind: 'StructConstructor', fields: [] }],
    ['STRUCT(x)', fn('STRUCT', col('X'))],
    ['ARRAY', col('ARRAY')],
    ['-a', neg(col('A'))],
    ['+a', { kind: 'ArithmeticUnary', op: '+', operand: col('A') }],
    ['+5', { kind: 'ArithmeticUnary', op: '+', operand: int(5) }],
    ['- - 5', neg(int(-5))],
    ['a || b', concat(col('A'), col('B'))],
    ["ts AT TIME ZONE 'UTC'", { kind: 'AtTimeZone', value: col('TS'), zone: 'UTC' }],
    ['a != b', cmp('<>', col('A'), col('B'))],
    ['a <> b', cmp('<>', col('A'), col('B'))],
    ['a <= b', cmp('<=', col('A'), col('B'))],
    ['a >= b', cmp('>=', col('A'), col('B'))],
    ['a < b', cmp('<', col('A'), col('B'))],
    ['a > b', cmp('>', col('A'), col('B'))],
    ['a BETWEEN 1 AND 2', { kind: 'Between', value: col('A'), lower: int(1), upper: int(2), negated: false }],
    [
      'a NOT BETWEEN 1 AND 2',
      { kind: 'Between', value: col('A'), lower: int(1), upper: int(2), negated: true },
    ],
    ['a IN (1, b)', { kind: 'InList', value: col('A'), list: [int(1), col('B')], negated: false }],
    ['a NOT IN (1)', { kind: 'InList', value: col('A'), list: [int(1)], negated: true }],
    ["a LIKE 'x%'", { kind: 'Like', value: col('A'), pattern: str('x%'), negated: false }],
    [
      "a NOT LIKE 'x!%' ESCAPE '!'",
      { kind: 'Like', value: col('A'), pattern: str('x!%'), escape: '!', negated: true },
    ],
    ['a IS NULL', { kind: 'IsNull', value: col('A'), negated: false }],
    ['a IS NOT NULL', { kind: 'IsNull', value: col('A'), negated: true }],
    ['a IS DISTINCT FROM b', { kind: 'IsDistinctFrom', left: col('A'), right: col('B'), negated: false }],
    ['a IS NOT DISTINCT FROM b', { kind: 'IsDistinctFrom', left: col('A'), right: col('B'), negated: true }],
    ['NOT a', not(col('A'))],
    ['a AND b', and(col('A'), col('B'))],
    ['a OR b', or(col('A'), col('B'))],
    ['key = id', cmp('=', col('KEY'), col('ID'))],
  ])('%s', (text, expected) => {
    expect(expr(text)).toEqual(expected)
  })
})

describe('precedence (SqlBase.g4)', () => {
  it.each<[string, unknown]>([
    ['a OR b AND c', or(col('A'), and(col('B'), col('C')))],
    ['a AND b OR c', or(and(col('A'), col('B')), col('C'))],
    ['NOT a AND b', and(not(col('A')), col('B'))],
    ['NOT NOT a', not(not(col('A')))],
    ['NOT a = b', not(cmp('=', col('A'), col('B')))],
    ['a = b AND c < d', and(cmp('=', col('A'), col('B')), cmp('<', col('C'), col('D')))],
    ['a || b = c', cmp('=', concat(col('A'), col('B')), col('C'))],
    ['a || b + c', concat(col('A'), arith('+', col('B'), col('C')))],
    ['a + b || c', concat(arith('+', col('A'), col('B')), col('C'))],
    ['a + b * c', arith('+', col('A'), arith('*', col('B'), col('C')))],
    ['a * b + c', arith('+', arith('*', col('A'), col('B')), col('C'))],
    ['a - b - c', arith('-', arith('-', col('A'), col('B')), col('C'))],
    ['a / b % c', arith('%', arith('/', col('A'), col('B')), col('C'))],
    ['-a * b', arith('*', neg(col('A')), col('B'))],
    ['a * -b', arith('*', col('A'), neg(col('B')))],
    ['a - -1', arith('-', col('A'), int(-1))],
    ['a-1', arith('-', col('A'), int(1))],
    ["-a AT TIME ZONE 'z'", neg({ kind: 'AtTimeZone', value: col('A'), zone: 'z' })],
    ["a + b AT TIME ZONE 'z'", arith('+', col('A'), { kind: 'AtTimeZone', value: col('B'), zone: 'z' })],
    ['(a + b) * c', arith('*', arith('+', col('A'), col('B')), col('C'))],
    ['(a OR b) AND c', and(or(col('A'), col('B')), col('C'))],
    [
      'a BETWEEN b + 1 AND c * 2 AND d',
      and(
        {
          kind: 'Between',
          value: col('A'),
          lower: arith('+', col('B'), int(1)),
          upper: arith('*', col('C'), int(2)),
          negated: false,
        },
        col('D'),
      ),
    ],
    ['a + 1 IS NULL', { kind: 'IsNull', value: arith('+', col('A'), int(1)), negated: false }],
    ['-a[1]', neg({ kind: 'Subscript', base: col('A'), index: int(1) })],
  ])('%s', (text, expected) => {
    expect(expr(text)).toEqual(expected)
  })

  it.each(['a = b = c', 'a IN ()', 'a NOT', 'NOT', 'a AND', '(a, b)', 'f(x => x)', 'a.b.c', 's->*', 'a b'])(
    '%s is a syntax error',
    (text) => {
      expect(() => parseExpression(text)).toThrow(SqlSyntaxError)
    },
  )
})

describe('struct->* in a select list', () => {
  it.each<[string, unknown]>([
    ['s->*', col('S')],
    ['s->a->*', { kind: 'Dereference', base: col('S'), field: 'A' }],
    ['(a + b)->*', arith('+', col('A'), col('B'))],
  ])('%s', (item, base) => {
    const [parsed] = parseStatements(`SELECT ${item} FROM t;`)
    expect(stripSpans(parsed?.statement)).toMatchObject({ select: [{ kind: 'StructAll', base }] })
  })

  it('needs a primary expression before ->*', () => {
    const error = catchError(() => parseStatements('SELECT a + b->* FROM t;'))
    expect(error.message).toBe("line 1:13: Syntax Error\nSyntax error at or near '->' at line 1:13")
  })
})

function catchError(run: () => unknown): SqlSyntaxError {
  try {
    run()
  } catch (error) {
    if (error instanceof SqlSyntaxError) return error
    throw error
  }
  throw new Error('expected a SqlSyntaxError')
}
