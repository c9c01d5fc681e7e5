import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import { compileExpr } from '../../src/expr/compile.js'
import type { ExprContext } from '../../src/expr/scope.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { FunctionRegistry, P, scalarFunction } from '../../src/functions/registry.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, T, type Type, typeToString } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const COLUMNS: readonly { name: string; type: Type; value: Value }[] = [
  { name: 'S', type: T.STRING, value: '  Hello World ' },
  { name: 'I', type: T.INTEGER, value: -7 },
  { name: 'L', type: T.BIGINT, value: 12n },
  { name: 'D', type: T.DOUBLE, value: 2.5 },
  { name: 'DEC', type: decimal(4, 2), value: Decimal.parse('-1.55') },
  { name: 'ARR', type: array(T.INTEGER), value: [3, null, 1, 2] },
  { name: 'NS', type: T.STRING, value: null },
  { name: 'BTS', type: T.BYTES, value: new Uint8Array([1, 2, 3]) },
]
const ROW = COLUMNS.map((c) => c.value)

function ctxWith(functions: FunctionRegistry): ExprContext {
  return {
    scope: {
      resolveColumn(ref: ColumnRef) {
        const index = COLUMNS.findIndex((c) => c.name === ref.name)
        const c = COLUMNS[index]
        if (c === undefined) throw new SqlPlanError(`SELECT column '${ref.name}' cannot be resolved.`)
        return { index, type: c.type, name: c.name }
      },
    },
    functions,
  }
}
const ctx = ctxWith(builtinFunctions())

function run(text: string): { type: string; value: Value } {
  const c = compileExpr(parseExpression(text), ctx)
  return { type: c.type === null ? 'null' : typeToString(c.type), value: c.evaluate(ROW) }
}

describe('builtin scalar functions', () => {
  it.each<[string, string, Value]>([
    ['LEN(S)', 'INTEGER', 14],
    ['LEN(BTS)', 'INTEGER', 3],
    ['UCASE(S)', 'STRING', '  HELLO WORLD '],
    ['LCASE(S)', 'STRING', '  hello world '],
    ['TRIM(S)', 'STRING', 'Hello World'],
    ['LTRIM(S)', 'STRING', 'Hello World '],
    ['RTRIM(S)', 'STRING', '  Hello World'],
    ["SUBSTRING('hello', 2)", 'STRING', 'ello'],
    ["SUBSTRING('hello', 2, 3)", 'STRING', 'ell'],
    ["SUBSTRING('hello', -3)", 'STRING', 'llo'],
    ["SUBSTRING('hello', 10)", 'STRING', ''],
    ["CONCAT('a', NS, 'b')", 'STRING', 'ab'],
    ["CONCAT_WS('-', 'a', NS, 'b')", 'STRING', 'a-b'],
    ["CONCAT_WS(NS, 'a')", 'STRING', null],
    ["REPLACE('a.b.c', '.', '')", 'STRING', 'abc'],
    ['UCASE(NS)', 'STRING', null],
    ['EXTRACTJSONFIELD(\'{"a":{"b":[1,"x"]}}\', \'$.a.b[1]\')', 'STRING', 'x'],
    ['EXTRACTJSONFIELD(\'{"a":{"b":1}}\', \'$.a\')', 'STRING', '{"b":1}'],
    ['ABS(I)', 'INTEGER', 7],
    ['ABS(L)', 'BIGINT', 12n],
    ['ABS(D)', 'DOUBLE', 2.5],
    ['ABS(DEC)', 'DECIMAL(4, 2)', Decimal.parse('1.55')],
    ['CEIL(D)', 'DOUBLE', 3],
    ['FLOOR(D)', 'DOUBLE', 2],
    ['ROUND(D)', 'BIGINT', 3n],
    ['ROUND(-2.5E0)', 'BIGINT', -2n],
    ['ROUND(1.2345E0, 2)', 'DOUBLE', 1.23],
    ['ROUND(DEC)', 'DECIMAL(2, 0)', Decimal.parse('-2')],
    ['ROUND(DEC, 1)', 'DECIMAL(4, 2)', Decimal.parse('-1.5')],
    ['ROUND(-1.55, 1)', 'DECIMAL(3, 2)', Decimal.parse('-1.5')],
    ['ROUND(I)', 'BIGINT', -7n],
    ['ROUND(1234.5E0, -2)', 'DOUBLE', 1200],
    ['ROUND(-1.25E0, 1)', 'DOUBLE', -1.2],
    ['CEIL(DEC)', 'DECIMAL(4, 2)', Decimal.parse('-1.00')],
    ['FLOOR(DEC)', 'DECIMAL(4, 2)', Decimal.parse('-2.00')],
    ['SQRT(16)', 'DOUBLE', 4],
    ['SIGN(I)', 'INTEGER', -1],
    ["COALESCE(NS, NS, 'z')", 'STRING', 'z'],
    ['COALESCE(I, 1)', 'INTEGER', -7],
    ['COALESCE(I, L)', 'BIGINT', -7n],
    ["IFNULL(NS, 'd')", 'STRING', 'd'],
    ['NULLIF(I, -7)', 'INTEGER', null],
    ['NULLIF(I, 1)', 'INTEGER', -7],
    ['AS_VALUE(I)', 'INTEGER', -7],
    ["TIMESTAMPTOSTRING(1577836800000, 'yyyy-MM-dd HH:mm:ss.SSS')", 'STRING', '2020-01-01 00:00:00.000'],
    [
      "TIMESTAMPTOSTRING(1577836800000, 'yyyy-MM-dd HH:mm', 'America/New_York')",
      'STRING',
      '2019-12-31 19:00',
    ],
    ["STRINGTOTIMESTAMP('2020-01-01 00:00:01', 'yyyy-MM-dd HH:mm:ss')", 'BIGINT', 1577836801000n],
    ['FROM_UNIXTIME(1000)', 'TIMESTAMP', 1000],
    ['UNIX_TIMESTAMP(FROM_UNIXTIME(1000))', 'BIGINT', 1000n],
    ["PARSE_DATE('2003-12-24', 'yyyy-MM-dd')", 'DATE', 12410],
    // FastDateFormat rules: text after the pattern is ignored.
    ["PARSE_DATE('2003-12-24-01-01', 'yyyy-MM-dd')", 'DATE', 12410],
    ["STRINGTODATE('2003-12-24', 'yyyy-MM-dd')", 'INTEGER', 12410],
    ['ARRAY_LENGTH(ARR)', 'INTEGER', 4],
    ['ARRAY_SORT(ARR)', 'ARRAY<INTEGER>', [1, 2, 3, null]],
    ["ARRAY_SORT(ARR, 'desc')", 'ARRAY<INTEGER>', [3, 2, 1, null]],
    ["MAP_KEYS(MAP('a' := 1, 'b' := 2))", 'ARRAY<STRING>', ['a', 'b']],
    ["MAP_VALUES(MAP('a' := 1, 'b' := 2))", 'ARRAY<INTEGER>', [1, 2]],
    [
      "MAP_UNION(MAP('a' := 1), MAP('a' := 3, 'b' := 2))",
      'MAP<STRING, INTEGER>',
      new Map([
        ['a', 3],
        ['b', 2],
      ]),
    ],
    [
      "AS_MAP(ARRAY['a', 'b'], ARRAY[1, 2])",
      'MAP<STRING, INTEGER>',
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    ],
    ['TRANSFORM(ARR, x => x + 1)', 'ARRAY<INTEGER>', [4, null, 2, 3]],
    [
      "TRANSFORM(MAP('a' := 1), (k, v) => UCASE(k), (k, v) => v * 2)",
      'MAP<STRING, INTEGER>',
      new Map([['A', 2]]),
    ],
    ['FILTER(ARR, x => x > 1)', 'ARRAY<INTEGER>', [3, 2]],
    ['REDUCE(ARR, 0, (s, x) => s + IFNULL(x, 0))', 'INTEGER', 6],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it('GEO_DISTANCE widens INTEGER and DECIMAL arguments to DOUBLE', () => {
    const { type, value } = run('geo_distance(37.4439, -122.1663, 51, 0)')
    expect(type).toBe('DOUBLE')
    expect(value as number).toBeCloseTo(8682.459061368269, 6)
  })

  it('PARSE_DATE rejects a time of day other than midnight', () => {
    expect(() => run("PARSE_DATE('2003-12-24 10', 'yyyy-MM-dd HH')")).toThrow(
      'Date format contains time field.',
    )
  })

  it('RANDOM is in [0, 1)', () => {
    const v = run('RANDOM()').value as number
    expect(v >= 0 && v < 1).toBe(true)
  })
})

describe('TRANSFORM of a map (Collectors.toMap)', () => {
  it.each([
    ["TRANSFORM(MAP('a' := 1, 'b' := 2), (k, v) => 'x', (k, v) => v)", 'Duplicate key x'],
    ["TRANSFORM(MAP('a' := 1), (k, v) => k, (k, v) => CAST(NULL AS INTEGER))", 'Null value for key a'],
  ])('%s fails: %s', (text, message) => {
    expect(() => run(text)).toThrow(message)
  })
})

describe('overload resolution', () => {
  it.each<[string, string]>([
    ['COALESCE()', "Function 'COALESCE' does not accept parameters ()."],
    [
      "geo_distance(1.0, 2.0, 'foo', 0)",
      "Function 'geo_distance' does not accept parameters (DECIMAL(2, 1), DECIMAL(2, 1), STRING, INTEGER).",
    ],
    [
      'LEN(1)',
      "Function 'LEN' does not accept parameters (INTEGER).\nValid alternatives are:\nLEN(STRING)\nLEN(BYTES)",
    ],
    ["COALESCE(1, 'x')", "Function 'COALESCE' does not accept parameters (INTEGER, STRING)."],
    [
      'SUBSTRING(NULL, NULL)',
      "Function 'SUBSTRING' cannot be resolved due to ambiguous method parameters (null, null).",
    ],
  ])('%s', (text, message) => {
    expect(() => run(text)).toThrow(SqlPlanError)
    expect(() => run(text)).toThrow(message)
  })

  it('prefers an exact match over an implicit cast', () => {
    const r = new FunctionRegistry().registerScalar(
      scalarFunction({
        name: 'test_udf',
        signatures: [
          { params: [T.BIGINT, T.STRING], returns: T.STRING, fn: () => 'doStuffLongString' },
          { params: [T.INTEGER, T.STRING], returns: T.STRING, fn: () => 'doStuffIntString' },
        ],
      }),
    )
    const c = compileExpr(parseExpression("test_udf(I, 'foo')"), ctxWith(r))
    expect(c.evaluate(ROW)).toBe('doStuffIntString')
  })

  it('converts arguments to the chosen parameter types', () => {
    const r = new FunctionRegistry().registerScalar(
      scalarFunction({
        name: 'TYPE_OF',
        signatures: [{ params: [T.DOUBLE], returns: T.STRING, fn: (x) => typeof x }],
      }),
    )
    expect(compileExpr(parseExpression('TYPE_OF(L)'), ctxWith(r)).evaluate(ROW)).toBe('number')
  })

  it('binds generics through variadic parameters', () => {
    const f = builtinFunctions().scalar('coalesce')
    expect(f?.resolve([T.INTEGER, null, T.BIGINT]).returnType).toEqual(T.BIGINT)
    expect(P.generic('T')).toEqual({ kind: 'GENERIC', name: 'T' })
  })
})

describe('table functions', () => {
  it('EXPLODE returns one value per element and nothing for NULL', () => {
    const f = builtinFunctions().table('explode')
    const r = f?.resolve([array(T.STRING)])
    expect(r?.returnType).toEqual(T.STRING)
    expect(r?.impl(['a', null, 'b'])).toEqual(['a', null, 'b'])
    expect(r?.impl(null)).toEqual([])
  })

  it('the registry knows which names are table functions', () => {
    const r = builtinFunctions()
    expect(r.isTable('EXPLODE')).toBe(true)
    expect(r.isTable('ABS')).toBe(false)
    expect(r.list().find((x) => x.name === 'EXPLODE')?.type).toBe('TABLE')
  })
})
