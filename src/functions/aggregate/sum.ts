import { QueryRuntimeError } from '../../errors.js'
import { Decimal } from '../../types/decimal.js'
import { array, T, type Type } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, P } from '../registry.js'
import { int32, int64, type UdafFunction, type UdafImpl, udafFunction } from './udaf.js'

/** Java-typed addition for one numeric SQL type. */
interface NumOps {
  readonly zero: Value
  add(a: Value, b: Value): Value
  sub(a: Value, b: Value): Value
}

const INT_OPS: NumOps = {
  zero: 0,
  add: (a, b) => int32((a as number) + (b as number)),
  sub: (a, b) => int32((a as number) - (b as number)),
}
const LONG_OPS: NumOps = {
  zero: 0n,
  add: (a, b) => int64((a as bigint) + (b as bigint)),
  sub: (a, b) => int64((a as bigint) - (b as bigint)),
}
const DOUBLE_OPS: NumOps = {
  zero: 0,
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
}

/** SUM over INTEGER / BIGINT / DOUBLE: the state and result have the argument's type; NULLs are skipped. */
function simpleSum(type: Type, ops: NumOps): UdafImpl {
  return {
    returnType: type,
    aggregateType: type,
    init: () => ops.zero,
    add: (s, args) => {
      const v = args[0] ?? null
      return v === null ? s : ops.add(s, v)
    },
    undo: (s, args) => {
      const v = args[0] ?? null
      return v === null ? s : ops.sub(s, v)
    },
    merge: (a, b) => ops.add(a, b),
    result: (s) => s,
  }
}

// ---------------------------------------------------------------------------------------------
// DECIMAL arithmetic with a MathContext (precision, HALF_UP), as BigDecimal.add(x, mc)

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale)
  return [a.setScale(s).unscaled, b.setScale(s).unscaled, s]
}

/** Rounds to at most `precision` significant digits, HALF_UP (BigDecimal.round(MathContext)). */
export function roundToPrecision(d: Decimal, precision: number): Decimal {
  let r = d
  while (r.precision > precision) r = r.setScale(r.scale - (r.precision - precision))
  return r
}

export function decimalAdd(a: Decimal, b: Decimal, precision: number): Decimal {
  const [x, y, s] = align(a, b)
  return roundToPrecision(new Decimal(x + y, s), precision)
}

export function decimalSub(a: Decimal, b: Decimal, precision: number): Decimal {
  const [x, y, s] = align(a, b)
  return roundToPrecision(new Decimal(x - y, s), precision)
}

/** ksqlDB's DecimalSumKudaf: fails with "Numeric field overflow" once the sum needs more integer digits. */
function decimalSum(type: Extract<Type, { kind: 'DECIMAL' }>): UdafImpl {
  const { precision, scale } = type
  const digits = precision - scale
  const max = new Decimal(1n, -digits) // 10^digits
  return {
    returnType: type,
    aggregateType: type,
    init: () => new Decimal(0n, scale),
    add: (s, args) => {
      const v = args[0] ?? null
      if (v === null) return s
      const sum = decimalAdd(s as Decimal, v as Decimal, precision)
      const abs = sum.unscaled < 0n ? new Decimal(-sum.unscaled, sum.scale) : sum
      if (max.compareTo(abs) < 1) {
        throw new QueryRuntimeError(
          `Numeric field overflow: A field with precision ${precision} and scale ${scale} ` +
            `must round to an absolute value less than 10^${digits}. Got ${sum.toString()}`,
        )
      }
      return sum
    },
    undo: (s, args) => {
      const v = args[0] ?? null
      return v === null ? s : decimalSub(s as Decimal, v as Decimal, precision)
    },
    merge: (a, b) => decimalAdd(a as Decimal, b as Decimal, precision),
    result: (s) => s,
  }
}

/** SUM(INTEGER) → INTEGER, SUM(BIGINT) → BIGINT, SUM(DOUBLE) → DOUBLE, SUM(DECIMAL(p, s)) → DECIMAL(p, s). */
export function sumFunction(): UdafFunction {
  return udafFunction({
    name: 'SUM',
    description: 'Computes the sum for a key.',
    signatures: [
      {
        ...doc('Returns the sum of the non-NULL INT values.', ['col', 'The column to aggregate.']),
        params: [T.INTEGER],
        make: () => simpleSum(T.INTEGER, INT_OPS),
      },
      {
        ...doc('Returns the sum of the non-NULL BIGINT values.', ['col', 'The column to aggregate.']),
        params: [T.BIGINT],
        make: () => simpleSum(T.BIGINT, LONG_OPS),
      },
      {
        ...doc('Returns the sum of the non-NULL DOUBLE values.', ['col', 'The column to aggregate.']),
        params: [T.DOUBLE],
        make: () => simpleSum(T.DOUBLE, DOUBLE_OPS),
      },
      {
        ...doc('Returns the sum of the non-NULL DECIMAL values.', ['col', 'The column to aggregate.']),
        params: [P.anyDecimal],
        make: (ctx) => decimalSum(ctx.types[0] as Extract<Type, { kind: 'DECIMAL' }>),
      },
    ],
  })
}

/** SUM_LIST(ARRAY<x>) (undocumented): sums every non-NULL element of every array. */
export function sumListFunction(): UdafFunction {
  const make = (type: Type, ops: NumOps) => (): UdafImpl => {
    const sumList = (list: readonly Value[]): Value => {
      let s = ops.zero
      for (const v of list) if (v !== null) s = ops.add(s, v)
      return s
    }
    return {
      returnType: type,
      aggregateType: type,
      init: () => ops.zero,
      add: (s, args) => {
        const l = args[0] ?? null
        return l === null ? s : ops.add(s, sumList(l as readonly Value[]))
      },
      undo: (s, args) => {
        const l = args[0] ?? null
        return l === null ? s : ops.sub(s, sumList(l as readonly Value[]))
      },
      merge: (a, b) => ops.add(a, b),
      result: (s) => s,
    }
  }
  return udafFunction({
    name: 'SUM_LIST',
    description: 'Returns the sum of all the elements of the arrays in a group.',
    signatures: [
      {
        ...doc('Returns the sum of the elements of ARRAY<DOUBLE> values.', [
          'list',
          'The arrays whose elements are summed.',
        ]),
        params: [array(T.DOUBLE)],
        make: make(T.DOUBLE, DOUBLE_OPS),
      },
      {
        ...doc('Returns the sum of the elements of ARRAY<INT> values.', [
          'list',
          'The arrays whose elements are summed.',
        ]),
        params: [array(T.INTEGER)],
        make: make(T.INTEGER, INT_OPS),
      },
      {
        ...doc('Returns the sum of the elements of ARRAY<BIGINT> values.', [
          'list',
          'The arrays whose elements are summed.',
        ]),
        params: [array(T.BIGINT)],
        make: make(T.BIGINT, LONG_OPS),
      },
    ],
  })
}
