import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import { compileExpr } from '../../src/expr/compile.js'
import type { ExprContext } from '../../src/expr/scope.js'
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
