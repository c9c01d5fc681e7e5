import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../../grammar/parse.js'
import { QueryRuntimeError, SqlPlanError } from '../../../src/errors.js'
import { registerAggregates } from '../../../src/functions/aggregate-registry.js'
import type { AggregateConfig, ResolvedUdaf, UdafFunction } from '../../../src/functions/aggregate/udaf.js'
import { FunctionRegistry } from '../../../src/functions/registry.js'
import { Decimal } from '../../../src/types/decimal.js'
import { array, decimal, struct, T, type Type, typeToString } from '../../../src/types/type.js'
import type { Value } from '../../../src/types/values.js'

const registry = new FunctionRegistry()
registerAggregates(registry)

/** Resolves `name(args)`: `args` are SQL texts (used for literal init args), `types` their types. */
function resolve(
  name: string,
  types: readonly (Type | null)[],
  texts?: readonly string[],
  config?: AggregateConfig,
) {
  const f = registry.aggregate(name) as UdafFunction | undefined
  if (f === undefined) throw new Error(`no aggregate ${name}`)
  const exprs = (texts ?? types.map((_t, i) => `C${i}`)).map((t) => parseExpression(t))
  return f.resolve(types, exprs, config)
}

/** The result after each row (rows are the per-row argument lists). */
function fold(u: ResolvedUdaf, rows: readonly (readonly Value[])[]): Value[] {
  let s = u.init()
  const out: Value[] = []
  for (const r of rows) {
    s = u.add(s, r)
    out.push(u.result(s))
  }
  return out
}

function state(u: ResolvedUdaf, rows: readonly (readonly Value[])[]): Value {
  let s = u.init()
  for (const r of rows) s = u.add(s, r)
  return s
}

const dec = (s: string) => Decimal.parse(s)
const one = (vs: readonly Value[]) => vs.map((v) => [v])

describe('registry', () => {
  it('registers the 18 ksqlDB aggregates and STDDEV_SAMPLE', () => {
    const names = registry
      .list()
      .filter((f) => f.type === 'AGGREGATE')
      .map((f) => f.name)
    expect(names).toEqual([
      'ATTR',
      'AVG',
      'COLLECT_LIST',
      'COLLECT_SET',
      'CORRELATION',
      'COUNT',
      'COUNT_DISTINCT',
      'EARLIEST_BY_OFFSET',
      'HISTOGRAM',
      'LATEST_BY_OFFSET',
      'MAX',
      'MIN',
      'STDDEV_SAMP',
      'STDDEV_SAMPLE',
      'SUM',
      'SUM_LIST',
      'TOPK',
      'TOPKDISTINCT',
    ])
    expect(registry.isAggregate('count')).toBe(true)
  })

  it.each([
    ['COUNT', true],
    ['SUM', true],
    ['AVG', true],
    ['STDDEV_SAMP', true],
    ['CORRELATION', true],
    ['COLLECT_LIST', true],
    ['HISTOGRAM', true],
    ['ATTR', true],
    ['SUM_LIST', true],
    ['COUNT_DISTINCT', false],
    ['COLLECT_SET', false],
    ['MIN', false],
    ['MAX', false],
  ])('%s supports table aggregation (undo): %s', (name, table) => {
    const types =
      name === 'CORRELATION'
        ? [T.DOUBLE, T.DOUBLE]
        : name === 'SUM_LIST'
          ? [array(T.INTEGER)]
          : name === 'HISTOGRAM'
            ? [T.STRING]
            : [T.INTEGER]
    expect(resolve(name, types).undo !== undefined).toBe(table)
  })
})

describe('COUNT', () => {
  it('COUNT() / COUNT(*) counts every row', () => {
    const u = resolve('COUNT', [])
    expect(u.argCount).toBe(0)
    expect(u.returnType).toEqual(T.BIGINT)
    expect(u.aggregateType).toEqual(T.BIGINT)
    expect(fold(u, [[], [], []])).toEqual([1n, 2n, 3n])
  })

  it('COUNT(col) skips NULLs, undoes and merges', () => {
    const u = resolve('COUNT', [T.STRING])
    expect(u.argCount).toBe(1)
    expect(fold(u, one(['a', null, 'b']))).toEqual([1n, 1n, 2n])
    const s = state(u, one(['a', 'b']))
    expect(u.undo?.(s, ['a'])).toBe(1n)
    expect(u.undo?.(s, [null])).toBe(2n)
    expect(u.merge(s, 3n)).toBe(5n)
  })

  it('accepts any type, including structs', () => {
    const u = resolve('COUNT', [struct([{ name: 'A', type: T.INTEGER }])])
    expect(fold(u, one([{ A: 1 }]))).toEqual([1n])
  })
})

describe('SUM', () => {
  it.each<[string, Type, Value[], Value[]]>([
    ['INTEGER', T.INTEGER, [0, 100, null, 5], [0, 100, 100, 105]],
    ['BIGINT', T.BIGINT, [2147483648n, 100n], [2147483648n, 2147483748n]],
    ['DOUBLE', T.DOUBLE, [5.4, 100.1], [5.4, 105.5]],
    ['INTEGER overflow wraps like Java', T.INTEGER, [2147483647, 1], [2147483647, -2147483648]],
    [
      'BIGINT overflow wraps like Java',
      T.BIGINT,
      [9223372036854775807n, 1n],
      [9223372036854775807n, -9223372036854775808n],
    ],
  ])('%s', (_name, type, inputs, expected) => {
    const u = resolve('SUM', [type])
    expect(u.returnType).toEqual(type)
    expect(u.aggregateType).toEqual(type)
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('returns the initial 0 of the argument type when only NULLs arrived', () => {
    expect(fold(resolve('SUM', [T.INTEGER]), [[null]])).toEqual([0])
    expect(fold(resolve('SUM', [T.BIGINT]), [[null]])).toEqual([0n])
  })

  it('undoes and merges', () => {
    const u = resolve('SUM', [T.INTEGER])
    const s = state(u, one([100, 5]))
    expect(u.undo?.(s, [100])).toBe(5)
    expect(u.undo?.(s, [null])).toBe(105)
    expect(u.merge(s, 20)).toBe(125)
  })

  it('DECIMAL keeps the argument type and its scale', () => {
    const u = resolve('SUM', [decimal(4, 1)])
    expect(u.returnType).toEqual(decimal(4, 1))
    expect(fold(u, one([dec('5.4'), dec('100.1')])).map(String)).toEqual(['5.4', '105.5'])
    expect(String(u.result(u.init()))).toBe('0.0')
    expect(String(u.undo?.(state(u, one([dec('5.4'), dec('100.1')])), [dec('5.4')]))).toBe('100.1')
  })

  it('DECIMAL fails with "Numeric field overflow" past the precision', () => {
    const u = resolve('SUM', [decimal(4, 1)])
    const s = state(u, one([dec('500.9'), dec('300.8')]))
    expect(String(u.result(s))).toBe('801.7')
    expect(() => u.add(s, [dec('400.8')])).toThrow(QueryRuntimeError)
    expect(() => u.add(s, [dec('400.8')])).toThrow(
      'Numeric field overflow: A field with precision 4 and scale 1 must round to an absolute value less than 10^3. Got 1203',
    )
  })

  it('DECIMAL(6, 2) holds the same sum', () => {
    const u = resolve('SUM', [decimal(6, 2)])
    const r = fold(u, one([dec('500.90'), dec('300.80'), dec('400.80')]))
    expect(r.map(String)).toEqual(['500.90', '801.70', '1202.50'])
  })

  it.each<[Type[], string]>([
    [[T.STRING], "Function 'SUM' does not accept parameters (STRING)."],
    [[T.BOOLEAN], "Function 'SUM' does not accept parameters (BOOLEAN)."],
    [[T.INTEGER, T.INTEGER], "Function 'SUM' does not accept parameters (INTEGER, INTEGER)."],
  ])('rejects %j', (types, message) => {
    expect(() => resolve('SUM', types)).toThrow(SqlPlanError)
    expect(() => resolve('SUM', types)).toThrow(message)
    expect(() => resolve('SUM', types)).toThrow(
      'Valid alternatives are:\nSUM(INTEGER)\nSUM(BIGINT)\nSUM(DOUBLE)\nSUM(DECIMAL)',
    )
  })
})

describe('SUM_LIST', () => {
  it.each<[Type, Value[], Value[]]>([
    [
      T.DOUBLE,
      [
        [1, 1],
        [2, 2],
        [922337203685, 1],
        [1, 1, null],
      ],
      [2, 6, 922337203692, 922337203694],
    ],
    [
      T.INTEGER,
      [
        [1, 1],
        [2, 2],
        [100, 100],
        [100, 100, null],
      ],
      [2, 6, 206, 406],
    ],
    [T.BIGINT, [[1n, 1n], [2n, 2n], null], [2n, 6n, 6n]],
  ])('ARRAY<%j>', (elem, inputs, expected) => {
    const u = resolve('SUM_LIST', [array(elem)])
    expect(u.returnType).toEqual(elem)
    expect(fold(u, one(inputs))).toEqual(expected)
    expect(u.undo?.(state(u, one(inputs)), [inputs[0] as Value])).toEqual(
      typeof expected[0] === 'bigint'
        ? (expected[expected.length - 1] as bigint) - 2n
        : (expected[expected.length - 1] as number) - 2,
    )
  })
})

describe('AVG', () => {
  it.each<[Type, Value[], Value[]]>([
    [T.INTEGER, [1, 2, null, 6], [1, 1.5, 1.5, 3]],
    [T.BIGINT, [10n, 5n], [10, 7.5]],
    [T.DOUBLE, [0.5, 1.5], [0.5, 1]],
  ])('%j', (type, inputs, expected) => {
    const u = resolve('AVG', [type])
    expect(u.returnType).toEqual(T.DOUBLE)
    expect(u.aggregateType).toEqual(
      struct([
        { name: 'SUM', type },
        { name: 'COUNT', type: T.BIGINT },
      ]),
    )
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('is 0.0 before any value, undoes and merges', () => {
    const u = resolve('AVG', [T.INTEGER])
    expect(u.result(u.init())).toBe(0)
    const s = state(u, one([1, 2, 6]))
    expect(s).toEqual({ SUM: 9, COUNT: 3n })
    expect(u.result(u.undo?.(s, [6]) ?? null)).toBe(1.5)
    expect(u.merge(s, { SUM: 1, COUNT: 1n })).toEqual({ SUM: 10, COUNT: 4n })
  })

  it('widens DECIMAL to DOUBLE', () => {
    const u = resolve('AVG', [decimal(4, 1)])
    expect(fold(u, one([dec('1.5'), dec('2.5')]))).toEqual([1.5, 2])
  })

  it('rejects STRING', () => {
    expect(() => resolve('AVG', [T.STRING])).toThrow("Function 'AVG' does not accept parameters (STRING).")
  })
})

describe('STDDEV_SAMP / STDDEV_SAMPLE (ksqlDB conformance values)', () => {
  it.each<[string, Type, Value[], number[]]>([
    [
      'STDDEV_SAMPLE',
      T.INTEGER,
      [0, 10, 7, 6],
      [0, 7.0710678118654755, 5.131601439446884, 4.193248541803041],
    ],
    [
      'STDDEV_SAMPLE',
      T.INTEGER,
      [50, 10, 3, null],
      [0, 28.284271247461902, 25.357444666211933, 25.357444666211933],
    ],
    [
      'STDDEV_SAMPLE',
      T.BIGINT,
      [2147483648n, 100n, -2n, null],
      [0, 1518500179.2773468, 1239850233.9629574, 1239850233.9629574],
    ],
    [
      'STDDEV_SAMPLE',
      T.DOUBLE,
      [10, 12, 13, 14, 16],
      [0, Math.SQRT2, 1.5275252316519465, 1.707825127659933, 2.23606797749979],
    ],
    ['STDDEV_SAMP', T.INTEGER, [0, 10, 7, 6], [0, 50, 26.333333333333332, 17.583333333333332]],
    ['STDDEV_SAMP', T.BIGINT, [500n, 100n, 0n, -6n], [0, 80000, 70000, 57275.666666666664]],
    ['STDDEV_SAMP', T.DOUBLE, [-1.8, 2.3, 100.2, null], [0, 8.405, 3334.2033333333347, 3334.2033333333347]],
  ])('%s(%j)', (name, type, inputs, expected) => {
    const u = resolve(name, [type])
    expect(u.returnType).toEqual(T.DOUBLE)
    expect(typeToString(u.aggregateType)).toBe(
      `STRUCT<\`SUM\` ${typeToString(type)}, \`COUNT\` BIGINT, \`M2\` DOUBLE>`,
    )
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('undo reverses an add', () => {
    const u = resolve('STDDEV_SAMPLE', [T.DOUBLE])
    const s = state(u, one([10, 12, 13]))
    const back = u.undo?.(s, [13]) ?? null
    expect(u.result(back)).toBeCloseTo(u.result(state(u, one([10, 12]))) as number, 12)
  })

  it('merge combines two sessions', () => {
    const u = resolve('STDDEV_SAMPLE', [T.DOUBLE])
    const merged = u.merge(state(u, one([10, 12])), state(u, one([13, 14, 16])))
    expect(u.result(merged)).toBeCloseTo(2.23606797749979, 12)
    expect(u.merge(u.init(), state(u, one([10, 12])))).toEqual(state(u, one([10, 12])))
  })
})

describe('CORRELATION', () => {
  it.each<[Type, Value[][], Value[]]>([
    [
      T.DOUBLE,
      [
        [1.5, 8],
        [-1, -2],
        [-4.5, -1],
        [null, -6],
      ],
      [Number.NaN, 1, 0.7580764521133173, 0.7580764521133173],
    ],
    [
      T.INTEGER,
      [
        [1, 8],
        [-1, -2],
        [-4, -1],
        [13, null],
      ],
      [Number.NaN, 1, 0.7455284088780169, 0.7455284088780169],
    ],
    [
      T.BIGINT,
      [
        [1n, 8n],
        [-1n, -2n],
        [-4n, -1n],
      ],
      [Number.NaN, 1, 0.7455284088780169],
    ],
  ])('%j', (type, rows, expected) => {
    const u = resolve('CORRELATION', [type, type])
    expect(u.argCount).toBe(2)
    expect(u.returnType).toEqual(T.DOUBLE)
    expect(fold(u, rows)).toEqual(expected)
  })

  it('on a table: undo of an updated row (ksqlDB "correlation udaf with table")', () => {
    const u = resolve('CORRELATION', [T.DOUBLE, T.DOUBLE])
    let s = u.add(u.init(), [1.5, 8])
    expect(u.result(s)).toBeNaN()
    s = u.add(s, [-3.5, -2])
    expect(u.result(s)).toBe(1)
    s = u.add(u.undo?.(s, [1.5, 8]) ?? null, [-1, -2])
    expect(u.result(s)).toBeNaN()
    s = u.add(s, [-4.5, -1])
    expect(u.result(s)).toBe(-0.7205766921228921)
  })

  it('widens mixed arguments through implicit casts', () => {
    const u = resolve('CORRELATION', [T.BIGINT, T.DOUBLE])
    expect(
      fold(u, [
        [1n, 8],
        [-1n, -2],
      ]),
    ).toEqual([Number.NaN, 1])
  })

  it('rejects strings', () => {
    expect(() => resolve('CORRELATION', [T.STRING, T.STRING])).toThrow(
      "Function 'CORRELATION' does not accept parameters (STRING, STRING).",
    )
  })
})
