import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import { compileExpr, ExprEvalError } from '../../src/expr/compile.js'
import type { ExprContext } from '../../src/expr/scope.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const COLUMNS: readonly { name: string; type: Type }[] = [
  { name: 'I', type: T.INTEGER },
  { name: 'L', type: T.BIGINT },
  { name: 'D', type: T.DOUBLE },
  { name: 'S', type: T.STRING },
  { name: 'B', type: T.BOOLEAN },
  { name: 'DEC', type: decimal(4, 2) },
  { name: 'ARR', type: array(T.INTEGER) },
  { name: 'M', type: map(T.STRING, T.INTEGER) },
  {
    name: 'ST',
    type: struct([
      { name: 'A', type: T.STRING },
      { name: 'b', type: T.INTEGER },
    ]),
  },
  { name: 'ROWTIME', type: T.BIGINT },
  { name: 'TS', type: T.TIMESTAMP },
  { name: 'NI', type: T.INTEGER },
]

const ROW: Value[] = [
  7,
  10n,
  2.5,
  'hello',
  true,
  new Decimal(1050n, 2),
  [1, 2, 3],
  new Map<Value, Value>([['a', 1]]),
  { A: 'x', b: 2 },
  1514764800001n,
  1514764800000,
  null,
]

const errors: Error[] = []
const ctx: ExprContext = {
  scope: {
    resolveColumn(ref: ColumnRef) {
      const index = COLUMNS.findIndex((c) => c.name === ref.name)
      const c = COLUMNS[index]
      if (c === undefined) throw new SqlPlanError(`SELECT column '${ref.name}' cannot be resolved.`)
      return { index, type: c.type, name: c.name }
    },
  },
  functions: builtinFunctions(),
  onError: (e) => errors.push(e),
}

function run(text: string): Value {
  return compileExpr(parseExpression(text), ctx).evaluate(ROW)
}

const dec = (s: string) => Decimal.parse(s)

describe('compileExpr', () => {
  it.each<[string, Value]>([
    ['I + 1', 8],
    ['2147483647 + 1', -2147483648],
    ['I * 3 - 1', 20],
    ['I / 2', 3],
    ['-7 / 2', -3],
    ['I % 4', 3],
    ['L + 1', 11n],
    ['9223372036854775807 + L', -9223372036854775799n],
    ['I + L', 17n],
    ['D * 2', 5],
    ['I + D', 9.5],
    ['DEC + 1', dec('11.50')],
    ['DEC * DEC', dec('110.2500')],
    ['DEC / DEC', dec('1.0000000')],
    ['DEC - 0.5', dec('10.00')],
    ['DEC + D', 13],
    ['-DEC', dec('-10.50')],
    ["S + '!'", 'hello!'],
    ["S || ' world'", 'hello world'],
    ["'a-' + CAST(NI AS STRING) + '-b'", 'a-null-b'],
    ['NI + 1', null],
    ['I > 5', true],
    ['I >= 7.5', false],
    ['I = L', false],
    ['DEC = 10.5', true],
    ['DEC < 10.51', true],
    ['NI = 1', false],
    ['NOT (NI = 1)', true],
    ["S > 'abc'", true],
    ['NI IS NULL', true],
    ['I IS NOT NULL', true],
    ['NI IS DISTINCT FROM 1', true],
    ['NI IS NOT DISTINCT FROM NI', true],
    ['I IS DISTINCT FROM 7', false],
    ['I BETWEEN 1 AND 7', true],
    ['I NOT BETWEEN 1 AND 6', true],
    ['I IN (1, 7)', true],
    ["I IN ('7', 9)", true],
    ['NI IN (1, 2)', false],
    ["B IN (false, 'tr')", true],
    ["B IN ('N', 'f')", false],
    ['NI NOT IN (1, 2)', true],
    ["S LIKE 'h%o'", true],
    ["S LIKE 'h_llo'", true],
    ["S NOT LIKE 'x%'", true],
    ["'50%' LIKE '50!%' ESCAPE '!'", true],
    ['B AND NI = 1', false],
    ['B OR NI = 1', true],
    ['ARR[1]', 1],
    ['ARR[-1]', 3],
    ['ARR[4]', null],
    ['ARR[0]', null],
    ["M['a']", 1],
    ["M['zz']", null],
    ['ST->A', 'x'],
    ['ST->`b`', 2],
    ["CASE WHEN I > 10 THEN 'big' WHEN I > 5 THEN 'mid' ELSE 'small' END", 'mid'],
    ["CASE WHEN I > 10 THEN 'big' END", null],
    ["CASE I WHEN 7 THEN 'seven' ELSE 'other' END", 'seven'],
    ['ARRAY[1, 2, NI]', [1, 2, null]],
    ['ARRAY[1, 2.5]', [dec('1.0'), dec('2.5')]],
    ["ARRAY[1, '2']", [1, 2]],
    ["MAP('k' := I)", new Map([['k', 7]])],
    ['STRUCT(X := I, Y := S)', { X: 7, Y: 'hello' }],
    ['STRUCT()', {}],
    ['ARRAY[STRUCT(A := 1), STRUCT(A := 1)]', [{ A: 1 }, { A: 1 }]],
    [
      "MAP(S := B, 'k2' := 'true', 10 := 'no')",
      new Map<Value, Value>([
        ['hello', true],
        ['k2', true],
        ['10', false],
      ]),
    ],
    [
      "MAP('a' := CAST('x' AS INTEGER), 'b' := 3)",
      new Map<Value, Value>([
        ['a', null],
        ['b', 3],
      ]),
    ],
    ['CAST(I AS STRING)', '7'],
    ['CAST(D AS STRING)', '2.5'],
    ["CAST('12' AS INTEGER)", 12],
    ["CAST('x' AS INTEGER)", null],
    ['CAST(DEC AS INTEGER)', 10],
    ['CAST(I AS DECIMAL(5, 2))', dec('7.00')],
    ["ROWTIME > '2018-01-01T00:00:00'", true],
    ["ROWTIME BETWEEN '2018' AND '2018-01-01T00:00:00.001'", true],
    ["TS = '2018-01-01T00:00:00'", true],
    ['TRANSFORM(ARR, x => x * 10)', [10, 20, 30]],
    ['FILTER(ARR, x => x > I - 6)', [2, 3]],
    ['REDUCE(ARR, 0, (acc, x) => acc + x)', 6],
  ])('%s', (text, expected) => {
    expect(run(text)).toEqual(expected)
  })

  it('reports nested cast failures and yields NULL', () => {
    errors.length = 0
    expect(run("CAST('x' AS INTEGER)")).toBeNull()
    expect(errors[0]?.message).toBe('For input string: "x"')
  })

  it.each(['I / 0', 'I % 0', 'L / 0'])('%s throws ExprEvalError', (text) => {
    expect(() => run(text)).toThrow(ExprEvalError)
  })

  it('decimal division that does not terminate fails', () => {
    expect(() => run('1.00 / 3.00')).toThrow('Rounding necessary')
  })

  it('evaluates CASE branches lazily', () => {
    expect(run('CASE WHEN I > 0 THEN 1 ELSE I / 0 END')).toBe(1)
  })
})
