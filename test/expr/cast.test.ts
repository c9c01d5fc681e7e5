import { describe, expect, it } from 'vitest'
import { SqlPlanError } from '../../src/errors.js'
import { castValue, compareValues, ExprEvalError, valueEquals } from '../../src/expr/compile.js'
import { javaDoubleToString } from '../../src/expr/cast.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const dec = (s: string) => Decimal.parse(s)

describe('castValue', () => {
  it.each<[Value, Type, Type, Value]>([
    [5, T.INTEGER, T.BIGINT, 5n],
    [5, T.INTEGER, T.DOUBLE, 5],
    [5, T.INTEGER, decimal(4, 2), dec('5.00')],
    [3000000000n, T.BIGINT, T.INTEGER, -1294967296],
    [2.9, T.DOUBLE, T.INTEGER, 2],
    [-2.9, T.DOUBLE, T.INTEGER, -2],
    [1e20, T.DOUBLE, T.INTEGER, 2147483647],
    [Number.NaN, T.DOUBLE, T.BIGINT, 0n],
    [1.005, T.DOUBLE, decimal(5, 2), dec('1.01')],
    [dec('12.345'), decimal(5, 3), decimal(4, 2), dec('12.35')],
    [dec('-12.99'), decimal(4, 2), T.INTEGER, -12],
    [dec('12.5'), decimal(3, 1), T.DOUBLE, 12.5],
    [' 42 ', T.STRING, T.INTEGER, 42],
    ['42', T.STRING, T.BIGINT, 42n],
    ['1.5e3', T.STRING, T.DOUBLE, 1500],
    ['1.25', T.STRING, decimal(3, 1), dec('1.3')],
    ['TRUE', T.STRING, T.BOOLEAN, true],
    ['nope', T.STRING, T.BOOLEAN, false],
    [1.0, T.DOUBLE, T.STRING, '1.0'],
    [1e7, T.DOUBLE, T.STRING, '1.0E7'],
    [0.0001, T.DOUBLE, T.STRING, '1.0E-4'],
    [10n, T.BIGINT, T.STRING, '10'],
    [dec('1.50'), decimal(3, 2), T.STRING, '1.50'],
    [true, T.BOOLEAN, T.STRING, 'true'],
    [0, T.TIMESTAMP, T.STRING, '1970-01-01T00:00:00.000'],
    [18262, T.DATE, T.STRING, '2020-01-01'],
    [3723004, T.TIME, T.STRING, '01:02:03.004'],
    ['2020-01-01T00:00:01', T.STRING, T.TIMESTAMP, 1577836801000],
    ['2020-01-01T00:00:00+0100', T.STRING, T.TIMESTAMP, 1577833200000],
    ['2020-01-01', T.STRING, T.DATE, 18262],
    ['01:02:03', T.STRING, T.TIME, 3723000],
    [86400001, T.TIMESTAMP, T.DATE, 1],
    [86400001, T.TIMESTAMP, T.TIME, 1],
    [[1, null], array(T.INTEGER), array(T.STRING), ['1', null]],
    [new Map([['a', 1]]), map(T.STRING, T.INTEGER), map(T.STRING, T.BIGINT), new Map([['a', 1n]])],
    [{ A: 1 }, struct([{ name: 'A', type: T.INTEGER }]), struct([{ name: 'A', type: T.STRING }]), { A: '1' }],
    [[1, 2], array(T.INTEGER), T.STRING, '[1, 2]'],
    [null, T.INTEGER, T.STRING, null],
  ])('%s : %o -> %o', (v, from, to, expected) => {
    expect(castValue(v, from, to)).toEqual(expected)
  })

  it.each<[Value, Type, Type, string]>([
    ['abc', T.STRING, T.INTEGER, 'For input string: "abc"'],
    ['99999999999', T.STRING, T.INTEGER, 'For input string: "99999999999"'],
    [
      dec('123.45'),
      decimal(5, 2),
      decimal(4, 2),
      'Numeric field overflow: A field with precision 4 and scale 2 must round to an absolute value less than 10^2. Got 123.45',
    ],
    ['not a date', T.STRING, T.DATE, "Failed to parse date 'not a date'"],
  ])('%s : %o -> %o fails', (v, from, to, message) => {
    expect(() => castValue(v, from, to)).toThrow(ExprEvalError)
    expect(() => castValue(v, from, to)).toThrow(message)
  })

  it.each<[Type, Type]>([
    [T.BOOLEAN, T.INTEGER],
    [T.INTEGER, T.BOOLEAN],
    [T.STRING, T.BYTES],
    [T.INTEGER, T.TIMESTAMP],
    [array(T.INTEGER), map(T.STRING, T.INTEGER)],
  ])('%o -> %o is not supported', (from, to) => {
    expect(() => castValue(1, from, to)).toThrow(SqlPlanError)
  })
})

describe('javaDoubleToString', () => {
  it.each<[number, string]>([
    [0, '0.0'],
    [-0, '-0.0'],
    [100, '100.0'],
    [0.001, '0.001'],
    [1234567.5, '1234567.5'],
    [12345678.9, '1.23456789E7'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%s', (d, s) => expect(javaDoubleToString(d)).toBe(s))
})

describe('compareValues / valueEquals', () => {
  it.each<[Value, Value, number]>([
    [null, 1, -1],
    [1, null, 1],
    [1, 2, -1],
    [2n, 1, 1],
    [dec('1.50'), dec('1.5'), 0],
    [dec('1.5'), 2, -1],
    ['a', 'b', -1],
    ['B', 'a', -1],
    [false, true, -1],
    [[1, 2], [1, 3], -1],
    [[1, 2], [1, 2, 0], -1],
  ])('compare(%o, %o) = %i', (a, b, c) => {
    expect(Math.sign(compareValues(a, b))).toBe(c)
  })

  it.each<[Value, Value, boolean]>([
    [[1, [2]], [1, [2]], true],
    [new Map([['a', 1]]), new Map([['a', 1]]), true],
    [new Map([['a', 1]]), new Map([['a', 2]]), false],
    [{ A: 1, B: null }, { A: 1, B: null }, true],
    [{ A: 1 }, { A: 2 }, false],
    [new Uint8Array([1, 2]), new Uint8Array([1, 2]), true],
    [dec('1.0'), dec('1.00'), true],
  ])('equals(%o, %o) = %s', (a, b, r) => {
    expect(valueEquals(a, b)).toBe(r)
  })
})
