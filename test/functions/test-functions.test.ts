import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import { compileExpr } from '../../src/expr/compile.js'
import type { ExprContext } from '../../src/expr/scope.js'
import type { UdafImpl } from '../../src/functions/aggregate/udaf.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { registerTestFunctions, TEST_FUNCTION_NAMES } from '../../src/qtt/test-functions.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type, typeToString } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const STRUCT_A = struct([{ name: 'A', type: T.STRING }])
const COLUMNS: readonly { name: string; type: Type; value: Value }[] = [
  { name: 'I', type: T.INTEGER, value: 1 },
  { name: 'L', type: T.BIGINT, value: 2n },
  { name: 'S', type: T.STRING, value: 'x' },
  { name: 'ST', type: STRUCT_A, value: { A: 'bar' } },
]
const ROW = COLUMNS.map((c) => c.value)

const registry = builtinFunctions()
registerTestFunctions(registry)
const ctx: ExprContext = {
  scope: {
    resolveColumn(ref: ColumnRef) {
      const index = COLUMNS.findIndex((c) => c.name === ref.name)
      const c = COLUMNS[index]
      if (c === undefined) throw new SqlPlanError(`SELECT column '${ref.name}' cannot be resolved.`)
      return { index, type: c.type, name: c.name }
    },
  },
  functions: registry,
}

function compile(text: string) {
  const c = compileExpr(parseExpression(text), ctx)
  return { type: c.type === null ? 'null' : typeToString(c.type), evaluate: () => c.evaluate(ROW) }
}

describe('test-only functions', () => {
  it('registers every listed name, and none in the builtins', () => {
    const builtins = builtinFunctions()
    for (const name of TEST_FUNCTION_NAMES) {
      expect(registry.info(name)?.name).toBe(name)
      expect(builtins.info(name)).toBeUndefined()
    }
  })

  it.each<[string, string, Value]>([
    ["TEST_UDF(I, 'foo')", 'STRING', 'doStuffIntString'],
    ["TEST_UDF(L, 'foo')", 'STRING', 'doStuffLongString'],
    ["TEST_UDF(L, L, 'foo')", 'STRING', 'doStuffLongLongString'],
    ['TEST_UDF(L, L, L)', 'STRING', 'doStuffLongVarargs'],
    ['TEST_UDF(ST)', 'STRING', 'bar'],
    ['TEST_UDF()', 'STRUCT<`A` STRING>', { A: 'foo' }],
    ['TOSTRUCT(S)', 'STRUCT<`A` STRING>', { A: 'x' }],
    ['WHENCONDITION(true, true)', 'BOOLEAN', true],
    ['WHENRESULT(100, true)', 'INTEGER', 100],
    ['BAD_UDF(false)', 'INTEGER', 0],
  ])('%s', (text, type, value) => {
    const c = compile(text)
    expect({ type: c.type, value: c.evaluate() }).toEqual({ type, value })
  })

  it.each<[string, string]>([
    ['BAD_UDF(I)', 'boom!'],
    ['BAD_UDF(true)', 'You asked me to throw...'],
    ['WHENCONDITION(true, false)', 'When condition in case is not running lazily!'],
    ['WHENRESULT(1, false)', 'Then expression in case is not running lazily!'],
  ])('%s throws', (text, message) => {
    expect(() => compile(text).evaluate()).toThrow(message)
  })

  it('BAD_UDF(STRING) returns NULL every other call, counting per call site', () => {
    const a = compile('BAD_UDF(S)')
    const b = compile('BAD_UDF(S)')
    expect([a.evaluate(), a.evaluate(), a.evaluate(), b.evaluate()]).toEqual([null, 'x', null, null])
  })

  it('TEST_UDTF writes each argument of its 7-argument forms as a row', () => {
    const f = registry.table('TEST_UDTF')
    const dec = decimal(20, 10)
    const plain = f?.resolve([T.INTEGER, T.BIGINT, T.DOUBLE, T.BOOLEAN, T.STRING, dec, STRUCT_A])
    const rows = ['1', '2', '3.1', 'true', 'foo', '123.4560000000', 'Struct{A=bar}']
    const d = Decimal.parse('123.4560000000')
    expect(plain?.returnType).toEqual(T.STRING)
    expect(plain?.impl(1, 2n, 3.1, true, 'foo', d, { A: 'bar' })).toEqual(rows)
    const arrays = f?.resolve([T.INTEGER, T.BIGINT, T.DOUBLE, T.BOOLEAN, T.STRING, dec, STRUCT_A].map(array))
    expect(arrays?.impl([1], [2n], [3.1], [true], ['foo'], [d], [{ A: 'bar' }])).toEqual(rows)
    const maps = f?.resolve(
      [T.INTEGER, T.BIGINT, T.DOUBLE, T.BOOLEAN, T.STRING, dec, STRUCT_A].map((t) => map(T.STRING, t)),
    )
    const m = (v: Value) => new Map([['k', v]])
    expect(maps?.impl(m(1), m(2n), m(3.1), m(true), m('foo'), m(d), m({ A: 'bar' }))).toEqual(rows)
  })

  it.each<[Type, Value, Type, Value]>([
    [T.INTEGER, 10, T.INTEGER, 10],
    [T.STRING, 'foo', T.STRING, 'foo'],
    [decimal(20, 10), Decimal.parse('1.5'), decimal(30, 10), Decimal.parse('1.5000000000')],
    [STRUCT_A, { A: 'bar' }, STRUCT_A, { A: 'bar' }],
  ])('TEST_UDTF(%j) returns its argument', (argType, arg, returnType, row) => {
    const r = registry.table('TEST_UDTF')?.resolve([argType])
    expect(r?.returnType).toEqual(returnType)
    expect(r?.impl(arg)).toEqual([row])
  })

  it('THROWING_UDTF throws when asked to', () => {
    const r = registry.table('THROWING_UDTF')?.resolve([T.BOOLEAN])
    expect(r?.impl(false)).toEqual([false])
    expect(() => r?.impl(true)).toThrow('You asked me to throw...')
  })
})

describe('test-only aggregates', () => {
  /** Folds `rows` (the per-row argument values) through the aggregate call `text`. */
  function fold(text: string, rows: readonly Value[][]): { type: string; value: Value; argCount: number } {
    const call = parseExpression(text)
    if (call.kind !== 'FunctionCall') throw new Error('not a call')
    const types = call.args.map((a) => compileExpr(a, ctx).type)
    const udaf = registry.aggregate(call.name)?.resolve(types, call.args) as unknown as UdafImpl & {
      argCount: number
    }
    let state = udaf.init()
    for (const r of rows) state = udaf.add(state, r)
    return { type: typeToString(udaf.returnType), value: udaf.result(state), argCount: udaf.argCount }
  }

  it.each<[string, Value[][], string, Value, number]>([
    ['TEST_UDAF(L)', [[2n], [5n], [null]], 'BIGINT', 7n, 1],
    ['TEST_UDAF(I)', [[2], [-5]], 'BIGINT', -3n, 1],
    ["TEST_UDAF(S, 'abc')", [['xy'], [null], ['z']], 'BIGINT', 6n, 1],
    ['VAR_ARG(L)', [[3n], [null]], 'BIGINT', 3n, 1],
    ["VAR_ARG(L, S, 'abc', S)", [[1n, 'xy', 'abc', null]], 'BIGINT', 6n, 4],
    ['MID_VAR_ARG(L, S, S, 7, 3)', [[1n, 'ab', null]], 'BIGINT', 13n, 3],
    ['MID_VAR_ARG(L, 7, 3)', [[1n]], 'BIGINT', 11n, 1],
    ["MULTI_ARG(L, S, 5, '10', '3')", [[1n, 'ab']], 'BIGINT', 11n, 2],
    ['MULTI_ARG(L, S, 5)', [[null, null]], 'BIGINT', 5n, 2],
    ["FOUR_ARG(L, S, S, S, 1, 'ab')", [[1n, 'a', null, 'bc']], 'BIGINT', 7n, 4],
    ['FIVE_ARG(L, S, S, S, I, 0)', [[1n, 'a', 'b', 'c', 4]], 'BIGINT', 8n, 5],
    [
      'OBJ_COL_ARG(I, L, S, ST)',
      [
        [1, 2n, 'x', {}],
        [2, null, 'x', {}],
        [3, 2n, 'y', {}],
      ],
      'ARRAY<INTEGER>',
      [1, 3],
      4,
    ],
    [
      'GENERIC_VAR_ARG(S, I, L)',
      [
        ['a', 1, 2n],
        ['b', null, 1n],
      ],
      'ARRAY<STRING>',
      ['a'],
      3,
    ],
  ])('%s', (text, rows, type, value, argCount) => {
    expect(fold(text, rows)).toEqual({ type, value, argCount })
  })

  it.each<[string, string]>([
    ['VAR_ARG(S, S)', "Function 'VAR_ARG' does not accept parameters (STRING, STRING)."],
    [
      'MID_VAR_ARG(L, S, S, 3)',
      "Function 'MID_VAR_ARG' does not accept parameters (BIGINT, STRING, STRING, INTEGER).",
    ],
    ['MULTI_ARG(L, S)', "Function 'MULTI_ARG' does not accept parameters (BIGINT, STRING)."],
  ])('%s is rejected', (text, message) => {
    expect(() => fold(text, [])).toThrow(message)
  })
})
